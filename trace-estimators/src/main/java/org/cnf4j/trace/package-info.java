/**
 * Estimators of the trace of a Jacobian, tr(df/dz), for the instantaneous change of variables:
 * exact (basis probes) and Hutchinson (Gaussian or Rademacher noise). The estimators draw
 * {@link org.cnf4j.trace.Probes}; anything that can form e^T J u consumes them.
 */
package org.cnf4j.trace;
