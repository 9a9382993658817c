/**
 * Dynamics networks f(z, t; theta) and their derivatives: the built-in
 * {@link org.cnf4j.nn.MlpDynamics} (concatsquash, concat and ignore layers; tanh, softplus, elu,
 * swish) with hand-written batched kernels, and {@link org.cnf4j.nn.SameDiffDynamics} for graphs
 * written by the user. Both implement {@link org.cnf4j.nn.Dynamics}.
 */
package org.cnf4j.nn;
