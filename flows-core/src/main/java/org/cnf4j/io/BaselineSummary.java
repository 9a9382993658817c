package org.cnf4j.io;

/**
 * Test NLL of simple density models fitted to the same standardised training rows as the flow,
 * stored with the model so a user sees whether the flow is worth it.
 *
 * @param gaussianTestNll full-covariance Gaussian, nats per row, original units
 * @param mixtureTestNll Gaussian mixture fitted by EM, nats per row, original units
 * @param mixtureComponents components of the mixture, chosen on the validation split from 1..10
 */
public record BaselineSummary(double gaussianTestNll, double mixtureTestNll, int mixtureComponents) {}
