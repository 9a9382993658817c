/**
 * The continuous normalizing flow: {@link org.cnf4j.flow.ContinuousNormalizingFlow} integrates
 * samples and their log-density change through a chain of blocks; log-density, encode, decode and
 * sampling.
 */
package org.cnf4j.flow;
