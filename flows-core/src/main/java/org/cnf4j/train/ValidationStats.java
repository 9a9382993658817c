package org.cnf4j.train;

/**
 * One validation.
 *
 * @param iteration iterations completed when it was taken
 * @param nll mean negative log-likelihood of the validation set, nats, original units
 * @param best whether it is the best so far (the parameters were kept)
 * @param objectiveLoss the training objective's own loss on the validation set when it is not the
 *     likelihood (flow matching's field residual), else NaN
 */
public record ValidationStats(long iteration, double nll, boolean best, double objectiveLoss) {}
