package org.cnf4j.io;

import org.cnf4j.flow.ContinuousNormalizingFlow;

/**
 * A model read from a file.
 *
 * @param flow the flow with its parameters
 * @param metadata standardiser, data description, training summary
 * @param checkpoint the resume state, or null when the file has none
 */
public record LoadedModel(ContinuousNormalizingFlow flow, ModelMetadata metadata, Checkpoint checkpoint) {}
