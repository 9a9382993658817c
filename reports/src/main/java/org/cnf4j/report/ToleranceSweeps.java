package org.cnf4j.report;

import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.LogProbResult;
import org.cnf4j.flow.SolverConfig;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Adaptive computation shown (Chen et al. 2018, the speed-accuracy trade-off): log-densities of
 * the same points at a range of tolerances, with their cost and their error against the
 * tightest solve.
 */
public final class ToleranceSweeps {

    /** 1e-3, 1e-4, ..., 1e-8. */
    public static final double[] DEFAULT = {1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8};

    private ToleranceSweeps() {}

    /**
     * Evaluates log p of {@code x} (flow space) at every tolerance (rtol = atol, loosest first);
     * restores the flow's solver settings afterwards.
     */
    public static ToleranceSweep measure(ContinuousNormalizingFlow flow, INDArray x, double[] tolerances) {
        SolverConfig saved = flow.solver();
        int n = tolerances.length;
        int[] nfe = new int[n];
        double[] secs = new double[n];
        INDArray[] values = new INDArray[n];
        try {
            for (int i = 0; i < n; i++) {
                flow.setSolver(
                        saved.method().isAdaptive()
                                ? saved.withTolerances(tolerances[i], tolerances[i])
                                : SolverConfig.dopri5(tolerances[i], tolerances[i]));
                long t0 = System.nanoTime();
                LogProbResult r = flow.logProb(x);
                secs[i] = (System.nanoTime() - t0) / 1e9;
                nfe[i] = r.stats().functionEvaluations();
                values[i] = r.logProb();
            }
        } finally {
            flow.setSolver(saved);
        }
        double[] err = new double[n];
        for (int i = 0; i < n; i++) {
            err[i] = values[i].sub(values[n - 1]).amaxNumber().doubleValue();
        }
        return new ToleranceSweep(x.rows(), tolerances.clone(), nfe, secs, err);
    }
}
