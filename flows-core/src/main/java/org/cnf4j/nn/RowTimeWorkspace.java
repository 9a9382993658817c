package org.cnf4j.nn;

import java.util.Arrays;
import org.cnf4j.linalg.Mirror;
import org.cnf4j.linalg.NativeBuffer;

/**
 * One worker's buffers and kernels for the per-row-time path of {@link MlpDynamics}: f(z_b, t_b)
 * with its own time for every row (as flow matching draws them) and the gradient of
 * {@code sum_b v_b . f(z_b, t_b)} with respect to z and theta. First order only (no probes), so
 * every layer is {@code out_b = (x_b W) * gamma(t_b) + beta(t_b)} with the plain weights in the
 * product and the gates applied row by row. Products in double. Layers are numbered from 1.
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
    private final Mirror[] xN;
    private final Mirror[] aN;
    private final Mirror[] gN;
    private Mirror weights;
    /** The chunk's f and its cotangents, [capacity, dim], reused across calls. */
    final double[] f;
    final double[] v;
    private int batch;

    RowTimeWorkspace(int capacity, int[] dims, Layer[] layer, Activation activation, int count) {
        this.capacity = capacity;
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
            xN[l] = Mirror.allocate((long) capacity * dims[l], false);
        }
        for (int l = 1; l <= layers; l++) {
            int n = dims[l];
            widest = Math.max(widest, n);
            a[l] = new double[capacity * n];
            pre[l] = new double[capacity * n];
            gm[l] = new double[capacity * n];
            btRows[l] = new double[capacity * n];
            g[l] = new double[capacity * n];
            aN[l] = Mirror.allocate((long) capacity * n, false);
            gN[l] = Mirror.allocate(Math.max((long) capacity * Math.max(n, dims[l - 1]), (long) dims[l - 1] * n), false);
            if (l < layers) {
                s1[l] = new double[capacity * n];
            }
        }
        zeros = new double[widest];
        scratch = new double[capacity * widest];
        scratch2 = new double[capacity * widest];
    }

    /** Reads the parameters (once per call, for all its chunks). */
    void prepare(NativeBuffer params, Mirror paramsMirror) {
        params.copyTo(0, p, 0, count);
        weights = paramsMirror;
    }

    /** Forward pass of rows [b0, b0 + m) at their times; f of the chunk into {@code out} from 0. */
    void forward(double[] t, java.nio.DoubleBuffer z, int b0, int m, double[] out) {
        int d = dims[0];
        batch = m;
        z.get(b0 * d, x[0], 0, m * d);
        xN[0].copyFrom(x[0], 0, 0, m * d);
        for (int l = 1; l <= layers; l++) {
            Layer ly = layer[l - 1];
            int in = dims[l - 1];
            int n = dims[l];
            Mirror.gemm(false, false, m, n, in, xN[l - 1], 0, in, weights, ly.weight(), n, aN[l], 0, n);
            double[] av = a[l];
            aN[l].copyTo(0, av, 0, m * n);
            double[] gv = gm[l];
            double[] bv = btRows[l];
            double[] pv = l < layers ? pre[l] : out;
            ly.rowGates(p, t, b0, m, gv, bv, scratch, scratch2);
            for (int i = 0; i < m * n; i++) {
                pv[i] = av[i] * gv[i] + bv[i];
            }
            if (l < layers) {
                activation.apply(pv, zeros, m, n, x[l], s1[l], null);
                xN[l].copyFrom(x[l], 0, 0, m * n);
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
            for (int b = 0; b < m; b++) {
                int row = b * n;
                ly.addRowVectorGradients(p, t[b0 + b], a[l], row, gv, row, gmv, row, grad);
                for (int j = 0; j < n; j++) {
                    gv[row + j] *= gmv[row + j];
                }
            }
            aN[l].copyFrom(gv, 0, 0, m * n);
            Mirror.gemm(true, false, in, n, m, xN[l - 1], 0, in, aN[l], 0, n, gN[l], 0, n);
            gN[l].copyTo(0, grad, ly.weight(), in * n);
            if (l > 1 || gradZ != null) {
                Mirror.gemm(false, true, m, in, n, aN[l], 0, n, weights, ly.weight(), n, gN[l], 0, in);
                double[] below = l > 1 ? g[l - 1] : gradZ;
                gN[l].copyTo(0, below, 0, m * in);
                if (l > 1) {
                    double[] d1 = s1[l - 1];
                    for (int i = 0; i < m * in; i++) {
                        below[i] *= d1[i];
                    }
                }
            }
        }
    }
}
