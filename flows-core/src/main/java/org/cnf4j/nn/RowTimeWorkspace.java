package org.cnf4j.nn;

import java.util.Arrays;
import org.cnf4j.linalg.HeapGemm;
import org.cnf4j.linalg.Mirror;
import org.cnf4j.linalg.NativeBuffer;
import org.cnf4j.linalg.SingleTanh;

/**
 * One worker's buffers and kernels for the per-row-time path of {@link MlpDynamics}: f(z_b, t_b)
 * with its own time for every row (as flow matching draws them) and the gradient of
 * {@code sum_b v_b . f(z_b, t_b)} with respect to z and theta. First order only (no probes), so
 * every layer is {@code out_b = (x_b W) * gamma(t_b) + beta(t_b)} with the plain weights in the
 * product and the gates applied row by row. Products in double: native BLAS on copies of the
 * operands (the plain path) or, with {@code heapProducts}, {@link HeapGemm} kernels on the heap
 * arrays themselves (X^T G read from X as it is, G W^T from the weights transposed once a call). With
 * {@code single} ({@link MatrixPrecision#FLOAT}) the products' operands are rounded to float and
 * the products run in float (sgemm, or the float heap kernels on float copies), their results
 * widened back; gates and sums stay double. In float with tanh, the hidden layers' tanh and its
 * derivative run in float too ({@link SingleTanh}, as the float forward passes of
 * {@link MlpWorkspace}), its output being the next product's float operand. Layers are numbered
 * from 1.
 */
final class RowTimeWorkspace {
    final int capacity;
    private final int[] dims;
    private final Layer[] layer;
    private final Activation activation;
    private final int layers;
    private final int count;
    final double[] p;
    final double[] grad;
    private final double[][] x;
    private final double[][] a;
    private final double[][] pre;
    private final double[][] s1;
    private final double[][] gm;
    private final double[][] btRows;
    private final double[] scratch;
    private final double[] scratch2;
    private final double[][] g;
    private final double[] zeros;
    /** Scratch of {@link Layer#addRowVectorGradients}. */
    private final double[][] sums;

    private final Mirror[] xN;
    private final Mirror[] aN;
    private final Mirror[] gN;
    private Mirror weights;
    private final boolean heapProducts;
    /** Products in float. */
    private final boolean single;
    /** Plain path in float: the parameters rounded to float, once per call (null otherwise). */
    private final Mirror singleWeights;
    /** In float: each layer's input in float, [rows, in] (null otherwise). */
    private final float[][] xf;
    /** In float with tanh: the hidden layers in float (tanh, its derivative, the pre-activations). */
    private final boolean floatTanh;

    private final float[][] s1f;
    private final float[] preF;
    private final float[] zerosF;
    /** Heap path in float: the weights of each layer, [in, out], and transposed, [out, in]. */
    private final float[][] wf;

    private final float[][] wTf;
    /** Heap path in float: the cotangents, a product's result. */
    private final float[] gf;

    private final float[] outF;
    /** Heap path: the transposed weights of each layer, [out, in], made once per call. */
    private final double[][] wT;
    /** The chunk's f and its cotangents, [capacity, dim], reused across calls. */
    final double[] f;

    final double[] v;
    private int batch;

    RowTimeWorkspace(
            int capacity,
            int[] dims,
            Layer[] layer,
            Activation activation,
            int count,
            boolean heapProducts,
            boolean single) {
        this.capacity = capacity;
        this.heapProducts = heapProducts;
        this.single = single;
        this.dims = dims;
        this.layer = layer;
        this.activation = activation;
        this.layers = layer.length;
        this.count = count;
        p = new double[count];
        grad = new double[count];
        x = new double[layers][];
        a = new double[layers + 1][];
        pre = new double[layers + 1][];
        s1 = new double[layers][];
        gm = new double[layers + 1][];
        btRows = new double[layers + 1][];
        g = new double[layers + 1][];
        xN = new Mirror[layers];
        aN = new Mirror[layers + 1];
        gN = new Mirror[layers + 1];
        f = new double[capacity * dims[0]];
        v = new double[capacity * dims[0]];
        int widest = 0;
        for (int l = 0; l < layers; l++) {
            x[l] = new double[capacity * dims[l]];
            if (!heapProducts) {
                xN[l] = Mirror.allocate((long) capacity * dims[l], single);
            }
            widest = Math.max(widest, dims[l]);
        }
        boolean heapSingle = heapProducts && single;
        wT = heapProducts && !single ? new double[layers + 1][] : null;
        floatTanh = single && activation == Activation.TANH;
        xf = heapSingle || floatTanh ? new float[layers][] : null;
        s1f = floatTanh ? new float[layers][] : null;
        wf = heapSingle ? new float[layers + 1][] : null;
        wTf = heapSingle ? new float[layers + 1][] : null;
        for (int l = 0; xf != null && l < layers; l++) {
            xf[l] = new float[capacity * dims[l]];
            if (floatTanh && l > 0) {
                s1f[l] = new float[capacity * dims[l]];
            }
        }
        for (int l = 1; l <= layers; l++) {
            int n = dims[l];
            widest = Math.max(widest, n);
            a[l] = new double[capacity * n];
            pre[l] = new double[capacity * n];
            gm[l] = new double[capacity * n];
            btRows[l] = new double[capacity * n];
            g[l] = new double[capacity * n];
            if (heapSingle) {
                wf[l] = new float[n * dims[l - 1]];
                wTf[l] = new float[n * dims[l - 1]];
            } else if (heapProducts) {
                wT[l] = new double[n * dims[l - 1]];
            } else {
                aN[l] = Mirror.allocate((long) capacity * n, single);
                gN[l] = Mirror.allocate(
                        Math.max((long) capacity * Math.max(n, dims[l - 1]), (long) dims[l - 1] * n), single);
            }
            if (l < layers && !floatTanh) {
                s1[l] = new double[capacity * n];
            }
        }
        zeros = new double[widest];
        sums = new double[Layer.ROW_GRADIENT_SUMS][widest];
        scratch = new double[capacity * widest];
        scratch2 = new double[capacity * widest];
        gf = heapSingle ? new float[capacity * widest] : null;
        outF = heapSingle ? new float[Math.max(capacity, widest) * widest] : null;
        preF = floatTanh ? new float[capacity * widest] : null;
        zerosF = floatTanh ? new float[widest] : null;
        singleWeights = single && !heapProducts ? Mirror.allocate(count, true) : null;
    }

    /** Reads the parameters (once per call, for all its chunks). */
    void prepare(NativeBuffer params, Mirror paramsMirror) {
        params.copyTo(0, p, 0, count);
        weights = paramsMirror;
        if (singleWeights != null) {
            singleWeights.copyFrom(p, 0, 0, count);
            weights = singleWeights;
        } else if (wf != null) {
            for (int l = 1; l <= layers; l++) {
                int w0 = layer[l - 1].weight();
                float[] w = wf[l];
                for (int k = 0; k < w.length; k++) {
                    w[k] = (float) p[w0 + k];
                }
                HeapGemm.transpose(w, 0, dims[l - 1], dims[l], wTf[l]);
            }
        } else if (heapProducts) {
            for (int l = 1; l <= layers; l++) {
                HeapGemm.transpose(p, layer[l - 1].weight(), dims[l - 1], dims[l], wT[l]);
            }
        }
    }

    /** Forward pass of rows [b0, b0 + m) at their times; f of the chunk into {@code out} from 0. */
    void forward(double[] t, java.nio.DoubleBuffer z, int b0, int m, double[] out) {
        int d = dims[0];
        batch = m;
        z.get(b0 * d, x[0], 0, m * d);
        if (!heapProducts) {
            xN[0].copyFrom(x[0], 0, 0, m * d);
        }
        for (int l = 1; l <= layers; l++) {
            Layer ly = layer[l - 1];
            int in = dims[l - 1];
            int n = dims[l];
            double[] av = a[l];
            if (wf != null) {
                if (l == 1 || !floatTanh) {
                    HeapGemm.round(x[l - 1], xf[l - 1], m * in);
                }
                HeapGemm.multiply(xf[l - 1], 0, wf[l], 0, outF, 0, m, n, in);
                HeapGemm.widen(outF, av, 0, m * n);
            } else if (heapProducts) {
                HeapGemm.multiply(x[l - 1], 0, p, ly.weight(), av, 0, m, n, in);
            } else {
                Mirror.gemm(false, false, m, n, in, xN[l - 1], 0, in, weights, ly.weight(), n, aN[l], 0, n);
                aN[l].copyTo(0, av, 0, m * n);
            }
            double[] gv = gm[l];
            double[] bv = btRows[l];
            double[] pv = l < layers ? pre[l] : out;
            ly.rowGates(p, t, b0, m, gv, bv, scratch, scratch2);
            if (floatTanh && l < layers) {
                float[] pf = preF;
                for (int i = 0; i < m * n; i++) {
                    pf[i] = (float) (av[i] * gv[i] + bv[i]);
                }
                SingleTanh.shiftedTanh(pf, zerosF, m, n, xf[l], s1f[l]);
                if (!heapProducts) {
                    xN[l].copyFrom(xf[l], 0, 0, m * n);
                }
                continue;
            }
            for (int i = 0; i < m * n; i++) {
                pv[i] = av[i] * gv[i] + bv[i];
            }
            if (l < layers) {
                activation.apply(pv, zeros, m, n, x[l], s1[l], null);
                if (!heapProducts) {
                    xN[l].copyFrom(x[l], 0, 0, m * n);
                }
            }
        }
    }

    /**
     * Backward pass of the chunk (after {@link #forward}) for cotangents {@code v} of the chunk's f
     * (from index 0; rows b0 .. of the call): dS/dtheta into {@link #grad}, dS/dz into
     * {@code gradZ} from 0 when not null.
     */
    void backward(double[] t, double[] v, int b0, double[] gradZ) {
        int d = dims[0];
        int m = batch;
        Arrays.fill(grad, 0.0);
        System.arraycopy(v, 0, g[layers], 0, m * d);
        for (int l = layers; l >= 1; l--) {
            Layer ly = layer[l - 1];
            int in = dims[l - 1];
            int n = dims[l];
            double[] gv = g[l];
            double[] gmv = gm[l];
            ly.addRowVectorGradients(p, t, b0, m, a[l], gv, gmv, sums, grad);
            for (int i = 0; i < m * n; i++) {
                gv[i] *= gmv[i];
            }
            boolean down = l > 1 || gradZ != null;
            double[] below = down ? (l > 1 ? g[l - 1] : gradZ) : null;
            if (wf != null) {
                HeapGemm.round(gv, gf, m * n);
                HeapGemm.multiplyTransposedA(xf[l - 1], 0, gf, 0, outF, 0, in, n, m);
                HeapGemm.widen(outF, grad, ly.weight(), in * n);
                if (down) {
                    HeapGemm.multiply(gf, 0, wTf[l], 0, outF, 0, m, in, n);
                    HeapGemm.widen(outF, below, 0, m * in);
                }
            } else if (heapProducts) {
                HeapGemm.multiplyTransposedA(x[l - 1], 0, gv, 0, grad, ly.weight(), in, n, m);
                if (down) {
                    HeapGemm.multiply(gv, 0, wT[l], 0, below, 0, m, in, n);
                }
            } else {
                aN[l].copyFrom(gv, 0, 0, m * n);
                Mirror.gemm(true, false, in, n, m, xN[l - 1], 0, in, aN[l], 0, n, gN[l], 0, n);
                gN[l].copyTo(0, grad, ly.weight(), in * n);
                if (down) {
                    Mirror.gemm(false, true, m, in, n, aN[l], 0, n, weights, ly.weight(), n, gN[l], 0, in);
                    gN[l].copyTo(0, below, 0, m * in);
                }
            }
            if (l > 1 && floatTanh) {
                float[] d1 = s1f[l - 1];
                for (int i = 0; i < m * in; i++) {
                    below[i] *= d1[i];
                }
            } else if (l > 1) {
                double[] d1 = s1[l - 1];
                for (int i = 0; i < m * in; i++) {
                    below[i] *= d1[i];
                }
            }
        }
    }
}
