package org.cnf4j.nn;

import java.util.Arrays;
import org.cnf4j.linalg.Elementwise;
import org.cnf4j.linalg.HeapGemm;
import org.cnf4j.linalg.Mirror;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.linalg.NativeBuffer;
import org.cnf4j.linalg.SingleTanh;

/**
 * One worker's buffers for chunks of up to {@code capacity} stacked rows, and the kernels of the
 * one-time path of {@link MlpDynamics}: the forward pass carrying the probe tangents, and the
 * backward pass through both with the activations' second derivatives. Rows: the chunk's batch
 * primal rows, then probes * batch tangent rows. Elementwise work runs on heap arrays (vectorised
 * by the JIT); the operands of BLAS calls have native mirrors filled by bulk copies. Layers are
 * numbered from 1 here (layer l maps dims[l - 1] to dims[l]).
 *
 * <p>In float ({@code single}) with tanh, a forward pass without second derivatives (every
 * evaluation outside the adjoint's backward solve) keeps its hidden layers in float end to end:
 * float products, tanh and the tangent products in float ({@link SingleTanh}), plain float copies
 * to and from the native operands; only the network's input and output pass through double.
 */
final class MlpWorkspace {
    final int capacity;
    private final int[] dims;
    private final Layer[] layer;
    private final Activation activation;
    private final int layers;
    private final int count;
    private final boolean single;
    private Mirror paramMirror;
    int batch;
    int probes;
    int rows;
    final double[][] x;
    final double[][] a;
    final double[][] s1;
    final double[][] s2;
    final double[][] da;
    final double[][] gamma;
    final double[][] beta;
    final double[][] wg;
    final double[][] g;
    final double[] p;
    final double[] grad;
    final double[] colSum;
    final double[] gammaBar;
    final Mirror[] xN;
    final Mirror[] aN;
    final Mirror[] daN;
    final Mirror[] wgN;
    final Mirror[] gN;
    final Mirror gzN;
    final double[] gz;
    /** Float layers of the float forward pass (null in double): pre-activations, outputs, tanh'. */
    private final float[][] af;
    private final float[][] xf;
    private final float[][] s1f;
    private final float[][] betaF;
    /** Effective weights in float for the heap products of the float forward pass (null unless used). */
    private final float[][] wf;
    /** Whether the forward products run on the heap ({@link HeapGemm}) rather than in native BLAS. */
    private final boolean heapProducts;
    double[] probeLeft = new double[0];

    MlpWorkspace(int capacity, int[] dims, Layer[] layer, Activation activation, int count, boolean single,
            boolean heapProducts) {
        this.capacity = capacity;
        this.dims = dims;
        this.layer = layer;
        this.activation = activation;
        this.layers = layer.length;
        this.count = count;
        this.single = single;
        this.heapProducts = heapProducts;
        // native pre-activations only for BLAS forward products: without the heap kernels, and in
        // float for the backward solve's forward passes
        boolean blasForward = !heapProducts || single;
        x = new double[layers][];
        a = new double[layers + 1][];
        s1 = new double[layers][];
        s2 = new double[layers][];
        da = new double[layers + 1][];
        gamma = new double[layers + 1][];
        beta = new double[layers + 1][];
        wg = new double[layers + 1][];
        g = new double[layers + 1][];
        p = new double[count];
        grad = new double[count];
        xN = new Mirror[layers];
        aN = new Mirror[layers + 1];
        daN = new Mirror[layers + 1];
        wgN = new Mirror[layers + 1];
        gN = new Mirror[layers + 1];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            x[l] = new double[capacity * dims[l]];
            xN[l] = Mirror.allocate((long) capacity * dims[l], single);
        }
        for (int l = 1; l <= layers; l++) {
            int n = dims[l];
            int w = dims[l - 1] * n;
            widest = Math.max(widest, n);
            a[l] = new double[capacity * n];
            da[l] = new double[capacity * n];
            aN[l] = blasForward ? Mirror.allocate((long) capacity * n, single) : null;
            daN[l] = Mirror.allocate((long) capacity * n, single);
            if (l < layers) {
                s1[l] = new double[capacity * n];
                s2[l] = new double[capacity * n];
            }
            gamma[l] = new double[n];
            beta[l] = new double[n];
            g[l] = new double[w];
            gN[l] = Mirror.allocate(w, single);
            if (layer[l - 1].gatesWeights() || single) {
                wg[l] = new double[w];
                wgN[l] = Mirror.allocate(w, single);
            }
        }
        colSum = new double[widest];
        gammaBar = new double[widest];
        gzN = single ? Mirror.allocate((long) capacity * dims[0], true) : null;
        gz = single ? new double[capacity * dims[0]] : null;
        boolean floatPass = single && activation == Activation.TANH;
        af = floatPass ? new float[layers + 1][] : null;
        xf = floatPass ? new float[layers][] : null;
        s1f = floatPass ? new float[layers][] : null;
        betaF = floatPass ? new float[layers][] : null;
        wf = floatPass && heapProducts ? new float[layers + 1][] : null;
        if (wf != null) {
            // the input and output layers in float are only used by the heap products
            xf[0] = new float[capacity * dims[0]];
            af[layers] = new float[capacity * dims[layers]];
        }
        for (int l = 1; floatPass && l <= layers; l++) {
            if (wf != null) {
                wf[l] = new float[dims[l - 1] * dims[l]];
            }
            if (l < layers) {
                af[l] = new float[capacity * dims[l]];
                xf[l] = new float[capacity * dims[l]];
                s1f[l] = new float[capacity * dims[l]];
                betaF[l] = new float[dims[l]];
            }
        }
    }

    /** gamma(t) and beta(t) of layer l; gated weights W * gamma for concatsquash, float weights in float. */
    private void gates(int l, double t) {
        Layer ly = layer[l - 1];
        int n = dims[l];
        int in = dims[l - 1];
        ly.gates(p, t, gamma[l], beta[l]);
        if (betaF != null && l < layers) {
            for (int j = 0; j < n; j++) {
                betaF[l][j] = (float) beta[l][j];
            }
        }
        if (ly.gatesWeights()) {
            double[] gm = gamma[l];
            double[] out = wg[l];
            int w0 = ly.weight();
            for (int i = 0, k = 0; i < in; i++) {
                for (int j = 0; j < n; j++, k++) {
                    out[k] = p[w0 + k] * gm[j];
                }
            }
            wgN[l].copyFrom(out, 0, 0, in * n);
        } else if (single) {
            wgN[l].copyFrom(p, ly.weight(), 0, in * n);
        }
        if (wf != null) {
            double[] w = heapWeights(l);
            int w0 = heapOffset(l);
            float[] out = wf[l];
            for (int k = 0; k < in * n; k++) {
                out[k] = (float) w[w0 + k];
            }
        }
    }

    /** The effective weights of layer l on the heap: W * gamma for gated layers, W within p otherwise. */
    private double[] heapWeights(int l) {
        return layer[l - 1].gatesWeights() ? wg[l] : p;
    }

    /** Offset of the effective weights of layer l in {@link #heapWeights}. */
    private int heapOffset(int l) {
        return layer[l - 1].gatesWeights() ? 0 : layer[l - 1].weight();
    }

    /** The effective weights of layer l for BLAS: W * gamma for gated layers, W otherwise. */
    private Mirror effectiveWeights(int l) {
        return layer[l - 1].gatesWeights() || single ? wgN[l] : paramMirror;
    }

    /** Offset of the effective weights of layer l in their mirror. */
    private long effectiveOffset(int l) {
        return layer[l - 1].gatesWeights() || single ? 0 : layer[l - 1].weight();
    }

    /** Reads the parameters and computes every layer's gates at time t: once per call, for all its chunks. */
    void prepare(double t, NativeBuffer params, Mirror paramsMirror) {
        this.paramMirror = paramsMirror;
        params.copyTo(0, p, 0, count);
        for (int l = 1; l <= layers; l++) {
            gates(l, t);
        }
    }

    /**
     * Forward pass of samples [b0, b0 + m) of the call, primal and probe tangents stacked;
     * {@link #prepare} must have run for this call.
     */
    void forward(MlpCall call, int b0, int m, boolean secondOrder) {
        int d = dims[0];
        batch = m;
        probes = call.probes;
        rows = m * (1 + probes);
        if (probeLeft.length < probes * m * d) {
            probeLeft = new double[probes * m * d];
        }
        call.readRows(b0, m, d, x[0], probeLeft);
        if (heapProducts && af != null && !secondOrder) {
            floatForward();
            return;
        }
        if (heapProducts && !single) {
            doubleForward(secondOrder);
            return;
        }
        xN[0].copyFrom(x[0], 0, 0, rows * d);
        for (int l = 1; l <= layers; l++) {
            int in = dims[l - 1];
            int n = dims[l];
            Mirror.gemm(false, false, rows, n, in, xN[l - 1], 0, in, effectiveWeights(l), effectiveOffset(l), n,
                    aN[l], 0, n);
            if (l < layers && af != null && !secondOrder) {
                floatHiddenLayer(l, n);
                continue;
            }
            double[] av = a[l];
            aN[l].copyTo(0, av, 0, rows * n);
            if (l < layers) {
                double[] xv = x[l];
                double[] d1 = s1[l];
                activation.apply(av, beta[l], batch, n, xv, d1, secondOrder ? s2[l] : null);
                tangents(d1, av, xv, batch * n);
                xN[l].copyFrom(xv, 0, 0, rows * n);
            }
        }
    }

    /**
     * The double forward pass with heap products; with second derivatives the layers' inputs are
     * also copied to their native mirrors for the backward pass's BLAS products.
     */
    private void doubleForward(boolean secondOrder) {
        if (secondOrder) {
            xN[0].copyFrom(x[0], 0, 0, rows * dims[0]);
        }
        for (int l = 1; l <= layers; l++) {
            int in = dims[l - 1];
            int n = dims[l];
            double[] av = a[l];
            HeapGemm.multiply(x[l - 1], 0, heapWeights(l), heapOffset(l), av, 0, rows, n, in);
            if (l < layers) {
                double[] xv = x[l];
                double[] d1 = s1[l];
                activation.apply(av, beta[l], batch, n, xv, d1, secondOrder ? s2[l] : null);
                tangents(d1, av, xv, batch * n);
                if (secondOrder) {
                    xN[l].copyFrom(xv, 0, 0, rows * n);
                }
            }
        }
    }

    /** The float forward pass with heap products: the input rounded to float, the output widened to double. */
    private void floatForward() {
        int d = dims[0];
        double[] x0 = x[0];
        float[] x0f = xf[0];
        for (int i = 0; i < rows * d; i++) {
            x0f[i] = (float) x0[i];
        }
        for (int l = 1; l <= layers; l++) {
            int n = dims[l];
            float[] av = af[l];
            HeapGemm.multiply(xf[l - 1], 0, wf[l], 0, av, 0, rows, n, dims[l - 1]);
            if (l < layers) {
                SingleTanh.shiftedTanh(av, betaF[l], batch, n, xf[l], s1f[l]);
                tangents(s1f[l], av, xf[l], batch * n);
            }
        }
        double[] out = a[layers];
        float[] outF = af[layers];
        for (int i = 0; i < rows * d; i++) {
            out[i] = outF[i];
        }
    }

    /** The probe tangents' rows through the activation: {@code x = d1 * a} for every probe block. */
    private void tangents(double[] d1, double[] av, double[] xv, int block) {
        for (int k = 0; k < probes; k++) {
            int off = (k + 1) * block;
            Elementwise.multiply(d1, 0, av, off, xv, off, block);
        }
    }

    /** {@link #tangents(double[], double[], double[], int)} in float. */
    private void tangents(float[] d1, float[] av, float[] xv, int block) {
        for (int k = 0; k < probes; k++) {
            int off = (k + 1) * block;
            Elementwise.multiply(d1, 0, av, off, xv, off, block);
        }
    }

    /** Hidden layer l of the float forward pass: tanh of aN[l] plus the gate shift, tangents, into xN[l]. */
    private void floatHiddenLayer(int l, int n) {
        float[] av = af[l];
        float[] xv = xf[l];
        float[] d1 = s1f[l];
        aN[l].copyTo(0, av, 0, rows * n);
        SingleTanh.shiftedTanh(av, betaF[l], batch, n, xv, d1);
        tangents(d1, av, xv, batch * n);
        xN[l].copyFrom(xv, 0, 0, rows * n);
    }

    /** Writes f, the trace and squared-norm estimates of the chunk's samples into the call's outputs. */
    void writeOutputs(MlpCall call, int b0, int m) {
        int d = dims[0];
        double[] out = a[layers];
        double[] bt = beta[layers];
        if (call.f != null) {
            double[] fv = da[layers];
            for (int b = 0, i = 0; b < m; b++) {
                for (int j = 0; j < d; j++, i++) {
                    fv[i] = out[i] + bt[j];
                }
            }
            call.f.put(b0 * d, fv, 0, m * d);
        }
        call.writeProbeTerms(b0, m, d, probeLeft, out);
    }

    /** Backward pass of the chunk (after its forward pass with second derivatives). */
    void backward(double t, MlpCall call, int b0, int m) {
        int d = dims[0];
        double[] top = da[layers];
        int nz = m * d;
        if (call.vf != null) {
            call.vf.get(b0 * d, top, 0, nz);
        } else {
            Arrays.fill(top, 0, nz, 0.0);
        }
        if (call.vk != null) {
            // d(vk ||f||^2)/df = 2 vk f, with f = a + beta of the last layer
            double[] out = a[layers];
            double[] bt = beta[layers];
            for (int b = 0, i = 0; b < m; b++) {
                double w2 = 2 * call.vk.get(b0 + b);
                for (int j = 0; j < d; j++, i++) {
                    top[i] += w2 * (out[i] + bt[j]);
                }
            }
        }
        call.probeCotangents(b0, m, d, probeLeft, a[layers], top);
        daN[layers].copyFrom(top, 0, 0, rows * d);
        for (int l = layers; l >= 1; l--) {
            int in = dims[l - 1];
            int n = dims[l];
            if (call.wantTheta) {
                parameterGradients(l, t);
            }
            if (l > 1) {
                Mirror.gemm(false, true, rows, in, n, daN[l], 0, n, effectiveWeights(l), effectiveOffset(l), n,
                        daN[l - 1], 0, in);
                daN[l - 1].copyTo(0, da[l - 1], 0, rows * in);
                Elementwise.activationBackward(da[l - 1], s1[l - 1], s2[l - 1], a[l - 1], batch * in, probes);
                daN[l - 1].copyFrom(da[l - 1], 0, 0, rows * in);
            } else if (call.gradZ != null) {
                if (single) {
                    Mirror.gemm(false, true, m, d, n, daN[1], 0, n, effectiveWeights(1), 0, n, gzN, 0, d);
                    gzN.copyTo(0, gz, 0, m * d);
                    NativeArrays.doubles(call.gradZ).put(b0 * d, gz, 0, m * d);
                } else {
                    Mirror.gemm(false, true, m, d, n, daN[1], 0, n, effectiveWeights(1), effectiveOffset(1), n,
                            Mirror.wrap(call.gradZ), (long) b0 * d, d);
                }
            }
        }
    }

    /** Writes dS/dW and the gradients of the [out] vectors of layer l into {@link #grad}. */
    private void parameterGradients(int l, double t) {
        int in = dims[l - 1];
        int n = dims[l];
        double[] dg = da[l];
        Arrays.fill(colSum, 0, n, 0.0);
        for (int b = 0, i = 0; b < batch; b++) {
            for (int j = 0; j < n; j++, i++) {
                colSum[j] += dg[i];
            }
        }
        Mirror.gemm(true, false, in, n, rows, xN[l - 1], 0, in, daN[l], 0, n, gN[l], 0, n);
        Layer ly = layer[l - 1];
        ly.weightGradient(p, gN[l], g[l], gamma[l], gammaBar, grad);
        ly.vectorGradients(p, t, colSum, gamma[l], gammaBar, grad);
    }
}
