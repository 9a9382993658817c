/**
 * Explicit Runge-Kutta ODE solvers over ND4J arrays: fixed-step Euler, midpoint and RK4,
 * adaptive Bogacki-Shampine 3(2), Dormand-Prince 5(4) and Tsitouras 5(4), with PI step-size
 * control, seminorms, dense output and solver statistics. Entry point: {@link org.cnf4j.ode.OdeSolver}.
 */
package org.cnf4j.ode;
