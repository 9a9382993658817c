package org.cnf4j.train;

/**
 * One validation.
 *
 * @param iteration iterations completed when it was taken
 * @param nll mean negative log-likelihood of the validation set, nats, original units
 * @param best whether it is the best so far (the parameters were kept)
 */
public record ValidationStats(long iteration, double nll, boolean best) {
}
