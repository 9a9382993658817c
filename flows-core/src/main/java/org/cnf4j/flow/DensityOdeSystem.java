package org.cnf4j.flow;

import java.nio.DoubleBuffer;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.ode.OdeSystem;
import org.cnf4j.ode.StateLayout;
import org.cnf4j.ode.StateViews;
import org.cnf4j.trace.Probes;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The instantaneous change of variables as one ODE on the state [z [batch, dim], delta [batch]]
 * (and, for training with RNODE regularisers, [kinetic [batch], jacobian [batch]]):
 * {@code dz/dt = f(z, t)}, {@code d delta/dt = -tr(df/dz)} (estimated with fixed probes),
 * {@code d kinetic/dt = ||f||^2}, {@code d jacobian/dt = sum_k w_k ||J u_k||^2}.
 */
public final class DensityOdeSystem implements OdeSystem {

    /** Name of the state part holding z. */
    public static final String Z = "z";
    /** Name of the part holding the accumulated log-density change (minus the integrated trace). */
    public static final String DELTA = "delta";
    /** Name of the part holding the kinetic-energy integral. */
    public static final String KINETIC = "kinetic";
    /** Name of the part holding the Jacobian Frobenius-norm integral. */
    public static final String JACOBIAN = "jacobian";

    private final Dynamics dynamics;
    private final Probes probes;
    private final int batch;
    private final int dim;
    private final boolean regularized;
    private final StateViews views;

    /**
     * @param dynamics f
     * @param probes trace probes for this batch, fixed for the solve
     * @param batch number of samples
     * @param regularized whether the state carries the two regulariser integrals
     */
    public DensityOdeSystem(Dynamics dynamics, Probes probes, int batch, boolean regularized) {
        this(dynamics, probes, batch, regularized, null);
    }

    /**
     * A system whose state views come from {@code cache} (made once per layout and solver
     * buffer instead of at every solve); null makes its own.
     */
    public DensityOdeSystem(Dynamics dynamics, Probes probes, int batch, boolean regularized, StateViews.Cache cache) {
        this.dynamics = dynamics;
        this.probes = probes;
        this.batch = batch;
        this.dim = dynamics.dim();
        this.regularized = regularized;
        StateLayout layout = layout(batch, dim, regularized);
        this.views = cache == null ? new StateViews(layout) : cache.get(layout);
    }

    /** The layout [z, delta] or [z, delta, kinetic, jacobian]. */
    public static StateLayout layout(int batch, int dim, boolean regularized) {
        StateLayout.Builder b = StateLayout.builder().add(Z, batch, dim).add(DELTA, batch);
        if (regularized) {
            b.add(KINETIC, batch).add(JACOBIAN, batch);
        }
        return b.build();
    }

    /** This system's layout. */
    @Override
    public StateLayout layout() {
        return views.layout();
    }

    /** The probes held fixed through the solve. */
    public Probes probes() {
        return probes;
    }

    /** A start state: z copied in, the integrals zero. */
    public INDArray initialState(INDArray z) {
        INDArray y = layout().allocate(DataType.DOUBLE);
        layout().view(y, Z).assign(z);
        return y;
    }

    @Override
    public void derivative(double t, INDArray y, INDArray dydt) {
        INDArray[] in = views.of(y);
        INDArray[] out = views.of(dydt);
        dynamics.forward(t, in[0], probes, out[0], out[1], regularized ? out[3] : null);
        finishDerivative(out, batch, dim, regularized);
    }

    /**
     * Completes the views {@code out} of a derivative of this layout once the dynamics have written
     * f, tr(df/dz) and the Jacobian term: the trace is negated into d delta/dt and, when
     * regularised, d kinetic/dt = ||f||^2 per sample. Shared with the adjoint's augmented system,
     * which starts its state with the same parts.
     */
    public static void finishDerivative(INDArray[] out, int batch, int dim, boolean regularized) {
        DoubleBuffer delta = NativeArrays.doubles(out[1]);
        for (int b = 0; b < batch; b++) {
            delta.put(b, -delta.get(b));
        }
        if (regularized) {
            DoubleBuffer f = NativeArrays.doubles(out[0]);
            DoubleBuffer kin = NativeArrays.doubles(out[2]);
            for (int b = 0, i = 0; b < batch; b++) {
                double s = 0;
                for (int j = 0; j < dim; j++, i++) {
                    double v = f.get(i);
                    s += v * v;
                }
                kin.put(b, s);
            }
        }
    }
}
