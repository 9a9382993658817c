package org.cnf4j.nn;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.cnf4j.linalg.Blas;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.linalg.NativeBuffer;
import org.cnf4j.linalg.NativeThreads;
import org.cnf4j.trace.Probes;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The built-in dynamics network: a stack of layers of one {@link LayerType} (FFJORD's
 * ConcatSquash by default) with an {@link Activation} between layers (not after the last), e.g.
 * dims 2-64-64-64-2. Each layer is {@code out = (x W) * gamma(t) + beta(t)} with W [in, out].
 *
 * <p>Parameters, per layer in order, in one flat DOUBLE array: W [in, out] row-major, then for
 * concatsquash b, g, c, h [out] ({@code (xW + b) * sigmoid(g t + c) + h t}); for concat w_t, b
 * [out]; for ignore b [out]. See {@link #tensors()}.
 *
 * <p>The derivatives are hand-written batched kernels (BLAS on native memory, closed-form
 * activation derivatives): the tangents J u_k of all probes are carried through the network
 * stacked under the batch, so a layer is one gemm forwards and two backwards for the primal
 * and every probe together, and the gradient of the trace comes from backpropagating through
 * the tangent pass with the activations' second derivatives. Not thread-safe (work buffers).
 */
public final class MlpDynamics implements Dynamics {

    private final int[] dims;
    private final LayerType type;
    private final Activation activation;
    private final int layers;
    private final long[] layerOffset;
    private final long count;
    private INDArray params;
    private NativeBuffer paramBuf;
    private Workspace ws;

    /**
     * A network with zero parameters.
     *
     * @param dims units per layer boundary, first and last equal to the state dimension, e.g.
     *     {2, 64, 64, 64, 2}
     */
    public MlpDynamics(int[] dims, LayerType type, Activation activation) {
        if (dims.length < 2 || dims[0] != dims[dims.length - 1]) {
            throw new IllegalArgumentException("dims must start and end with the state dimension: "
                    + Arrays.toString(dims));
        }
        for (int d : dims) {
            if (d < 1) {
                throw new IllegalArgumentException("layer sizes must be positive: " + Arrays.toString(dims));
            }
        }
        NativeThreads.ensureConfigured();
        this.dims = dims.clone();
        this.type = type;
        this.activation = activation;
        this.layers = dims.length - 1;
        this.layerOffset = new long[layers + 1];
        for (int l = 0; l < layers; l++) {
            layerOffset[l + 1] = layerOffset[l] + type.parameterCount(dims[l], dims[l + 1]);
        }
        this.count = layerOffset[layers];
        bindParameters(Nd4j.zeros(DataType.DOUBLE, count));
    }

    /**
     * A network initialised as PyTorch's {@code nn.Linear} (uniform in +-1/sqrt(fan_in) for
     * weights and biases; concatsquash's time layers have fan_in 1).
     */
    public static MlpDynamics create(int[] dims, LayerType type, Activation activation, RandomGenerator random) {
        MlpDynamics net = new MlpDynamics(dims, type, activation);
        net.initialize(random);
        return net;
    }

    /** Draws fresh parameters as PyTorch's {@code nn.Linear} default initialisation. */
    public void initialize(RandomGenerator random) {
        DoubleBuffer p = paramBuf.buffer();
        for (ParameterTensor t : tensors()) {
            int layer = Integer.parseInt(t.name().split("\\.")[1]);
            int in = dims[layer];
            boolean timeLayer = type == LayerType.CONCAT_SQUASH && !t.name().endsWith(".weight")
                    && !t.name().endsWith(".bias");
            double fanIn = type == LayerType.CONCAT ? in + 1 : timeLayer ? 1 : in;
            double bound = 1.0 / Math.sqrt(fanIn);
            for (long i = t.offset(); i < t.offset() + t.length(); i++) {
                p.put((int) i, random.nextDouble(-bound, bound));
            }
        }
    }

    /** Units per layer boundary. */
    public int[] dims() {
        return dims.clone();
    }

    /** The layer type. */
    public LayerType layerType() {
        return type;
    }

    /** The activation between layers. */
    public Activation activation() {
        return activation;
    }

    @Override
    public int dim() {
        return dims[0];
    }

    @Override
    public long parameterCount() {
        return count;
    }

    @Override
    public INDArray parameters() {
        return params;
    }

    @Override
    public void bindParameters(INDArray target) {
        if (target.dataType() != DataType.DOUBLE || target.length() != count) {
            throw new IllegalArgumentException("parameters must be a DOUBLE array of " + count + " elements, got "
                    + target.dataType() + " of " + target.length());
        }
        NativeArrays.requireContiguous(target);
        if (params != null && params != target) {
            target.assign(params.reshape(target.shape()));
        }
        params = target;
        paramBuf = NativeBuffer.wrap(target);
    }

    @Override
    public String describe() {
        return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining("-")) + " " + type.id()
                + " " + activation.id();
    }

    @Override
    public List<ParameterTensor> tensors() {
        List<ParameterTensor> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int in = dims[l];
            int o = dims[l + 1];
            long base = layerOffset[l];
            String p = "layers." + l + ".";
            out.add(new ParameterTensor(p + "weight", base, new long[] {in, o}));
            long next = base + (long) in * o;
            switch (type) {
                case CONCAT_SQUASH:
                    out.add(new ParameterTensor(p + "bias", next, new long[] {o}));
                    out.add(new ParameterTensor(p + "gate_weight", next + o, new long[] {o}));
                    out.add(new ParameterTensor(p + "gate_bias", next + 2L * o, new long[] {o}));
                    out.add(new ParameterTensor(p + "time_weight", next + 3L * o, new long[] {o}));
                    break;
                case CONCAT:
                    out.add(new ParameterTensor(p + "time_weight", next, new long[] {o}));
                    out.add(new ParameterTensor(p + "bias", next + o, new long[] {o}));
                    break;
                default:
                    out.add(new ParameterTensor(p + "bias", next, new long[] {o}));
                    break;
            }
        }
        return out;
    }

    /** Multiply-adds of one evaluation of f per sample (the weights' sizes summed). */
    public long multiplyAddsPerSample() {
        long m = 0;
        for (int l = 0; l < layers; l++) {
            m += (long) dims[l] * dims[l + 1];
        }
        return m;
    }

    @Override
    public void forward(double t, INDArray z, INDArray f) {
        Workspace w = workspace((int) z.rows(), 0);
        w.forward(t, z, null, false);
        w.writeOutputs(null, f, null, null);
    }

    @Override
    public void forward(double t, INDArray z, Probes probes, INDArray f, INDArray trace, INDArray jacobianSq) {
        Workspace w = workspace((int) z.rows(), probes == null ? 0 : probes.count());
        w.forward(t, z, probes, false);
        w.writeOutputs(probes, f, trace, jacobianSq);
    }

    @Override
    public void backward(double t, INDArray z, Probes probes, Cotangents weights, INDArray f, INDArray trace,
            INDArray jacobianSq, INDArray gradZ, INDArray gradTheta) {
        if (probes == null && (weights.needsProbes() || trace != null || jacobianSq != null)) {
            throw new IllegalArgumentException("trace terms need probes");
        }
        Workspace w = workspace((int) z.rows(), probes == null ? 0 : probes.count());
        w.forward(t, z, probes, true);
        w.writeOutputs(probes, f, trace, jacobianSq);
        w.backward(t, probes, weights, gradZ, gradTheta);
    }

    private Workspace workspace(int batch, int probes) {
        int rows = batch * (1 + probes);
        if (ws == null || ws.capacity < rows) {
            ws = new Workspace(rows);
        }
        ws.batch = batch;
        ws.probes = probes;
        ws.rows = rows;
        return ws;
    }

    private static void checkMatrix(INDArray a, long rows, long cols, String what) {
        if (a.dataType() != DataType.DOUBLE || a.length() != rows * cols) {
            throw new IllegalArgumentException(what + " must be a DOUBLE [" + rows + ", " + cols + "] array, got "
                    + a.dataType() + " " + Arrays.toString(a.shape()));
        }
    }

    /**
     * Buffers for one batch size, and the kernels. Rows: batch primal rows, then probes * batch
     * tangent rows. Elementwise work runs on heap arrays (vectorised by the JIT); the operands of
     * BLAS calls have native mirrors filled by bulk copies.
     */
    private final class Workspace {
        final int capacity;
        int batch;
        int probes;
        int rows;
        final double[][] x = new double[layers][];
        final double[][] a = new double[layers + 1][];
        final double[][] s1 = new double[layers][];
        final double[][] s2 = new double[layers][];
        final double[][] da = new double[layers + 1][];
        final double[][] gamma = new double[layers + 1][];
        final double[][] beta = new double[layers + 1][];
        final double[][] wg = new double[layers + 1][];
        final double[][] g = new double[layers + 1][];
        final double[] p = new double[(int) count];
        final double[] grad = new double[(int) count];
        final double[] colSum;
        final double[] gammaBar;
        final NativeBuffer[] xN = new NativeBuffer[layers];
        final NativeBuffer[] aN = new NativeBuffer[layers + 1];
        final NativeBuffer[] daN = new NativeBuffer[layers + 1];
        final NativeBuffer[] wgN = new NativeBuffer[layers + 1];
        final NativeBuffer[] gN = new NativeBuffer[layers + 1];
        double[] probeLeft = new double[0];

        Workspace(int capacity) {
            this.capacity = capacity;
            int widest = 0;
            for (int l = 0; l < layers; l++) {
                x[l] = new double[capacity * dims[l]];
                xN[l] = NativeBuffer.allocate((long) capacity * dims[l]);
            }
            for (int l = 1; l <= layers; l++) {
                int n = dims[l];
                int w = dims[l - 1] * n;
                widest = Math.max(widest, n);
                a[l] = new double[capacity * n];
                da[l] = new double[capacity * n];
                aN[l] = NativeBuffer.allocate((long) capacity * n);
                daN[l] = NativeBuffer.allocate((long) capacity * n);
                if (l < layers) {
                    s1[l] = new double[capacity * n];
                    s2[l] = new double[capacity * n];
                }
                gamma[l] = new double[n];
                beta[l] = new double[n];
                g[l] = new double[w];
                gN[l] = NativeBuffer.allocate(w);
                if (type == LayerType.CONCAT_SQUASH) {
                    wg[l] = new double[w];
                    wgN[l] = NativeBuffer.allocate(w);
                }
            }
            colSum = new double[widest];
            gammaBar = new double[widest];
        }

        /** Offset of W of layer l (1-based). */
        int weight(int l) {
            return (int) layerOffset[l - 1];
        }

        /** Offset of the which-th [out] vector after W of layer l. */
        int vector(int l, int which) {
            return (int) (layerOffset[l - 1] + (long) dims[l - 1] * dims[l] + (long) which * dims[l]);
        }

        /** gamma(t) and beta(t) of layer l; gated weights W * gamma for concatsquash. */
        void gates(int l, double t) {
            int in = dims[l - 1];
            int n = dims[l];
            double[] gm = gamma[l];
            double[] bt = beta[l];
            switch (type) {
                case CONCAT_SQUASH: {
                    int b = vector(l, 0);
                    int gw = vector(l, 1);
                    int gb = vector(l, 2);
                    int h = vector(l, 3);
                    for (int j = 0; j < n; j++) {
                        double s = Activation.sigmoid(p[gw + j] * t + p[gb + j]);
                        gm[j] = s;
                        bt[j] = p[b + j] * s + p[h + j] * t;
                    }
                    double[] out = wg[l];
                    int w0 = weight(l);
                    for (int i = 0, k = 0; i < in; i++) {
                        for (int j = 0; j < n; j++, k++) {
                            out[k] = p[w0 + k] * gm[j];
                        }
                    }
                    wgN[l].copyFrom(out, 0, 0, in * n);
                    break;
                }
                case CONCAT: {
                    int wt = vector(l, 0);
                    int b = vector(l, 1);
                    for (int j = 0; j < n; j++) {
                        gm[j] = 1.0;
                        bt[j] = p[b + j] + p[wt + j] * t;
                    }
                    break;
                }
                default: {
                    int b = vector(l, 0);
                    for (int j = 0; j < n; j++) {
                        gm[j] = 1.0;
                        bt[j] = p[b + j];
                    }
                }
            }
        }

        /** The effective weights of layer l for BLAS: W * gamma for concatsquash, W otherwise. */
        org.bytedeco.javacpp.DoublePointer effectiveWeights(int l) {
            return type == LayerType.CONCAT_SQUASH ? wgN[l].pointer() : paramBuf.at(weight(l));
        }

        void forward(double t, INDArray z, Probes pr, boolean secondOrder) {
            int d = dims[0];
            checkMatrix(z, batch, d, "z");
            paramBuf.copyTo(0, p, 0, (int) count);
            int nz = batch * d;
            NativeArrays.doubles(z).get(0, x[0], 0, nz);
            if (probes > 0) {
                if (pr.batch() != batch || pr.dim() != d) {
                    throw new IllegalArgumentException("probes are for batch " + pr.batch() + " and dim " + pr.dim()
                            + ", state is [" + batch + ", " + d + "]");
                }
                int nu = probes * batch * d;
                NativeArrays.doubles(pr.right()).get(0, x[0], nz, nu);
                if (probeLeft.length < nu) {
                    probeLeft = new double[nu];
                }
                NativeArrays.doubles(pr.left()).get(0, probeLeft, 0, nu);
            }
            xN[0].copyFrom(x[0], 0, 0, rows * d);
            for (int l = 1; l <= layers; l++) {
                int in = dims[l - 1];
                int n = dims[l];
                gates(l, t);
                Blas.gemm(false, false, rows, n, in, 1.0, xN[l - 1].pointer(), in, effectiveWeights(l), n, 0.0,
                        aN[l].pointer(), n);
                double[] av = a[l];
                aN[l].copyTo(0, av, 0, rows * n);
                if (l < layers) {
                    double[] xv = x[l];
                    double[] d1 = s1[l];
                    activation.apply(av, beta[l], batch, n, xv, d1, secondOrder ? s2[l] : null);
                    int block = batch * n;
                    for (int k = 0; k < probes; k++) {
                        int off = (k + 1) * block;
                        for (int i = 0; i < block; i++) {
                            xv[off + i] = d1[i] * av[off + i];
                        }
                    }
                    xN[l].copyFrom(xv, 0, 0, rows * n);
                }
            }
        }

        void writeOutputs(Probes pr, INDArray f, INDArray trace, INDArray jac) {
            int d = dims[0];
            double[] out = a[layers];
            double[] bt = beta[layers];
            if (f != null) {
                checkMatrix(f, batch, d, "f");
                double[] fv = da[layers];
                for (int b = 0, i = 0; b < batch; b++) {
                    for (int j = 0; j < d; j++, i++) {
                        fv[i] = out[i] + bt[j];
                    }
                }
                NativeArrays.doubles(f).put(0, fv, 0, batch * d);
            }
            if (trace == null && jac == null) {
                return;
            }
            double[] e = probeLeft;
            DoubleBuffer tr = null;
            DoubleBuffer jq = null;
            if (trace != null) {
                checkMatrix(trace, batch, 1, "trace");
                tr = NativeArrays.doubles(trace);
            }
            if (jac != null) {
                checkMatrix(jac, batch, 1, "jacobianSq");
                jq = NativeArrays.doubles(jac);
            }
            for (int b = 0; b < batch; b++) {
                double ts = 0;
                double js = 0;
                for (int k = 0; k < probes; k++) {
                    int row = (k * batch + b) * d;
                    int tangent = ((k + 1) * batch + b) * d;
                    double dot = 0;
                    double sq = 0;
                    for (int j = 0; j < d; j++) {
                        double ju = out[tangent + j];
                        dot += e[row + j] * ju;
                        sq += ju * ju;
                    }
                    ts += pr.weight(k) * dot;
                    js += pr.weight(k) * sq;
                }
                if (tr != null) {
                    tr.put(b, ts);
                }
                if (jq != null) {
                    jq.put(b, js);
                }
            }
        }

        void backward(double t, Probes pr, Cotangents weights, INDArray gradZ, INDArray gradTheta) {
            int d = dims[0];
            double[] top = da[layers];
            int nz = batch * d;
            INDArray vf = weights.f();
            INDArray vt = weights.trace();
            INDArray vj = weights.jacobian();
            if (vf != null) {
                checkMatrix(vf, batch, d, "vf");
                NativeArrays.doubles(vf).get(0, top, 0, nz);
            } else {
                java.util.Arrays.fill(top, 0, nz, 0.0);
            }
            if (weights.kinetic() != null) {
                // d(vk ||f||^2)/df = 2 vk f, with f = a + beta of the last layer
                checkMatrix(weights.kinetic(), batch, 1, "kinetic weights");
                DoubleBuffer vk = NativeArrays.doubles(weights.kinetic());
                double[] out = a[layers];
                double[] bt = beta[layers];
                for (int b = 0, i = 0; b < batch; b++) {
                    double w2 = 2 * vk.get(b);
                    for (int j = 0; j < d; j++, i++) {
                        top[i] += w2 * (out[i] + bt[j]);
                    }
                }
            }
            if (probes > 0) {
                double[] e = probeLeft;
                double[] out = a[layers];
                DoubleBuffer wt = vt == null ? null : NativeArrays.doubles(vt);
                DoubleBuffer wj = vj == null ? null : NativeArrays.doubles(vj);
                for (int k = 0; k < probes; k++) {
                    double wk = pr.weight(k);
                    for (int b = 0; b < batch; b++) {
                        double ct = wt == null ? 0 : wk * wt.get(b);
                        double cj = wj == null ? 0 : 2 * wk * wj.get(b);
                        int row = (k * batch + b) * d;
                        int tangent = ((k + 1) * batch + b) * d;
                        for (int j = 0; j < d; j++) {
                            top[tangent + j] = ct * e[row + j] + cj * out[tangent + j];
                        }
                    }
                }
            }
            daN[layers].copyFrom(top, 0, 0, rows * d);
            if (gradTheta != null) {
                checkMatrix(gradTheta, count, 1, "gradTheta");
            }
            for (int l = layers; l >= 1; l--) {
                int in = dims[l - 1];
                int n = dims[l];
                if (gradTheta != null) {
                    parameterGradients(l, t);
                }
                if (l > 1) {
                    Blas.gemm(false, true, rows, in, n, 1.0, daN[l].pointer(), n, effectiveWeights(l), n, 0.0,
                            daN[l - 1].pointer(), in);
                    daN[l - 1].copyTo(0, da[l - 1], 0, rows * in);
                    activationBackward(l - 1);
                    daN[l - 1].copyFrom(da[l - 1], 0, 0, rows * in);
                } else if (gradZ != null) {
                    checkMatrix(gradZ, batch, d, "gradZ");
                    Blas.gemm(false, true, batch, d, n, 1.0, daN[1].pointer(), n, effectiveWeights(1), n, 0.0,
                            NativeArrays.doublePointer(gradZ), d);
                }
            }
            if (gradTheta != null) {
                NativeArrays.doubles(gradTheta).put(0, grad, 0, (int) count);
            }
        }

        /** dS/dA of layer l (in place of dS/dX) through x = sigma(a) and its tangents xdot = sigma'(a) adot. */
        void activationBackward(int l) {
            int n = dims[l];
            int block = batch * n;
            double[] g = da[l];
            double[] d1 = s1[l];
            double[] d2 = s2[l];
            double[] av = a[l];
            for (int i = 0; i < block; i++) {
                g[i] *= d1[i];
            }
            for (int k = 1; k <= probes; k++) {
                int off = k * block;
                for (int i = 0; i < block; i++) {
                    double gx = g[off + i];
                    g[i] += gx * d2[i] * av[off + i];
                    g[off + i] = gx * d1[i];
                }
            }
        }

        /** Writes dS/dW and the time-layer gradients of layer l into the gradient array. */
        void parameterGradients(int l, double t) {
            int in = dims[l - 1];
            int n = dims[l];
            double[] dg = da[l];
            java.util.Arrays.fill(colSum, 0, n, 0.0);
            for (int b = 0, i = 0; b < batch; b++) {
                for (int j = 0; j < n; j++, i++) {
                    colSum[j] += dg[i];
                }
            }
            Blas.gemm(true, false, in, n, rows, 1.0, xN[l - 1].pointer(), in, daN[l].pointer(), n, 0.0,
                    gN[l].pointer(), n);
            int w0 = weight(l);
            switch (type) {
                case CONCAT_SQUASH: {
                    double[] raw = this.g[l];
                    gN[l].copyTo(0, raw, 0, in * n);
                    double[] gm = gamma[l];
                    java.util.Arrays.fill(gammaBar, 0, n, 0.0);
                    for (int i = 0, k = 0; i < in; i++) {
                        for (int j = 0; j < n; j++, k++) {
                            double r = raw[k];
                            grad[w0 + k] = r * gm[j];
                            gammaBar[j] += r * p[w0 + k];
                        }
                    }
                    int b = vector(l, 0);
                    int gw = vector(l, 1);
                    int gb = vector(l, 2);
                    int h = vector(l, 3);
                    for (int j = 0; j < n; j++) {
                        double s = gm[j];
                        double betaBar = colSum[j];
                        double sBar = gammaBar[j] + betaBar * p[b + j];
                        double ds = s * (1 - s);
                        grad[b + j] = betaBar * s;
                        grad[gw + j] = sBar * ds * t;
                        grad[gb + j] = sBar * ds;
                        grad[h + j] = betaBar * t;
                    }
                    break;
                }
                case CONCAT: {
                    gN[l].copyTo(0, grad, w0, in * n);
                    int wt = vector(l, 0);
                    int b = vector(l, 1);
                    for (int j = 0; j < n; j++) {
                        grad[wt + j] = colSum[j] * t;
                        grad[b + j] = colSum[j];
                    }
                    break;
                }
                default: {
                    gN[l].copyTo(0, grad, w0, in * n);
                    int b = vector(l, 0);
                    for (int j = 0; j < n; j++) {
                        grad[b + j] = colSum[j];
                    }
                }
            }
        }
    }
}
