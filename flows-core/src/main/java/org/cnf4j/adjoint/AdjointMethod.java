package org.cnf4j.adjoint;

import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.DensityChain;
import org.cnf4j.flow.DensityOdeSystem;
import org.cnf4j.linalg.Blas;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.Cotangents;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.ode.ErrorNorm;
import org.cnf4j.ode.OdeSolution;
import org.cnf4j.ode.OdeSolver;
import org.cnf4j.ode.OdeSystem;
import org.cnf4j.ode.SolverStats;
import org.cnf4j.ode.StateLayout;
import org.cnf4j.ode.StateViews;
import org.cnf4j.trace.Probes;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Gradients by the adjoint method (Chen et al. 2018, appendix; FFJORD): after the forward solve,
 * each block solves backwards from T to 0 the augmented state
 * {@code [z, delta, (kinetic, jacobian), a_z, a_theta]} with
 * <pre>
 *   dz/dt       = f(z, t)                       (and delta, kinetic, jacobian as forwards)
 *   da_z/dt     = -dS/dz,   da_theta/dt = -dS/dtheta,
 *   S           = a_z . f - a_delta tr(df/dz) + a_K ||f||^2 + a_J ||J e||^2
 * </pre>
 * where the adjoints of delta, kinetic and jacobian are the constants dL/d(.) and the trace uses
 * the probes of the forward solve. Memory does not grow with the number of solver steps. Blocks
 * chain backwards through a_z; dL/dT_k = a(T_k) . F(T_k).
 *
 * <p>The backward solve has its own tolerances (by default the forward ones) and measures its
 * error in the mixed norm (the largest RMS over the state's parts) or, optionally, a seminorm
 * that leaves a_theta out (Kidger, Chen and Lyons 2021), which saves backward evaluations once
 * the parameter adjoints dominate the error. Its gradients are exact only up to the solver tolerances: the
 * state z is re-integrated backwards.
 */
public final class AdjointMethod implements GradientMethod {

    /** Name of the state part holding the adjoint of z. */
    public static final String ADJ_Z = "a_z";
    /** Prefix of the state parts holding the parameter adjoints (one part per parameter tensor). */
    public static final String ADJ_THETA = "a_theta";

    private final BackwardTolerances backwardTolerances;
    private final boolean seminorm;
    private final SolverCache forwardSolvers = new SolverCache();
    private final SolverCache backwardSolvers = new SolverCache();
    private final StateViews.Cache views = new StateViews.Cache();

    /** Tolerances of the backward solve that differ from the forward ones. */
    public record BackwardTolerances(double rtol, double atol) {
        /** Validates as the forward tolerances are ({@link org.cnf4j.flow.SolverConfig}). */
        public BackwardTolerances {
            new org.cnf4j.flow.SolverConfig(org.cnf4j.ode.RungeKuttaMethod.DOPRI5, rtol, atol, 0, 1);
        }
    }

    /** The adjoint method with the forward tolerances and the full norm. */
    public AdjointMethod() {
        this(null, false);
    }

    /**
     * @param backwardTolerances tolerances of the backward solve, or null for the forward ones
     * @param seminorm whether the backward error norm leaves a_theta out
     */
    public AdjointMethod(BackwardTolerances backwardTolerances, boolean seminorm) {
        this.backwardTolerances = backwardTolerances;
        this.seminorm = seminorm;
    }

    /** The backward solve's own tolerances, or null when it uses the forward ones. */
    public BackwardTolerances backwardTolerances() {
        return backwardTolerances;
    }

    /** Whether the backward solve uses the seminorm. */
    public boolean seminorm() {
        return seminorm;
    }

    @Override
    public String name() {
        return "adjoint";
    }

    /** The name with the backward solve's own tolerances and seminorm when set, e.g. {@code adjoint}. */
    @Override
    public String toString() {
        return name()
                + (backwardTolerances == null
                        ? ""
                        : " backward rtol=" + backwardTolerances.rtol() + " atol=" + backwardTolerances.atol())
                + (seminorm ? " seminorm" : "");
    }

    @Override
    public GradientResult gradient(
            ContinuousNormalizingFlow flow,
            INDArray x,
            Regularizers objective,
            TraceEstimator estimator,
            RandomGenerator noise) {
        OdeSolver forwardSolver = forwardSolvers.get(flow.solver(), ErrorNorm.mixed());
        ForwardPass pass = new ForwardPass(flow, x, objective, estimator, noise, forwardSolver, null, views);
        INDArray gradient = Nd4j.zeros(DataType.DOUBLE, flow.parameterCount());
        double[] endTimeGradient = new double[flow.blockCount()];
        INDArray cotangent = pass.latentCotangent();
        SolverStats backward = SolverStats.ZERO;
        long stored = 0;
        for (int k = flow.blockCount() - 1; k >= 0; k--) {
            DensityChain.BlockSolve blk = pass.blocks.get(k);
            endTimeGradient[k] = pass.endTimeGradient(k, cotangent);
            if (flow.trainsEndTime()) {
                backward = backward.plus(new SolverStats(1, 0, 0));
            }
            AdjointSystem system = new AdjointSystem(pass, blk, views);
            INDArray y0 = system.initialState(blk, cotangent);
            stored += 8 * (y0.length() + blk.end().length());
            ErrorNorm norm = seminorm ? ErrorNorm.mixedExcluding(ADJ_THETA) : ErrorNorm.mixed();
            var config = backwardTolerances == null
                    ? flow.solver()
                    : flow.solver().withTolerances(backwardTolerances.rtol(), backwardTolerances.atol());
            OdeSolution sol = backwardSolvers.get(config, norm).solve(system, blk.endTime(), 0, y0);
            backward = backward.plus(sol.stats());
            StateLayout layout = system.layout();
            cotangent = layout.view(sol.finalState(), ADJ_Z).dup('c');
            pass.store(gradient, k, system.theta(sol.finalState()), endTimeGradient[k]);
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
                backward,
                stored);
    }

    /** The augmented backward ODE of one block. */
    private static final class AdjointSystem implements OdeSystem {
        private final Dynamics dynamics;
        private final Probes probes;
        private final boolean regularized;
        private final StateViews views;
        private final Cotangents constants;
        private final int batch;
        private final int dim;
        private final int thetaLength;
        private final long thetaOffset;
        private final int adjZ;
        private final java.util.Map<INDArray, INDArray> thetaViews = new java.util.IdentityHashMap<>();

        AdjointSystem(ForwardPass pass, DensityChain.BlockSolve blk, StateViews.Cache cache) {
            this.dynamics = blk.dynamics();
            this.probes = blk.probes();
            this.regularized = pass.objective.regularized();
            this.batch = pass.batch;
            this.dim = pass.dim;
            this.thetaLength = (int) dynamics.parameterCount();
            StateLayout forward = blk.system().layout();
            StateLayout.Builder b = StateLayout.builder();
            for (StateLayout.Part p : forward.parts()) {
                b.add(p.name(), p.shape());
            }
            b.add(ADJ_Z, batch, dim);
            // one part per parameter tensor, as torchdiffeq's adjoint state is a tuple of them:
            // the mixed norm then measures each tensor's adjoint apart
            for (org.cnf4j.nn.ParameterTensor t : dynamics.tensors()) {
                b.add(ADJ_THETA + "." + t.name(), t.length());
            }
            StateLayout layout = b.build();
            // views of the parts the right-hand side touches; a_theta is used as one range
            List<String> named = new ArrayList<>();
            for (StateLayout.Part p : forward.parts()) {
                named.add(p.name());
            }
            named.add(ADJ_Z);
            this.views = cache.get(layout, named.toArray(new String[0]));
            this.thetaOffset =
                    layout.offset(ADJ_THETA + "." + dynamics.tensors().get(0).name());
            this.adjZ = views.index(ADJ_Z);
            this.constants = new Cotangents(
                    null,
                    regularized ? pass.constant(pass.kineticAdjoint) : null,
                    pass.constant(-pass.deltaAdjoint),
                    regularized ? pass.constant(pass.jacobianAdjoint) : null);
        }

        @Override
        public StateLayout layout() {
            return views.layout();
        }

        INDArray initialState(DensityChain.BlockSolve blk, INDArray cotangent) {
            INDArray y = layout().allocate(DataType.DOUBLE);
            StateLayout forward = blk.system().layout();
            for (StateLayout.Part p : forward.parts()) {
                layout().view(y, p.name()).assign(forward.view(blk.end(), p.name()));
            }
            layout().view(y, ADJ_Z).assign(cotangent);
            return y;
        }

        /** The whole parameter-adjoint range of a state as one [P] view (cached per array). */
        private INDArray theta(INDArray state) {
            INDArray v = thetaViews.get(state);
            if (v == null) {
                if (thetaViews.size() > 64) {
                    thetaViews.clear();
                }
                v = state.reshape(state.length())
                        .get(org.nd4j.linalg.indexing.NDArrayIndex.interval(thetaOffset, thetaOffset + thetaLength));
                thetaViews.put(state, v);
            }
            return v;
        }

        @Override
        public void derivative(double t, INDArray y, INDArray dydt) {
            INDArray[] in = views.of(y);
            INDArray[] out = views.of(dydt);
            int az = adjZ;
            INDArray dTheta = theta(dydt);
            Cotangents w = new Cotangents(in[az], constants.kinetic(), constants.trace(), constants.jacobian());
            dynamics.backward(t, in[0], probes, w, out[0], out[1], regularized ? out[3] : null, out[az], dTheta);
            DensityOdeSystem.finishDerivative(out, batch, dim, regularized);
            Blas.scale(batch * dim, -1.0, NativeArrays.doublePointer(out[az]));
            Blas.scale(thetaLength, -1.0, NativeArrays.doublePointer(dTheta));
        }
    }
}
