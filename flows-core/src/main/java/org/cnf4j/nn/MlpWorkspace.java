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
 * primal rows, then probes * batch tangent rows. Elementwise work runs on heap arrays. The matrix
 * products run either as {@link HeapGemm} kernels on those arrays (once the network has chosen
 * them: forwards, and backwards as X^T dA and dA W^T, the weights transposed once a backward call)
 * or in BLAS on native mirrors filled by bulk copies (the plain path). Layers are numbered from 1
 * here (layer l maps dims[l - 1] to dims[l]).
 *
 * <p>In float ({@code single}) with tanh and the heap kernels, every pass keeps its hidden layers
 * in float end to end: float products, tanh and the tangent products in float ({@link SingleTanh})
 * forwards, the cotangents through the products and tanh's first and second derivatives in float
 * backwards; only the network's input and output, the weight gradients and dS/dz pass through
 * double. In float on BLAS, a forward pass without second derivatives does the same with float
 * copies to and from the native operands; otherwise the products' operands are rounded to float
 * and the activations stay in double.
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
    /**
     * Whether every product runs on the heap, the backward pass's and the second-order forward
     * pass's too: with the heap kernels, in double, or in float with tanh. No native mirror then.
     */
    private final boolean heapBackward;
    /** Heap backward pass: each layer's effective weights transposed, [out, in] (double or float). */
    private final double[][] wT;

    private final float[][] wTf;
    /** Whether {@link #wT} or {@link #wTf} hold this call's weights. */
    private boolean weightsTransposed;
    /** Heap backward pass in float: a layer's cotangents and the next layer's, and a product's result. */
    private final float[] gf;

    private final float[] gf2;
    private final float[] outF;
    double[] probeLeft = new double[0];

    MlpWorkspace(
            int capacity,
            int[] dims,
            Layer[] layer,
            Activation activation,
            int count,
            boolean single,
            boolean heapProducts) {
        this.capacity = capacity;
        this.dims = dims;
        this.layer = layer;
        this.activation = activation;
        this.layers = layer.length;
        this.count = count;
        this.single = single;
        this.heapProducts = heapProducts;
        boolean floatPass = single && activation == Activation.TANH;
        this.heapBackward = heapProducts && (!single || floatPass);
        // native operands only for BLAS products
        boolean blas = !heapBackward;
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
            xN[l] = blas ? Mirror.allocate((long) capacity * dims[l], single) : null;
            widest = Math.max(widest, dims[l]);
        }
        for (int l = 1; l <= layers; l++) {
            int n = dims[l];
            int w = dims[l - 1] * n;
            widest = Math.max(widest, n);
            a[l] = new double[capacity * n];
            da[l] = new double[capacity * n];
            aN[l] = blas ? Mirror.allocate((long) capacity * n, single) : null;
            daN[l] = blas ? Mirror.allocate((long) capacity * n, single) : null;
            if (l < layers) {
                s1[l] = new double[capacity * n];
                s2[l] = new double[capacity * n];
            }
            gamma[l] = new double[n];
            beta[l] = new double[n];
            g[l] = new double[w];
            gN[l] = blas ? Mirror.allocate(w, single) : null;
            if (layer[l - 1].gatesWeights() || single) {
                wg[l] = new double[w];
                wgN[l] = blas ? Mirror.allocate(w, single) : null;
            }
        }
        colSum = new double[widest];
        gammaBar = new double[widest];
        gzN = single && blas ? Mirror.allocate((long) capacity * dims[0], true) : null;
        gz = single || heapBackward ? new double[capacity * dims[0]] : null;
        boolean heapDouble = heapBackward && !single;
        boolean heapFloat = heapBackward && single;
        wT = heapDouble ? new double[layers + 1][] : null;
        wTf = heapFloat ? new float[layers + 1][] : null;
        for (int l = 1; heapBackward && l <= layers; l++) {
            if (heapDouble) {
                wT[l] = new double[dims[l - 1] * dims[l]];
            } else {
                wTf[l] = new float[dims[l - 1] * dims[l]];
            }
        }
        gf = heapFloat ? new float[capacity * widest] : null;
        gf2 = heapFloat ? new float[capacity * widest] : null;
        outF = heapFloat ? new float[Math.max(capacity, widest) * widest] : null;
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
            if (wgN[l] != null) {
                wgN[l].copyFrom(out, 0, 0, in * n);
            }
        } else if (single && wgN[l] != null) {
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

    /** The effective weights transposed for dA W^T: once per call, by its first backward chunk. */
    private void transposeWeights() {
        for (int l = 1; l <= layers; l++) {
            if (wTf != null) {
                HeapGemm.transpose(wf[l], 0, dims[l - 1], dims[l], wTf[l]);
            } else {
                HeapGemm.transpose(heapWeights(l), heapOffset(l), dims[l - 1], dims[l], wT[l]);
            }
        }
        weightsTransposed = true;
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
        weightsTransposed = false;
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
        if (heapProducts && af != null) {
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
            Mirror.gemm(
                    false,
                    false,
                    rows,
                    n,
                    in,
                    xN[l - 1],
                    0,
                    in,
                    effectiveWeights(l),
                    effectiveOffset(l),
                    n,
                    aN[l],
                    0,
                    n);
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

    /** The double forward pass with heap products (the backward pass's products run on the heap too). */
    private void doubleForward(boolean secondOrder) {
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
            }
        }
    }

    /**
     * The float forward pass with heap products: the input rounded to float, the output widened to
     * double; each layer's input, tanh' and pre-activations stay in {@link #xf}, {@link #s1f} and
     * {@link #af} for {@link #backwardInFloat}.
     */
    private void floatForward() {
        int d = dims[0];
        HeapGemm.round(x[0], xf[0], rows * d);
        for (int l = 1; l <= layers; l++) {
            int n = dims[l];
            float[] av = af[l];
            HeapGemm.multiply(xf[l - 1], 0, wf[l], 0, av, 0, rows, n, dims[l - 1]);
            if (l < layers) {
                SingleTanh.shiftedTanh(av, betaF[l], batch, n, xf[l], s1f[l]);
                tangents(s1f[l], av, xf[l], batch * n);
            }
        }
        HeapGemm.widen(af[layers], a[layers], 0, rows * d);
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
        if (heapBackward) {
            backwardOnHeap(t, call, b0, m);
            return;
        }
        daN[layers].copyFrom(top, 0, 0, rows * d);
        for (int l = layers; l >= 1; l--) {
            int in = dims[l - 1];
            int n = dims[l];
            if (call.wantTheta) {
                Mirror.gemm(true, false, in, n, rows, xN[l - 1], 0, in, daN[l], 0, n, gN[l], 0, n);
                gN[l].copyTo(0, g[l], 0, in * n);
                columnSums(da[l], n);
                parameterGradients(l, t);
            }
            if (l > 1) {
                Mirror.gemm(
                        false,
                        true,
                        rows,
                        in,
                        n,
                        daN[l],
                        0,
                        n,
                        effectiveWeights(l),
                        effectiveOffset(l),
                        n,
                        daN[l - 1],
                        0,
                        in);
                daN[l - 1].copyTo(0, da[l - 1], 0, rows * in);
                Elementwise.activationBackward(da[l - 1], s1[l - 1], s2[l - 1], a[l - 1], batch * in, probes);
                daN[l - 1].copyFrom(da[l - 1], 0, 0, rows * in);
            } else if (call.gradZ != null) {
                if (single) {
                    Mirror.gemm(false, true, m, d, n, daN[1], 0, n, effectiveWeights(1), 0, n, gzN, 0, d);
                    gzN.copyTo(0, gz, 0, m * d);
                    NativeArrays.doubles(call.gradZ).put(b0 * d, gz, 0, m * d);
                } else {
                    Mirror.gemm(
                            false,
                            true,
                            m,
                            d,
                            n,
                            daN[1],
                            0,
                            n,
                            effectiveWeights(1),
                            effectiveOffset(1),
                            n,
                            Mirror.wrap(call.gradZ),
                            (long) b0 * d,
                            d);
                }
            }
        }
    }

    /**
     * {@link #backward} with every product on the heap: X^T dA read from the layer's input as it is,
     * dA W^T from the weights transposed once a call.
     */
    private void backwardOnHeap(double t, MlpCall call, int b0, int m) {
        if (!weightsTransposed) {
            transposeWeights();
        }
        if (single) {
            backwardInFloat(t, call, b0, m);
            return;
        }
        int d = dims[0];
        for (int l = layers; l >= 1; l--) {
            int in = dims[l - 1];
            int n = dims[l];
            if (call.wantTheta) {
                HeapGemm.multiplyTransposedA(x[l - 1], 0, da[l], 0, g[l], 0, in, n, rows);
                columnSums(da[l], n);
                parameterGradients(l, t);
            }
            if (l > 1) {
                HeapGemm.multiply(da[l], 0, wT[l], 0, da[l - 1], 0, rows, in, n);
                Elementwise.activationBackward(da[l - 1], s1[l - 1], s2[l - 1], a[l - 1], batch * in, probes);
            } else if (call.gradZ != null) {
                HeapGemm.multiply(da[1], 0, wT[1], 0, gz, 0, m, d, n);
                NativeArrays.doubles(call.gradZ).put(b0 * d, gz, 0, m * d);
            }
        }
    }

    /**
     * The heap backward pass in float with tanh, after {@link #floatForward}: the cotangents are
     * rounded once at the top and stay in float through every layer (products, and tanh's first and
     * second derivatives from the float forward pass's tanh and tanh'); the weight gradients, the
     * column sums and dS/dz are widened to double.
     */
    private void backwardInFloat(double t, MlpCall call, int b0, int m) {
        int d = dims[0];
        float[] cot = gf;
        float[] next = gf2;
        HeapGemm.round(da[layers], cot, rows * d);
        for (int l = layers; l >= 1; l--) {
            int in = dims[l - 1];
            int n = dims[l];
            if (call.wantTheta) {
                HeapGemm.multiplyTransposedA(xf[l - 1], 0, cot, 0, outF, 0, in, n, rows);
                HeapGemm.widen(outF, g[l], 0, in * n);
                columnSums(cot, n);
                parameterGradients(l, t);
            }
            if (l > 1) {
                HeapGemm.multiply(cot, 0, wTf[l], 0, next, 0, rows, in, n);
                Elementwise.tanhBackward(next, s1f[l - 1], xf[l - 1], af[l - 1], batch * in, probes);
                float[] swap = cot;
                cot = next;
                next = swap;
            } else if (call.gradZ != null) {
                HeapGemm.multiply(cot, 0, wTf[1], 0, outF, 0, m, d, n);
                HeapGemm.widen(outF, gz, 0, m * d);
                NativeArrays.doubles(call.gradZ).put(b0 * d, gz, 0, m * d);
            }
        }
    }

    /** {@link #colSum}[j] = sum of column j of the chunk's primal rows of {@code dg} [rows, n]. */
    private void columnSums(double[] dg, int n) {
        Arrays.fill(colSum, 0, n, 0.0);
        for (int b = 0, i = 0; b < batch; b++) {
            for (int j = 0; j < n; j++, i++) {
                colSum[j] += dg[i];
            }
        }
    }

    /** {@link #columnSums(double[], int)} of float cotangents, summed in double. */
    private void columnSums(float[] dg, int n) {
        Arrays.fill(colSum, 0, n, 0.0);
        for (int b = 0, i = 0; b < batch; b++) {
            for (int j = 0; j < n; j++, i++) {
                colSum[j] += dg[i];
            }
        }
    }

    /**
     * Writes dS/dW and the gradients of the [out] vectors of layer l into {@link #grad}, from
     * X^T dA of the layer in {@link #g} and the column sums of dA in {@link #colSum}.
     */
    private void parameterGradients(int l, double t) {
        Layer ly = layer[l - 1];
        ly.weightGradient(p, g[l], gamma[l], gammaBar, grad);
        ly.vectorGradients(p, t, colSum, gamma[l], gammaBar, grad);
    }
}
