/**
 * JMH benchmarks of the hot paths: {@link org.cnf4j.bench.FlowBenchmark} (an adjoint gradient, log p
 * and sampling of FFJORD's toy model), {@link org.cnf4j.bench.NetworkBenchmark} (one evaluation of
 * the network and its tangent and adjoint passes) and {@link org.cnf4j.bench.SolverBenchmark} (a
 * dopri5 solve). Speed targets live here and in {@code cnf bench}, never in unit tests.
 */
package org.cnf4j.bench;
