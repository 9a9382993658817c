package org.cnf4j.io;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The state that lets training resume exactly: the current parameters (the model in the file
 * holds the best ones), the optimiser state, the iteration reached, and the trainer's own record
 * (best validation so far and the per-iteration history, as JSON).
 *
 * @param parameters current flat parameters [P]
 * @param optimizerState Adam's state [2P] (first then second moments)
 * @param iteration iterations completed
 * @param trainerState the trainer's JSON record
 */
public record Checkpoint(INDArray parameters, INDArray optimizerState, long iteration, String trainerState) {}
