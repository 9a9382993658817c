package org.cnf4j.sample;

import java.util.ArrayList;
import java.util.List;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.Inputs;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.ode.OdeSolution;
import org.cnf4j.ode.OdeSolver;
import org.cnf4j.ode.SolverStats;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Paths of points from data to latent: their states at K times spread evenly over the flow's
 * total integration time (all blocks one after another), read off the solver's dense output, so
 * drawing them forces no extra steps. States are in the flow's (standardised) space.
 *
 * @param times K times, 0 to the sum of the end times
 * @param states K arrays [n, dim]; states[0] is the (standardised) input, states[K-1] the latent
 * @param stats solver work
 */
public record Trajectories(double[] times, INDArray[] states, SolverStats stats) {

    /**
     * The paths of the rows of x (data units; joint rows [x | encoded context] for a conditional
     * model, each path at its own context) at {@code steps} >= 2 times.
     */
    public static Trajectories compute(DensityModel model, INDArray x, int steps) {
        if (steps < 2) {
            throw new IllegalArgumentException("a trajectory needs at least 2 times, got " + steps);
        }
        ContinuousNormalizingFlow flow = model.flow();
        INDArray[] zc = flow.splitRows(
                model.standardizer().transform(Inputs.requireFiniteMatrix(x, flow.inputColumns(), "x")), "x");
        return flow.withContext(zc[1], () -> paths(flow, zc[0], steps));
    }

    private static Trajectories paths(ContinuousNormalizingFlow flow, INDArray start, int steps) {
        INDArray z = start;
        double total = 0;
        for (int k = 0; k < flow.blockCount(); k++) {
            total += flow.endTime(k);
        }
        double[] times = new double[steps];
        for (int i = 0; i < steps; i++) {
            times[i] = total * i / (steps - 1);
        }
        List<INDArray> states = new ArrayList<>();
        OdeSolver solver = flow.solver().newSolver();
        SolverStats stats = SolverStats.ZERO;
        double offset = 0;
        int next = 0;
        for (int k = 0; k < flow.blockCount(); k++) {
            double end = flow.endTime(k);
            List<Double> local = new ArrayList<>();
            while (next < steps && (times[next] - offset <= end || k == flow.blockCount() - 1)) {
                local.add(Math.min(end, Math.max(0, times[next] - offset)));
                next++;
            }
            double[] saveAt = local.stream().mapToDouble(Double::doubleValue).toArray();
            Dynamics f = flow.block(k);
            OdeSolution sol = solver.solve(f::forward, 0, end, z, saveAt);
            for (int i = 0; i < sol.size(); i++) {
                states.add(sol.at(i));
            }
            z = sol.finalState();
            stats = stats.plus(sol.stats());
            offset += end;
        }
        return new Trajectories(times, states.toArray(new INDArray[0]), stats);
    }
}
