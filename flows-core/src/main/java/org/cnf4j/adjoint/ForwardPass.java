package org.cnf4j.adjoint;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.DensityOdeSystem;
import org.cnf4j.flow.Inputs;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.ode.OdeSolution;
import org.cnf4j.ode.OdeSolver;
import org.cnf4j.ode.SolverStats;
import org.cnf4j.ode.StateLayout;
import org.cnf4j.ode.StepHandler;
import org.cnf4j.trace.Probes;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward half shared by both gradient methods: every block's density solve, the loss and
 * the cotangents of the final state, and the end-time derivative dL/dT = a(T) . F(T).
 */
final class ForwardPass {

    /** One block's solve. */
    record Block(Dynamics dynamics, double endTime, Probes probes, DensityOdeSystem system, INDArray start,
            INDArray end) {
    }

    final ContinuousNormalizingFlow flow;
    final TrainingObjective objective;
    final int batch;
    final int dim;
    final List<Block> blocks = new ArrayList<>();
    final INDArray latent;
    final double nll;
    final double kinetic;
    final double jacobian;
    final double loss;
    final SolverStats stats;
    /** Constant per-sample adjoints of delta, kinetic and jacobian: 1/B, lambda_K/B, lambda_J/B. */
    final double deltaAdjoint;
    final double kineticAdjoint;
    final double jacobianAdjoint;

    /** Creates a step handler for block k (or null). */
    interface Recorder {
        StepHandler forBlock(int k, StateLayout layout);
    }

    ForwardPass(ContinuousNormalizingFlow flow, INDArray x, TrainingObjective objective, TraceEstimator estimator,
            RandomGenerator noise, OdeSolver solver, Recorder recorder) {
        this(flow, x, objective, estimator, noise, solver, recorder, null);
    }

    ForwardPass(ContinuousNormalizingFlow flow, INDArray x, TrainingObjective objective, TraceEstimator estimator,
            RandomGenerator noise, OdeSolver solver, Recorder recorder, org.cnf4j.ode.StateViews.Cache views) {
        this.flow = flow;
        this.objective = objective;
        this.dim = flow.dim();
        INDArray z = Inputs.requireFiniteMatrix(x, dim, "x");
        this.batch = (int) z.rows();
        boolean reg = objective.regularized();
        double[] deltaSum = new double[batch];
        double kin = 0;
        double jac = 0;
        SolverStats s = SolverStats.ZERO;
        for (int k = 0; k < flow.blockCount(); k++) {
            Probes probes = estimator.draw(batch, dim, noise);
            DensityOdeSystem system = new DensityOdeSystem(flow.block(k), probes, batch, reg, views);
            INDArray y0 = system.initialState(z);
            StepHandler handler = recorder == null ? null : recorder.forBlock(k, system.layout());
            OdeSolution sol = solver.solve(system, 0, flow.endTime(k), y0, new double[0], handler);
            INDArray end = sol.finalState();
            blocks.add(new Block(flow.block(k), flow.endTime(k), probes, system, y0, end));
            StateLayout layout = system.layout();
            z = layout.view(end, DensityOdeSystem.Z).dup('c');
            DoubleBuffer d = NativeArrays.doubles(end);
            int dOff = (int) layout.offset(DensityOdeSystem.DELTA);
            for (int b = 0; b < batch; b++) {
                deltaSum[b] += d.get(dOff + b);
            }
            if (reg) {
                int kOff = (int) layout.offset(DensityOdeSystem.KINETIC);
                int jOff = (int) layout.offset(DensityOdeSystem.JACOBIAN);
                for (int b = 0; b < batch; b++) {
                    kin += d.get(kOff + b) / batch;
                    jac += d.get(jOff + b) / batch;
                }
            }
            s = s.plus(sol.stats());
        }
        this.latent = z;
        INDArray logN = ContinuousNormalizingFlow.standardNormalLogDensity(z);
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            sum += -logN.getDouble(b) + deltaSum[b];
        }
        this.nll = sum / batch;
        this.kinetic = kin;
        this.jacobian = jac;
        this.loss = nll + objective.kineticWeight() * kin + objective.jacobianWeight() * jac;
        this.stats = s;
        this.deltaAdjoint = 1.0 / batch;
        this.kineticAdjoint = objective.kineticWeight() / batch;
        this.jacobianAdjoint = objective.jacobianWeight() / batch;
    }

    /** dL/dz(T) of the last block: z(T) / B (from -log N(z)). */
    INDArray latentCotangent() {
        return latent.div(batch);
    }

    /** Per-sample constant weights as [batch] arrays. */
    INDArray constant(double v) {
        return Nd4j.valueArrayOf(new long[] {batch}, v, DataType.DOUBLE);
    }

    /**
     * dL/dT_k = sum_b (a_z . f - a_delta tr + a_K ||f||^2 + a_J jac) at the end of block k, with
     * {@code endCotangent} = dL/dz_k(T_k). One evaluation of f; returns 0 unless T is trained.
     */
    double endTimeGradient(int k, INDArray endCotangent) {
        if (!flow.trainsEndTime()) {
            return 0;
        }
        Block blk = blocks.get(k);
        INDArray z = blk.system().layout().view(blk.end(), DensityOdeSystem.Z).dup('c');
        INDArray f = Nd4j.create(DataType.DOUBLE, batch, dim);
        INDArray tr = Nd4j.create(DataType.DOUBLE, batch);
        INDArray jq = Nd4j.create(DataType.DOUBLE, batch);
        blk.dynamics().forward(blk.endTime(), z, blk.probes(), f, tr, jq);
        double g = f.mul(endCotangent).sumNumber().doubleValue() - deltaAdjoint * tr.sumNumber().doubleValue();
        if (objective.regularized()) {
            g += kineticAdjoint * f.mul(f).sumNumber().doubleValue() + jacobianAdjoint * jq.sumNumber().doubleValue();
        }
        return g;
    }

    /** Writes a block's parameter gradient and end-time gradient into the flow-shaped gradient. */
    void store(INDArray gradient, int k, INDArray blockGradient, double endTimeGradient) {
        gradient.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(flow.blockOffset(k),
                flow.blockOffset(k) + flow.block(k).parameterCount())).assign(blockGradient);
        double s = flow.parameters().getDouble(flow.endTimeIndex(k));
        gradient.putScalar(flow.endTimeIndex(k), endTimeGradient * 2 * s);
    }
}
