package org.cnf4j.report;

/**
 * A measured speed-accuracy trade-off: log-densities of {@code points} points at each tolerance
 * (rtol = atol), the function evaluations they took and their largest error against the
 * tightest solve.
 *
 * @param points number of points evaluated
 * @param tolerances tolerances, loosest first
 * @param evaluations function evaluations at each
 * @param seconds wall time at each
 * @param errors max |log p - log p(tightest)| at each (0 for the tightest)
 */
public record ToleranceSweep(int points, double[] tolerances, int[] evaluations, double[] seconds, double[] errors) {}
