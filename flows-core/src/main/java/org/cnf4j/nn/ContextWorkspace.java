package org.cnf4j.nn;

import java.util.Arrays;
import org.cnf4j.linalg.Elementwise;
import org.cnf4j.linalg.Mirror;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.linalg.NativeBuffer;

/**
 * One worker's buffers and kernels for a conditional {@link MlpDynamics} (context dimension above
 * zero): every sample has its own time and its own context, so each layer is
 * {@code out_b = (x_b W) * gamma_b + beta_b} with the gates of its row (see
 * {@link Layer#contextRowGates}). The probe tangents are stacked under the samples as in
 * {@link MlpWorkspace} (a tangent row uses its sample's gate, and no shift), and the backward pass
 * goes through both with the activations' second derivatives, so the trace, its gradient and the
 * per-row-time first-order calls all run here. Products in double through BLAS. Layers are
 * numbered from 1 (layer l maps dims[l - 1] to dims[l]).
 */
final class ContextWorkspace {
    /** Most stacked rows (samples times 1 + probes). */
    final int capacity;

    private final int[] dims;
    private final Layer[] layer;
    private final int[] contextAt;
    private final int contextDim;
    private final Activation activation;
    private final int layers;
    private final int count;
    final double[] p;
    final double[] grad;
    private final double[][] x;
    private final double[][] raw;
    private final double[][] pre;
    private final double[][] da;
    private final double[][] gamma;
    private final double[][] beta;
    private final double[][] s1;
    private final double[][] s2;
    private final double[] betaBar;
    private final double[] gammaBar;
    private final double[] zeros;
    private final Mirror[] xN;
    private final Mirror outN;
    private final Mirror daN;
    private final Mirror gN;
    private double[] probeLeft = new double[0];
    /** The chunk's f and the cotangents of a row-cotangent call, [samples, dim]. */
    final double[] f;

    final double[] v;
    private Mirror weights;
    private int batch;
    private int probes;
    private int rows;

    ContextWorkspace(
            int capacity,
            int[] dims,
            Layer[] layer,
            int[] contextAt,
            int contextDim,
            Activation activation,
            int count) {
        this.capacity = capacity;
        this.dims = dims;
        this.layer = layer;
        this.contextAt = contextAt;
        this.contextDim = contextDim;
        this.activation = activation;
        this.layers = layer.length;
        this.count = count;
        p = new double[count];
        grad = new double[count];
        x = new double[layers][];
        xN = new Mirror[layers];
        raw = new double[layers + 1][];
        pre = new double[layers + 1][];
        da = new double[layers + 1][];
        gamma = new double[layers + 1][];
        beta = new double[layers + 1][];
        s1 = new double[layers][];
        s2 = new double[layers][];
        int widest = 0;
        int largest = 0;
        for (int l = 0; l < layers; l++) {
            x[l] = new double[capacity * dims[l]];
            xN[l] = Mirror.allocate((long) capacity * dims[l], false);
        }
        for (int l = 1; l <= layers; l++) {
            int n = dims[l];
            widest = Math.max(widest, Math.max(n, dims[l - 1]));
            largest = Math.max(largest, dims[l - 1] * n);
            raw[l] = new double[capacity * n];
            pre[l] = new double[capacity * n];
            da[l] = new double[capacity * n];
            gamma[l] = new double[capacity * n];
            beta[l] = new double[capacity * n];
            if (l < layers) {
                s1[l] = new double[capacity * n];
                s2[l] = new double[capacity * n];
            }
        }
        betaBar = new double[capacity * widest];
        gammaBar = new double[capacity * widest];
        zeros = new double[widest];
        outN = Mirror.allocate((long) capacity * widest, false);
        daN = Mirror.allocate((long) capacity * widest, false);
        gN = Mirror.allocate(largest, false);
        f = new double[capacity * dims[0]];
        v = new double[capacity * dims[0]];
    }

    /** Reads the parameters (once per call, for all its chunks). */
    void prepare(NativeBuffer params, Mirror paramsMirror) {
        params.copyTo(0, p, 0, count);
        weights = paramsMirror;
    }

    /**
     * Forward pass of samples [b0, b0 + m) of the call at times {@code t} and contexts {@code c}
     * (indexed by the call's sample number), primal rows and probe tangents stacked.
     */
    void forward(double[] t, double[] c, MlpCall call, int b0, int m, boolean secondOrder) {
        int d = dims[0];
        batch = m;
        probes = call.probes;
        rows = m * (1 + probes);
        if (probeLeft.length < probes * m * d) {
            probeLeft = new double[probes * m * d];
        }
        call.readRows(b0, m, d, x[0], probeLeft);
        for (int l = 1; l <= layers; l++) {
            Layer ly = layer[l - 1];
            int in = dims[l - 1];
            int n = dims[l];
            xN[l - 1].copyFrom(x[l - 1], 0, 0, rows * in);
            Mirror.gemm(false, false, rows, n, in, xN[l - 1], 0, in, weights, ly.weight(), n, outN, 0, n);
            double[] rv = raw[l];
            outN.copyTo(0, rv, 0, rows * n);
            double[] gm = gamma[l];
            double[] bt = beta[l];
            ly.contextRowGates(p, t, c, b0, m, contextDim, contextAt[l - 1], gm, bt);
            double[] pv = pre[l];
            int block = m * n;
            for (int i = 0; i < block; i++) {
                pv[i] = rv[i] * gm[i] + bt[i];
            }
            for (int k = 1; k <= probes; k++) {
                int off = k * block;
                for (int i = 0; i < block; i++) {
                    pv[off + i] = rv[off + i] * gm[i];
                }
            }
            if (l < layers) {
                double[] xv = x[l];
                double[] d1 = s1[l];
                activation.apply(pv, zeros, m, n, xv, d1, secondOrder ? s2[l] : null);
                for (int k = 1; k <= probes; k++) {
                    Elementwise.multiply(d1, 0, pv, k * block, xv, k * block, block);
                }
            }
        }
    }

    /** f of the chunk (after {@link #forward}) into {@link #f} from 0. */
    double[] output() {
        System.arraycopy(pre[layers], 0, f, 0, batch * dims[0]);
        return f;
    }

    /** Writes f, the trace and squared-norm estimates of the chunk's samples into the call's outputs. */
    void writeOutputs(MlpCall call, int b0) {
        int d = dims[0];
        int m = batch;
        double[] out = pre[layers];
        if (call.f != null) {
            call.f.put(b0 * d, out, 0, m * d);
        }
        call.writeProbeTerms(b0, m, d, probeLeft, out);
    }

    /**
     * Backward pass of the chunk (after its forward pass with second derivatives): dS/dtheta of the
     * chunk into {@link #grad} when the call wants it, dS/dz into the call's gradZ. The cotangent of
     * f is {@code vf} (heap, [samples, dim] from 0) when not null, else the call's weights.
     */
    void backward(double[] t, double[] c, MlpCall call, int b0, double[] vf, double[] gradZ) {
        int d = dims[0];
        int m = batch;
        int nz = m * d;
        double[] top = da[layers];
        if (vf != null) {
            System.arraycopy(vf, 0, top, 0, nz);
        } else if (call.vf != null) {
            call.vf.get(b0 * d, top, 0, nz);
        } else {
            Arrays.fill(top, 0, nz, 0.0);
        }
        double[] out = pre[layers];
        if (call.vk != null) {
            for (int b = 0, i = 0; b < m; b++) {
                double w2 = 2 * call.vk.get(b0 + b);
                for (int j = 0; j < d; j++, i++) {
                    top[i] += w2 * out[i];
                }
            }
        }
        call.probeCotangents(b0, m, d, probeLeft, out, top);
        if (call.wantTheta) {
            Arrays.fill(grad, 0.0);
        }
        for (int l = layers; l >= 1; l--) {
            Layer ly = layer[l - 1];
            int in = dims[l - 1];
            int n = dims[l];
            int block = m * n;
            double[] dv = da[l];
            double[] rv = raw[l];
            double[] gm = gamma[l];
            System.arraycopy(dv, 0, betaBar, 0, block);
            for (int i = 0; i < block; i++) {
                gammaBar[i] = dv[i] * rv[i];
                dv[i] *= gm[i];
            }
            for (int k = 1; k <= probes; k++) {
                int off = k * block;
                for (int i = 0; i < block; i++) {
                    gammaBar[i] += dv[off + i] * rv[off + i];
                    dv[off + i] *= gm[i];
                }
            }
            daN.copyFrom(dv, 0, 0, rows * n);
            if (call.wantTheta) {
                Mirror.gemm(true, false, in, n, rows, xN[l - 1], 0, in, daN, 0, n, gN, 0, n);
                gN.copyTo(0, grad, ly.weight(), in * n);
                ly.addContextRowGradients(p, t, c, b0, m, contextDim, contextAt[l - 1], gm, betaBar, gammaBar, grad);
            }
            if (l > 1) {
                Mirror.gemm(false, true, rows, in, n, daN, 0, n, weights, ly.weight(), n, outN, 0, in);
                double[] below = da[l - 1];
                outN.copyTo(0, below, 0, rows * in);
                Elementwise.activationBackward(below, s1[l - 1], s2[l - 1], pre[l - 1], m * in, probes);
            } else if (gradZ != null || call.gradZ != null) {
                Mirror.gemm(false, true, m, d, n, daN, 0, n, weights, ly.weight(), n, outN, 0, d);
                if (gradZ != null) {
                    outN.copyTo(0, gradZ, 0, nz);
                } else {
                    outN.copyTo(0, f, 0, nz);
                    NativeArrays.doubles(call.gradZ).put(b0 * d, f, 0, nz);
                }
            }
        }
    }
}
