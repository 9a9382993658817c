package org.cnf4j.adjoint;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.DensityChain;
import org.cnf4j.flow.DensityOdeSystem;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.Cotangents;
import org.cnf4j.ode.ButcherTableau;
import org.cnf4j.ode.ErrorNorm;
import org.cnf4j.ode.SolverStats;
import org.cnf4j.ode.StateLayout;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradients by backpropagation through the solver's own steps ("discretise then optimise"):
 * every accepted step's start state and stage derivatives are stored during the forward solve,
 * and the Runge-Kutta formulas are differentiated in reverse, with the step sizes the controller
 * chose held fixed. Exact for the computed solution; memory grows with the number of steps. The
 * reference the adjoint is tested against, and the other side of the memory comparison.
 */
public final class DirectBackprop implements GradientMethod {

    /** One stored step. */
    private record Step(double t, double h, double[] y0, double[] stages) {}

    private final SolverCache solvers = new SolverCache();

    @Override
    public String name() {
        return "direct";
    }

    /** The name, {@code direct}. */
    @Override
    public String toString() {
        return name();
    }

    @Override
    public GradientResult gradient(
            ContinuousNormalizingFlow flow,
            INDArray x,
            Regularizers objective,
            TraceEstimator estimator,
            RandomGenerator noise) {
        var solver = solvers.get(flow.solver(), ErrorNorm.mixed());
        ButcherTableau tab = solver.method().tableau();
        List<List<Step>> tapes = new ArrayList<>();
        long[] stored = {0};
        ForwardPass pass = new ForwardPass(flow, x, objective, estimator, noise, solver, (k, layout) -> {
            List<Step> tape = new ArrayList<>();
            tapes.add(tape);
            return (t, h, y0, stages, y1) -> {
                double[] y = NativeArrays.toArray(y0);
                double[] st = NativeArrays.toArray(stages);
                stored[0] += 8L * (y.length + st.length);
                tape.add(new Step(t, h, y, st));
            };
        });
        INDArray gradient = Nd4j.zeros(DataType.DOUBLE, flow.parameterCount());
        double[] endTimeGradient = new double[flow.blockCount()];
        INDArray cotangent = pass.latentCotangent();
        int evaluations = 0;
        for (int k = flow.blockCount() - 1; k >= 0; k--) {
            DensityChain.BlockSolve blk = pass.blocks.get(k);
            endTimeGradient[k] = pass.endTimeGradient(k, cotangent);
            if (flow.trainsEndTime()) {
                evaluations++;
            }
            Replay replay = new Replay(pass, blk, tab);
            double[] ybar = replay.terminal(cotangent);
            List<Step> tape = tapes.get(k);
            for (int i = tape.size() - 1; i >= 0; i--) {
                evaluations += replay.step(tape.get(i), ybar);
            }
            StateLayout layout = blk.system().layout();
            int zOff = (int) layout.offset(DensityOdeSystem.Z);
            cotangent = Nd4j.create(
                    java.util.Arrays.copyOfRange(ybar, zOff, zOff + pass.batch * pass.dim),
                    new long[] {pass.batch, pass.dim},
                    DataType.DOUBLE);
            pass.store(gradient, k, Nd4j.createFromArray(replay.thetaBar), endTimeGradient[k]);
        }
        return new GradientResult(
                pass.loss,
                pass.nll,
                pass.kinetic,
                pass.jacobian,
                gradient,
                endTimeGradient,
                cotangent,
                pass.stats,
                new SolverStats(evaluations, 0, 0),
                stored[0]);
    }

    /** Reverse-mode through the steps of one block. */
    private static final class Replay {
        private final ForwardPass pass;
        private final DensityChain.BlockSolve blk;
        private final ButcherTableau tab;
        private final int n;
        private final int s;
        private final int batch;
        private final int dim;
        private final boolean regularized;
        private final StateLayout layout;
        private final int zOff;
        private final int deltaOff;
        private final int kinOff;
        private final int jacOff;
        final double[] thetaBar;
        private final double[][] stageBar;
        private final double[] stageInput;
        private final INDArray z;
        private final INDArray vf;
        private final INDArray vt;
        private final INDArray vk;
        private final INDArray vj;
        private final INDArray gz;
        private final INDArray gt;

        Replay(ForwardPass pass, DensityChain.BlockSolve blk, ButcherTableau tab) {
            this.pass = pass;
            this.blk = blk;
            this.tab = tab;
            this.layout = blk.system().layout();
            this.n = (int) layout.size();
            this.s = tab.stages();
            this.batch = pass.batch;
            this.dim = pass.dim;
            this.regularized = pass.objective.regularized();
            this.zOff = (int) layout.offset(DensityOdeSystem.Z);
            this.deltaOff = (int) layout.offset(DensityOdeSystem.DELTA);
            this.kinOff = regularized ? (int) layout.offset(DensityOdeSystem.KINETIC) : -1;
            this.jacOff = regularized ? (int) layout.offset(DensityOdeSystem.JACOBIAN) : -1;
            this.thetaBar = new double[(int) blk.dynamics().parameterCount()];
            this.stageBar = new double[s][n];
            this.stageInput = new double[n];
            this.z = Nd4j.create(DataType.DOUBLE, batch, dim);
            this.vf = Nd4j.create(DataType.DOUBLE, batch, dim);
            this.vt = Nd4j.create(DataType.DOUBLE, batch);
            this.vk = Nd4j.create(DataType.DOUBLE, batch);
            this.vj = Nd4j.create(DataType.DOUBLE, batch);
            this.gz = Nd4j.create(DataType.DOUBLE, batch, dim);
            this.gt = Nd4j.create(DataType.DOUBLE, thetaBar.length);
        }

        /** dL/d(final state of this block): z from the next block, the integrals' constant adjoints. */
        double[] terminal(INDArray cotangent) {
            double[] ybar = new double[n];
            double[] c = NativeArrays.toArray(cotangent.dup('c'));
            System.arraycopy(c, 0, ybar, zOff, batch * dim);
            for (int b = 0; b < batch; b++) {
                ybar[deltaOff + b] = pass.deltaAdjoint;
                if (regularized) {
                    ybar[kinOff + b] = pass.kineticAdjoint;
                    ybar[jacOff + b] = pass.jacobianAdjoint;
                }
            }
            return ybar;
        }

        /**
         * Maps ybar = dL/dy1 to dL/dy0 for y1 = y0 + h sum_i b_i K_i, K_i = F(t + c_i h, Y_i),
         * Y_i = y0 + h sum_{j &lt; i} a_ij K_j; accumulates dL/dtheta. Returns evaluations used.
         */
        int step(Step st, double[] ybar) {
            double h = st.h();
            double[] b = tab.b();
            for (int i = 0; i < s; i++) {
                for (int e = 0; e < n; e++) {
                    stageBar[i][e] = h * b[i] * ybar[e];
                }
            }
            int evaluations = 0;
            for (int i = s - 1; i >= 0; i--) {
                double[] a = tab.a(i);
                System.arraycopy(st.y0(), 0, stageInput, 0, n);
                for (int j = 0; j < i; j++) {
                    if (a[j] != 0) {
                        for (int e = 0; e < n; e++) {
                            stageInput[e] += h * a[j] * st.stages()[j * n + e];
                        }
                    }
                }
                double[] kb = stageBar[i];
                NativeArrays.doubles(z).put(0, stageInput, zOff, batch * dim);
                NativeArrays.doubles(vf).put(0, kb, zOff, batch * dim);
                for (int q = 0; q < batch; q++) {
                    vt.putScalar(q, -kb[deltaOff + q]);
                    if (regularized) {
                        vk.putScalar(q, kb[kinOff + q]);
                        vj.putScalar(q, kb[jacOff + q]);
                    }
                }
                Cotangents w = new Cotangents(vf, regularized ? vk : null, vt, regularized ? vj : null);
                blk.dynamics().backward(st.t() + tab.c(i) * h, z, blk.probes(), w, null, null, null, gz, gt);
                evaluations++;
                double[] gzv = NativeArrays.toArray(gz);
                double[] gtv = NativeArrays.toArray(gt);
                for (int p = 0; p < thetaBar.length; p++) {
                    thetaBar[p] += gtv[p];
                }
                // dL/dY_i feeds y0 directly and the earlier stages through a_ij
                for (int e = 0; e < gzv.length; e++) {
                    ybar[zOff + e] += gzv[e];
                }
                for (int j = 0; j < i; j++) {
                    if (a[j] != 0) {
                        for (int e = 0; e < gzv.length; e++) {
                            stageBar[j][zOff + e] += h * a[j] * gzv[e];
                        }
                    }
                }
            }
            return evaluations;
        }
    }
}
