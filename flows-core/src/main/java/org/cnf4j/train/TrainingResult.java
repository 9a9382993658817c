package org.cnf4j.train;

import java.util.List;
import org.cnf4j.io.TrainingSummary;

/**
 * What a training run produced. The flow holds the best parameters (by validation NLL) when
 * validation ran, else the last ones.
 *
 * @param summary the summary stored in model files
 * @param iterations every iteration's statistics (including those before a resume)
 * @param validations every validation
 */
public record TrainingResult(
        TrainingSummary summary, List<IterationStats> iterations, List<ValidationStats> validations) {}
