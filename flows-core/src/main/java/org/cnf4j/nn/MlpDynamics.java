package org.cnf4j.nn;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.cnf4j.linalg.ComputeThreads;
import org.cnf4j.linalg.Elementwise;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.linalg.Mirror;
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
 * the tangent pass with the activations' second derivatives. Large batches are cut into chunks of
 * rows that stay in cache, spread over {@link ComputeThreads} workers with buffers of their own.
 * One call at a time: an instance must not be used by two threads at once.
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
    private Mirror paramMirror;
    private MatrixPrecision precision = MatrixPrecision.DOUBLE;
    private Workspace[] ws = new Workspace[0];
    private double[][] chunkGrads = new double[0][];

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

    /** The precision of the matrix products (DOUBLE by default). */
    public MatrixPrecision precision() {
        return precision;
    }

    /** Sets the precision of the matrix products; see {@link MatrixPrecision}. */
    public void setPrecision(MatrixPrecision p) {
        if (p != precision) {
            precision = p;
            ws = new Workspace[0];
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
        paramMirror = Mirror.wrap(target);
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
        forward(t, z, null, f, null, null);
    }

    @Override
    public void forward(double t, INDArray z, Probes probes, INDArray f, INDArray trace, INDArray jacobianSq) {
        Batch b = new Batch(z, probes, f, trace, jacobianSq, null, null, null);
        forEachChunk(b, t, (w, c, b0, m) -> {
            w.forward(b, b0, m, false);
            w.writeOutputs(b, b0, m);
        });
    }

    @Override
    public void backward(double t, INDArray z, Probes probes, Cotangents weights, INDArray f, INDArray trace,
            INDArray jacobianSq, INDArray gradZ, INDArray gradTheta) {
        if (probes == null && (weights.needsProbes() || trace != null || jacobianSq != null)) {
            throw new IllegalArgumentException("trace terms need probes");
        }
        Batch b = new Batch(z, probes, f, trace, jacobianSq, weights, gradZ, gradTheta);
        int chunks = b.chunks();
        // each chunk's parameter gradient is kept and summed in chunk order afterwards, so the
        // result does not depend on how many workers shared the chunks
        double[][] perChunk = chunkGradients(gradTheta != null && chunks > 1 ? chunks : 0);
        forEachChunk(b, t, (w, c, b0, m) -> {
            w.forward(b, b0, m, true);
            w.writeOutputs(b, b0, m);
            w.backward(t, b, b0, m);
            if (gradTheta != null && chunks > 1) {
                System.arraycopy(w.grad, 0, perChunk[c], 0, (int) count);
            }
        });
        if (gradTheta != null) {
            double[] sum = chunks > 1 ? perChunk[0] : ws[0].grad;
            for (int c = 1; c < chunks; c++) {
                double[] g = perChunk[c];
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += g[i];
                }
            }
            NativeArrays.doubles(gradTheta).put(0, sum, 0, (int) count);
        }
    }

    /** Work on samples [b0, b0 + m) of a call, chunk number c, in a worker's workspace. */
    private interface ChunkTask {
        void run(Workspace w, int c, int b0, int m);
    }

    /**
     * Runs the task on every chunk of the call, chunk c on worker c mod W (a fixed striping), each
     * worker's workspace first prepared for time t.
     */
    private void forEachChunk(Batch b, double t, ChunkTask task) {
        int chunk = b.chunkSamples();
        int chunks = b.chunks();
        int workers = Math.min(chunks, ComputeThreads.workers());
        reserveWorkspaces(workers);
        ComputeThreads.run(workers, worker -> {
            Workspace w = workspace(worker, Math.min(chunk, b.size), b.probes);
            w.prepare(t);
            for (int c = worker; c < chunks; c += workers) {
                int b0 = c * chunk;
                task.run(w, c, b0, Math.min(chunk, b.size - b0));
            }
        });
    }

    /**
     * Most rows of the stacked primal-and-tangent matrices processed together: 256 KB per buffer
     * of width 64, so a chunk's buffers stay in the core's cache (measured on a 10,000-point
     * log-density: 512 rows 567 ms, 2048 rows 625 ms, 4096 rows 793 ms).
     */
    static final int CHUNK_ROWS = 512;

    /**
     * Calls of at least this many rows are cut into two chunks or more, so that two workers can
     * share a training batch (measured at batch 100, exact trace: the adjoint products in 333
     * instead of 463 microseconds with two workers).
     */
    static final int SPLIT_ROWS = 128;

    /**
     * Samples per chunk for a call of {@code size} samples with {@code probes} probes: equal
     * chunks, as few as {@link #CHUNK_ROWS} and {@link #SPLIT_ROWS} allow. It depends on the call
     * only, never on the number of workers, so results do not either.
     */
    static int chunkSamples(int size, int probes) {
        int most = Math.max(1, CHUNK_ROWS / (1 + probes));
        long rows = (long) size * (1 + probes);
        long chunks = Math.max((size + most - 1) / most, rows >= SPLIT_ROWS ? 2 : 1);
        return (int) Math.max(1, (size + chunks - 1) / chunks);
    }

    /** Reused per-chunk gradient buffers, at least {@code chunks} of them. */
    private double[][] chunkGradients(int chunks) {
        if (chunkGrads.length < chunks) {
            double[][] grown = Arrays.copyOf(chunkGrads, chunks);
            for (int c = chunkGrads.length; c < chunks; c++) {
                grown[c] = new double[(int) count];
            }
            chunkGrads = grown;
        }
        return chunkGrads;
    }

    /** Makes room for the workspaces of {@code workers} workers (before they start). */
    private void reserveWorkspaces(int workers) {
        if (ws.length < workers) {
            ws = Arrays.copyOf(ws, workers);
        }
    }

    private Workspace workspace(int worker, int batch, int probes) {
        int rows = batch * (1 + probes);
        if (ws[worker] == null || ws[worker].capacity < rows) {
            ws[worker] = new Workspace(rows);
        }
        return ws[worker];
    }

    /** One call's inputs and outputs, checked once and seen as buffers; chunks read and write their rows. */
    private final class Batch {
        final int size;
        final int probes;
        final Probes pr;
        final DoubleBuffer z;
        final DoubleBuffer right;
        final DoubleBuffer left;
        final DoubleBuffer f;
        final DoubleBuffer trace;
        final DoubleBuffer jac;
        final DoubleBuffer vf;
        final DoubleBuffer vk;
        final DoubleBuffer vt;
        final DoubleBuffer vj;
        final INDArray gradZ;
        final boolean wantTheta;

        Batch(INDArray z, Probes pr, INDArray f, INDArray trace, INDArray jac, Cotangents weights, INDArray gradZ,
                INDArray gradTheta) {
            int d = dims[0];
            this.size = (int) z.rows();
            checkMatrix(z, size, d, "z");
            this.pr = pr;
            this.probes = pr == null ? 0 : pr.count();
            if (pr != null && (pr.batch() != size || pr.dim() != d)) {
                throw new IllegalArgumentException("probes are for batch " + pr.batch() + " and dim " + pr.dim()
                        + ", state is [" + size + ", " + d + "]");
            }
            this.z = NativeArrays.doubles(z);
            this.right = pr == null ? null : NativeArrays.doubles(pr.right());
            this.left = pr == null ? null : NativeArrays.doubles(pr.left());
            this.f = f == null ? null : checked(f, size, d, "f");
            this.trace = trace == null ? null : checked(trace, size, 1, "trace");
            this.jac = jac == null ? null : checked(jac, size, 1, "jacobianSq");
            this.vf = weights == null || weights.f() == null ? null : checked(weights.f(), size, d, "vf");
            this.vk = weights == null || weights.kinetic() == null ? null
                    : checked(weights.kinetic(), size, 1, "kinetic weights");
            this.vt = weights == null || weights.trace() == null ? null : checked(weights.trace(), size, 1, "trace weights");
            this.vj = weights == null || weights.jacobian() == null ? null
                    : checked(weights.jacobian(), size, 1, "jacobian weights");
            if (gradZ != null) {
                checkMatrix(gradZ, size, d, "gradZ");
                this.gradZ = gradZ;
            } else {
                this.gradZ = null;
            }
            if (gradTheta != null) {
                checkMatrix(gradTheta, count, 1, "gradTheta");
            }
            this.wantTheta = gradTheta != null;
        }

        private DoubleBuffer checked(INDArray a, long rows, long cols, String what) {
            checkMatrix(a, rows, cols, what);
            return NativeArrays.doubles(a);
        }

        int chunkSamples() {
            return MlpDynamics.chunkSamples(size, probes);
        }

        int chunks() {
            int chunk = chunkSamples();
            return (size + chunk - 1) / chunk;
        }
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
        final boolean single = precision == MatrixPrecision.FLOAT;
        final Mirror[] xN = new Mirror[layers];
        final Mirror[] aN = new Mirror[layers + 1];
        final Mirror[] daN = new Mirror[layers + 1];
        final Mirror[] wgN = new Mirror[layers + 1];
        final Mirror[] gN = new Mirror[layers + 1];
        final Mirror gzN;
        final double[] gz;
        double[] probeLeft = new double[0];

        Workspace(int capacity) {
            this.capacity = capacity;
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
                aN[l] = Mirror.allocate((long) capacity * n, single);
                daN[l] = Mirror.allocate((long) capacity * n, single);
                if (l < layers) {
                    s1[l] = new double[capacity * n];
                    s2[l] = new double[capacity * n];
                }
                gamma[l] = new double[n];
                beta[l] = new double[n];
                g[l] = new double[w];
                gN[l] = Mirror.allocate(w, single);
                if (type == LayerType.CONCAT_SQUASH || single) {
                    wg[l] = new double[w];
                    wgN[l] = Mirror.allocate(w, single);
                }
            }
            colSum = new double[widest];
            gammaBar = new double[widest];
            gzN = single ? Mirror.allocate((long) capacity * dims[0], true) : null;
            gz = single ? new double[capacity * dims[0]] : null;
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
            if (type != LayerType.CONCAT_SQUASH && single) {
                wgN[l].copyFrom(p, weight(l), 0, in * n);
            }
        }

        /** The effective weights of layer l for BLAS: W * gamma for concatsquash, W otherwise. */
        Mirror effectiveWeights(int l) {
            return type == LayerType.CONCAT_SQUASH || single ? wgN[l] : paramMirror;
        }

        /** Offset of the effective weights of layer l in their mirror. */
        long effectiveOffset(int l) {
            return type == LayerType.CONCAT_SQUASH || single ? 0 : weight(l);
        }

        /** Reads the parameters and computes every layer's gates at time t: once per call, for all its chunks. */
        void prepare(double t) {
            paramBuf.copyTo(0, p, 0, (int) count);
            for (int l = 1; l <= layers; l++) {
                gates(l, t);
            }
        }

        /**
         * Forward pass of samples [b0, b0 + m) of the call, primal and probe tangents stacked;
         * {@link #prepare} must have run for this call.
         */
        void forward(Batch call, int b0, int m, boolean secondOrder) {
            int d = dims[0];
            batch = m;
            probes = call.probes;
            rows = m * (1 + probes);
            int nz = m * d;
            call.z.get(b0 * d, x[0], 0, nz);
            if (probes > 0) {
                if (probeLeft.length < probes * nz) {
                    probeLeft = new double[probes * nz];
                }
                for (int k = 0; k < probes; k++) {
                    int src = (k * call.size + b0) * d;
                    call.right.get(src, x[0], (k + 1) * nz, nz);
                    call.left.get(src, probeLeft, k * nz, nz);
                }
            }
            xN[0].copyFrom(x[0], 0, 0, rows * d);
            for (int l = 1; l <= layers; l++) {
                int in = dims[l - 1];
                int n = dims[l];
                Mirror.gemm(false, false, rows, n, in, xN[l - 1], 0, in, effectiveWeights(l), effectiveOffset(l), n,
                        aN[l], 0, n);
                double[] av = a[l];
                aN[l].copyTo(0, av, 0, rows * n);
                if (l < layers) {
                    double[] xv = x[l];
                    double[] d1 = s1[l];
                    activation.apply(av, beta[l], batch, n, xv, d1, secondOrder ? s2[l] : null);
                    int block = batch * n;
                    for (int k = 0; k < probes; k++) {
                        int off = (k + 1) * block;
                        Elementwise.multiply(d1, 0, av, off, xv, off, block);
                    }
                    xN[l].copyFrom(xv, 0, 0, rows * n);
                }
            }
        }

        /** Writes f, the trace and squared-norm estimates of the chunk's samples into the call's outputs. */
        void writeOutputs(Batch call, int b0, int m) {
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
            if (call.trace == null && call.jac == null) {
                return;
            }
            double[] e = probeLeft;
            for (int b = 0; b < m; b++) {
                double ts = 0;
                double js = 0;
                for (int k = 0; k < probes; k++) {
                    int row = (k * m + b) * d;
                    int tangent = ((k + 1) * m + b) * d;
                    double dot = 0;
                    double sq = 0;
                    for (int j = 0; j < d; j++) {
                        double ju = out[tangent + j];
                        dot += e[row + j] * ju;
                        sq += ju * ju;
                    }
                    ts += call.pr.weight(k) * dot;
                    js += call.pr.weight(k) * sq;
                }
                if (call.trace != null) {
                    call.trace.put(b0 + b, ts);
                }
                if (call.jac != null) {
                    call.jac.put(b0 + b, js);
                }
            }
        }

        /** Backward pass of the chunk (after its forward pass with second derivatives). */
        void backward(double t, Batch call, int b0, int m) {
            int d = dims[0];
            double[] top = da[layers];
            int nz = m * d;
            if (call.vf != null) {
                call.vf.get(b0 * d, top, 0, nz);
            } else {
                java.util.Arrays.fill(top, 0, nz, 0.0);
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
            if (probes > 0) {
                double[] e = probeLeft;
                double[] out = a[layers];
                for (int k = 0; k < probes; k++) {
                    double wk = call.pr.weight(k);
                    for (int b = 0; b < m; b++) {
                        double ct = call.vt == null ? 0 : wk * call.vt.get(b0 + b);
                        double cj = call.vj == null ? 0 : 2 * wk * call.vj.get(b0 + b);
                        int row = (k * m + b) * d;
                        int tangent = ((k + 1) * m + b) * d;
                        for (int j = 0; j < d; j++) {
                            top[tangent + j] = ct * e[row + j] + cj * out[tangent + j];
                        }
                    }
                }
            }
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
                    activationBackward(l - 1);
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

        /** dS/dA of layer l (in place of dS/dX) through x = sigma(a) and its tangents xdot = sigma'(a) adot. */
        void activationBackward(int l) {
            int n = dims[l];
            int block = batch * n;
            double[] g = da[l];
            double[] d1 = s1[l];
            double[] d2 = s2[l];
            Elementwise.activationBackward(g, d1, d2, a[l], block, probes);
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
            Mirror.gemm(true, false, in, n, rows, xN[l - 1], 0, in, daN[l], 0, n, gN[l], 0, n);
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
