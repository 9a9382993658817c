package org.cnf4j.adjoint;

import java.util.List;
import java.util.random.RandomGenerator;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.DensityChain;
import org.cnf4j.flow.DensityOdeSystem;
import org.cnf4j.flow.Inputs;
import org.cnf4j.flow.ProbeSource;
import org.cnf4j.ode.OdeSolver;
import org.cnf4j.ode.SolverStats;
import org.cnf4j.ode.StateViews;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The forward half shared by both gradient methods: every block's density solve, the loss and
 * the cotangents of the final state, and the end-time derivative dL/dT = a(T) . F(T).
 */
final class ForwardPass {

    final ContinuousNormalizingFlow flow;
    final Regularizers objective;
    final int batch;
    final int dim;
    final List<DensityChain.BlockSolve> blocks;
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

    ForwardPass(
            ContinuousNormalizingFlow flow,
            INDArray x,
            Regularizers objective,
            TraceEstimator estimator,
            RandomGenerator noise,
            OdeSolver solver,
            DensityChain.Recorder recorder) {
        this(flow, x, objective, estimator, noise, solver, recorder, null);
    }

    ForwardPass(
            ContinuousNormalizingFlow flow,
            INDArray x,
            Regularizers objective,
            TraceEstimator estimator,
            RandomGenerator noise,
            OdeSolver solver,
            DensityChain.Recorder recorder,
            StateViews.Cache views) {
        this.flow = flow;
        this.objective = objective;
        this.dim = flow.dim();
        INDArray z = Inputs.requireFiniteMatrix(x, dim, "x");
        this.batch = z.rows();
        boolean reg = objective.regularized();
        DensityChain.Result chain = DensityChain.solve(
                flow, z, true, estimator, ProbeSource.sequential(noise), solver, reg, views, recorder);
        this.blocks = chain.blocks();
        double kin = 0;
        double jac = 0;
        if (reg) {
            for (DensityChain.BlockSolve blk : blocks) {
                java.nio.DoubleBuffer end = org.cnf4j.linalg.NativeArrays.doubles(blk.end());
                int kOff = (int) blk.system().layout().offset(DensityOdeSystem.KINETIC);
                int jOff = (int) blk.system().layout().offset(DensityOdeSystem.JACOBIAN);
                for (int b = 0; b < batch; b++) {
                    kin += end.get(kOff + b) / batch;
                    jac += end.get(jOff + b) / batch;
                }
            }
        }
        this.latent = chain.out();
        INDArray logN = flow.base().logDensity(latent);
        double sum = 0;
        for (int b = 0; b < batch; b++) {
            sum += -logN.getDouble(b) + chain.delta()[b];
        }
        this.nll = sum / batch;
        this.kinetic = kin;
        this.jacobian = jac;
        this.loss = nll + objective.kineticWeight() * kin + objective.jacobianWeight() * jac;
        this.stats = chain.stats();
        this.deltaAdjoint = 1.0 / batch;
        this.kineticAdjoint = objective.kineticWeight() / batch;
        this.jacobianAdjoint = objective.jacobianWeight() / batch;
    }

    /** dL/dz(T) of the last block: -(d log q / dz)(z(T)) / B; z(T) / B for q = N(0, I). */
    INDArray latentCotangent() {
        if (flow.base() instanceof org.cnf4j.flow.StandardNormal) {
            return latent.div(batch);
        }
        return flow.base().logDensityGradient(latent).divi(-batch);
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
        DensityChain.BlockSolve blk = blocks.get(k);
        INDArray z = blk.system().layout().view(blk.end(), DensityOdeSystem.Z).dup('c');
        INDArray f = Nd4j.create(DataType.DOUBLE, batch, dim);
        INDArray tr = Nd4j.create(DataType.DOUBLE, batch);
        INDArray jq = Nd4j.create(DataType.DOUBLE, batch);
        blk.dynamics().forward(blk.endTime(), z, blk.probes(), f, tr, jq);
        double g = f.mul(endCotangent).sumNumber().doubleValue()
                - deltaAdjoint * tr.sumNumber().doubleValue();
        if (objective.regularized()) {
            g += kineticAdjoint * f.mul(f).sumNumber().doubleValue()
                    + jacobianAdjoint * jq.sumNumber().doubleValue();
        }
        return g;
    }

    /** Writes a block's parameter gradient and end-time gradient into the flow-shaped gradient. */
    void store(INDArray gradient, int k, INDArray blockGradient, double endTimeGradient) {
        gradient.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(
                        flow.blockOffset(k), flow.blockOffset(k) + flow.block(k).parameterCount()))
                .assign(blockGradient);
        double s = flow.parameters().getDouble(flow.endTimeIndex(k));
        gradient.putScalar(flow.endTimeIndex(k), endTimeGradient * 2 * s);
    }
}
