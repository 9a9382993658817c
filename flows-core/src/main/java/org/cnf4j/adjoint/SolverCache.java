package org.cnf4j.adjoint;

import org.cnf4j.flow.SolverConfig;
import org.cnf4j.ode.ErrorNorm;
import org.cnf4j.ode.OdeSolver;

/**
 * The solver a gradient method used last, kept while its settings stay the same, so that its
 * work buffers are reused from one training iteration to the next instead of being allocated
 * (and left to the garbage collector) at every solve.
 */
final class SolverCache {

    private SolverConfig config;
    private ErrorNorm norm;
    private OdeSolver solver;

    OdeSolver get(SolverConfig wanted, ErrorNorm wantedNorm) {
        if (solver == null || !wanted.equals(config) || !wantedNorm.toString().equals(norm.toString())) {
            solver = wanted.newSolver(wantedNorm);
            config = wanted;
            norm = wantedNorm;
        }
        return solver;
    }
}
