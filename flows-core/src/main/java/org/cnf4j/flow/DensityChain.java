package org.cnf4j.flow;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.ode.OdeSolution;
import org.cnf4j.ode.OdeSolver;
import org.cnf4j.ode.SolverStats;
import org.cnf4j.ode.StateLayout;
import org.cnf4j.ode.StateViews;
import org.cnf4j.ode.StepHandler;
import org.cnf4j.trace.Probes;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The block-by-block density solve every log-density passes through: the state [z, delta]
 * (with the RNODE integrals when regularised) through each block's {@link DensityOdeSystem},
 * from data to latent (blocks in order, t from 0 to T_k) or from latent to data (blocks in
 * reverse, t from T_k to 0), with one set of trace probes per block drawn from {@code noise}.
 * Used by {@link ContinuousNormalizingFlow#logProb}, {@link
 * ContinuousNormalizingFlow#decodeWithLogProb} and the training forward pass, which keeps every
 * block's solve for its backward pass.
 */
public final class DensityChain {

    /**
     * One block's solve.
     *
     * @param block block index
     * @param dynamics its dynamics
     * @param endTime its T
     * @param probes the trace probes it used
     * @param system its ODE system (layout and views)
     * @param start the state it started from
     * @param end the state it ended at
     */
    public record BlockSolve(
            int block,
            Dynamics dynamics,
            double endTime,
            Probes probes,
            DensityOdeSystem system,
            INDArray start,
            INDArray end) {}

    /** Creates a step handler for block k (or null): how direct backpropagation records steps. */
    public interface Recorder {
        StepHandler forBlock(int k, StateLayout layout);
    }

    /**
     * What a chain solve gives.
     *
     * @param out the points at the far end [n, dim] (latent, or data when decoding)
     * @param delta per row, the sum over blocks of delta at the far end of each block's solve [n]
     * @param blocks every block's solve, in the order solved
     * @param stats solver work of all blocks
     */
    public record Result(INDArray out, double[] delta, List<BlockSolve> blocks, SolverStats stats) {}

    private DensityChain() {}

    /**
     * Solves the chain.
     *
     * @param flow the flow
     * @param x the starting points [n, dim], contiguous DOUBLE, finite
     * @param toLatent true from data to latent, false from latent to data
     * @param estimator trace estimator; its probes are drawn once per block from {@code probeSource}
     * @param probeSource where the probes come from
     * @param solver the solver
     * @param regularized whether the state carries the RNODE integrals
     * @param views views cache shared across calls (may be null)
     * @param recorder step handlers per block (may be null)
     */
    public static Result solve(
            ContinuousNormalizingFlow flow,
            INDArray x,
            boolean toLatent,
            TraceEstimator estimator,
            ProbeSource probeSource,
            OdeSolver solver,
            boolean regularized,
            StateViews.Cache views,
            Recorder recorder) {
        int n = x.rows();
        int dim = flow.dim();
        double[] delta = new double[n];
        List<BlockSolve> solves = new ArrayList<>();
        SolverStats stats = SolverStats.ZERO;
        INDArray z = x;
        int blocks = flow.blockCount();
        for (int i = 0; i < blocks; i++) {
            int k = toLatent ? i : blocks - 1 - i;
            Probes probes = probeSource.draw(estimator, n, dim);
            DensityOdeSystem system = new DensityOdeSystem(flow.block(k), probes, n, regularized, views);
            INDArray y0 = system.initialState(z);
            StepHandler handler = recorder == null ? null : recorder.forBlock(k, system.layout());
            double t = flow.endTime(k);
            OdeSolution sol = solver.solve(system, toLatent ? 0 : t, toLatent ? t : 0, y0, new double[0], handler);
            INDArray end = sol.finalState();
            solves.add(new BlockSolve(k, flow.block(k), t, probes, system, y0, end));
            z = system.layout().view(end, DensityOdeSystem.Z).dup('c');
            DoubleBuffer d = NativeArrays.doubles(end);
            int off = (int) system.layout().offset(DensityOdeSystem.DELTA);
            for (int b = 0; b < n; b++) {
                delta[b] += d.get(off + b);
            }
            stats = stats.plus(sol.stats());
        }
        return new Result(z, delta, solves, stats);
    }
}
