/**
 * Gradients of the training loss: the adjoint method (backward augmented ODE, memory independent
 * of the number of solver steps) and direct backpropagation through the solver's steps.
 */
package org.cnf4j.adjoint;
