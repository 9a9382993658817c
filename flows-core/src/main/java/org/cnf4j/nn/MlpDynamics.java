package org.cnf4j.nn;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.random.RandomGenerator;
import java.util.stream.Collectors;
import org.cnf4j.linalg.ComputeThreads;
import org.cnf4j.linalg.HeapGemm;
import org.cnf4j.linalg.KernelFamily;
import org.cnf4j.linalg.KernelSelection;
import org.cnf4j.linalg.Mirror;
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
 * the tangent pass with the activations' second derivatives. Large batches are cut into chunks of
 * rows that stay in cache, spread over {@link ComputeThreads} workers with buffers of their own.
 * One call at a time: an instance must not be used by two threads at once.
 *
 * <p>A conditional network ({@code contextDim > 0}) models f(z, t, c): the context c [contextDim]
 * of each row enters every layer the way time does (concatsquash: inside the gate's sigmoid and in
 * the shift; concat and ignore: in the shift, as if [x, c] were the layer's input), through
 * [contextDim, out] matrices stored after all layers' tensors ({@link #tensors()}). The rows'
 * contexts are bound with {@link #setContext} before the calls that use them; these networks run
 * on the per-row kernels of {@code ContextWorkspace} in double. With {@code contextDim = 0} the
 * network, its parameters and its results are exactly those of an unconditional one.
 */
public final class MlpDynamics implements Dynamics {

    private final int[] dims;
    private final LayerType type;
    private final Activation activation;
    private final int layers;
    private final Layer[] layer;
    private final long count;
    private final int contextDim;
    private final int[] contextAt;
    private double[] context;
    private int contextRows;
    private double[] sameTime = new double[0];
    private ContextWorkspace[] cws = new ContextWorkspace[0];
    private INDArray params;
    private NativeBuffer paramBuf;
    private Mirror paramMirror;
    private MatrixPrecision precision = MatrixPrecision.DOUBLE;
    private MlpWorkspace[] ws = new MlpWorkspace[0];
    private boolean heapProducts;
    /** Whether the products' path is fixed for good (see {@link #countWork}). */
    private boolean kernelsSettled;
    /**
     * How many forward-pass equivalents a row of the per-row-time path counts for when the network
     * counts its work (towards {@link KernelSelection#CALIBRATION_WORK}): its per-row gates and small
     * products make a multiply-add there cost about four times one of a batched evaluation
     * (flow-matching training against log-density, measured on 2 cores).
     */
    public static final int ROW_TIME_COST = 4;
    /** Multiply-adds evaluated so far, until the kernels are settled. */
    private long work;
    /** Multiply-adds after which the kernels are measured and the products' path settled. */
    private long calibrationWork = KernelSelection.CALIBRATION_WORK;

    private RowTimeWorkspace[] rows = new RowTimeWorkspace[0];
    private final ChunkScheduler scheduler = new ChunkScheduler();

    /**
     * A network with zero parameters.
     *
     * @param dims units per layer boundary, first and last equal to the state dimension, e.g.
     *     {2, 64, 64, 64, 2}
     */
    public MlpDynamics(int[] dims, LayerType type, Activation activation) {
        this(dims, type, activation, 0);
    }

    /**
     * A conditional network with zero parameters.
     *
     * @param dims units per layer boundary, first and last equal to the state dimension
     * @param contextDim length of the context vector of each row (0: an unconditional network)
     */
    public MlpDynamics(int[] dims, LayerType type, Activation activation, int contextDim) {
        if (contextDim < 0) {
            throw new IllegalArgumentException("context dimension must not be negative: " + contextDim);
        }
        if (dims.length < 2 || dims[0] != dims[dims.length - 1]) {
            throw new IllegalArgumentException(
                    "dims must start and end with the state dimension: " + Arrays.toString(dims));
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
        this.layer = new Layer[layers];
        long offset = 0;
        for (int l = 0; l < layers; l++) {
            layer[l] = Layer.of(type, dims[l], dims[l + 1], offset);
            offset += type.parameterCount(dims[l], dims[l + 1]);
        }
        this.contextDim = contextDim;
        this.contextAt = new int[layers];
        for (int l = 0; l < layers; l++) {
            contextAt[l] = (int) offset;
            offset += (long) layer[l].contextMatrices() * contextDim * dims[l + 1];
        }
        this.count = offset;
        bindParameters(Nd4j.zeros(DataType.DOUBLE, count));
        settleIfFixed();
    }

    /**
     * A network initialised as PyTorch's {@code nn.Linear} (uniform in +-1/sqrt(fan_in) for
     * weights and biases; concatsquash's time layers have fan_in 1).
     */
    public static MlpDynamics create(int[] dims, LayerType type, Activation activation, RandomGenerator random) {
        return create(dims, type, activation, 0, random);
    }

    /** A conditional network initialised as {@link #create(int[], LayerType, Activation, RandomGenerator)}. */
    public static MlpDynamics create(
            int[] dims, LayerType type, Activation activation, int contextDim, RandomGenerator random) {
        MlpDynamics net = new MlpDynamics(dims, type, activation, contextDim);
        net.initialize(random);
        return net;
    }

    /**
     * Draws fresh parameters as PyTorch's {@code nn.Linear} default initialisation; the context
     * matrices, drawn after all layers, in +-1/sqrt(contextDim).
     */
    public void initialize(RandomGenerator random) {
        DoubleBuffer p = paramBuf.buffer();
        for (int l = 0; l < layers; l++) {
            for (ParameterTensor t : layer[l].tensors("layers." + l + ".")) {
                fill(p, t, layer[l].initBound(t), random);
            }
        }
        for (int l = 0; contextDim > 0 && l < layers; l++) {
            for (ParameterTensor t : layer[l].contextTensors("layers." + l + ".", contextDim, contextAt[l])) {
                fill(p, t, 1.0 / Math.sqrt(contextDim), random);
            }
        }
    }

    /**
     * Sets every parameter of the last layer to zero (its weights, biases, gates and context
     * matrices), so the field is zero everywhere: a flow of such blocks is the identity and its
     * log p its base's. Training then moves the last layer first (its gradient is the hidden
     * activations), as a zero-initialised output layer does in Glow.
     */
    public void zeroOutputLayer() {
        DoubleBuffer p = paramBuf.buffer();
        List<ParameterTensor> last = new ArrayList<>(layer[layers - 1].tensors("layers." + (layers - 1) + "."));
        if (contextDim > 0) {
            last.addAll(layer[layers - 1].contextTensors(
                    "layers." + (layers - 1) + ".", contextDim, contextAt[layers - 1]));
        }
        for (ParameterTensor t : last) {
            for (long i = t.offset(); i < t.offset() + t.length(); i++) {
                p.put((int) i, 0.0);
            }
        }
    }

    private static void fill(DoubleBuffer p, ParameterTensor t, double bound, RandomGenerator random) {
        for (long i = t.offset(); i < t.offset() + t.length(); i++) {
            p.put((int) i, random.nextDouble(-bound, bound));
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
            kernelsSettled = false;
            useHeapProducts(false);
            ws = new MlpWorkspace[0];
            rows = new RowTimeWorkspace[0];
            settleIfFixed();
        }
    }

    /**
     * Whether the forward products run as {@link HeapGemm} kernels (the default where
     * {@link KernelSelection} chose them) or in native BLAS, the plain path; for tests comparing the
     * two (the choice is then kept for good).
     */
    void setHeapProducts(boolean on) {
        kernelsSettled = true;
        useHeapProducts(on);
    }

    private void useHeapProducts(boolean on) {
        boolean use = on && HeapGemm.vectorized();
        if (use != heapProducts) {
            heapProducts = use;
            ws = new MlpWorkspace[0];
            rows = new RowTimeWorkspace[0];
        }
    }

    /**
     * Has the kernels this network uses measured now (once per JVM) and takes the chosen paths from
     * the next call on, instead of after {@link KernelSelection#CALIBRATION_WORK}: for callers that
     * know a long run follows.
     */
    public void chooseKernels() {
        KernelSelection.calibrate(kernelFamilies());
        settleKernels();
    }

    /**
     * Runs the products on the plain path (BLAS) from the next call on, with no switch later, whatever
     * this JVM has measured: for a run too short to repay the measurement, so that it runs the same
     * whether or not an earlier run in the JVM measured.
     */
    public void keepPlainKernels() {
        kernelsSettled = true;
        useHeapProducts(false);
    }

    /** Sets the work after which this network settles its kernels (see {@link #countWork}); for tests. */
    void calibrateAfter(long multiplyAdds) {
        calibrationWork = multiplyAdds;
    }

    /** Whether the forward products run on the heap kernels now; for tests. */
    boolean heapProducts() {
        return heapProducts;
    }

    /** The kernel families this network's calls use in its precision. */
    private KernelFamily[] kernelFamilies() {
        return precision == MatrixPrecision.FLOAT
                ? KernelFamily.values()
                : new KernelFamily[] {
                    KernelFamily.PRODUCTS_DOUBLE, KernelFamily.TANH_DOUBLE, KernelFamily.ELEMENTWISE_DOUBLE
                };
    }

    /**
     * Takes the products' path the system property fixes, if it does. Otherwise the network starts on
     * the plain path whatever this JVM measured before: its path follows from its own calls alone
     * (see {@link #countWork}), so a model scores the same in a fresh process as in one that trained.
     */
    private void settleIfFixed() {
        if (KernelSelection.fixedByProperty()) {
            settleKernels();
        }
    }

    private void settleKernels() {
        kernelsSettled = true;
        useHeapProducts(KernelSelection.vector(
                precision == MatrixPrecision.FLOAT ? KernelFamily.PRODUCTS_FLOAT : KernelFamily.PRODUCTS_DOUBLE));
    }

    /**
     * Counts a call's multiply-adds ({@code rows} network rows, {@code passes} forward-pass
     * equivalents each). The network starts on the plain path (BLAS products); once its work passes
     * {@link KernelSelection#CALIBRATION_WORK}, it has the kernels it uses measured (once per JVM)
     * and moves its products to the path chosen. The switch comes after the same calls in every run,
     * so a seeded run repeats itself; a short command never pays for the measurement.
     */
    private void countWork(long rows, int passes) {
        if (kernelsSettled) {
            return;
        }
        work += rows * passes * multiplyAddsPerSample();
        if (work >= calibrationWork) {
            chooseKernels();
        }
    }

    /** Eight doubles a unit of every layer: activations, derivatives, products' scratch. */
    @Override
    public long workBytesPerRow() {
        return 8L * 8 * java.util.Arrays.stream(dims).asLongStream().sum();
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
    public int contextDim() {
        return contextDim;
    }

    @Override
    public void setContext(INDArray c) {
        if (c == null) {
            context = null;
            contextRows = 0;
            return;
        }
        if (contextDim == 0) {
            throw new IllegalArgumentException("this network has no context");
        }
        if (c.rank() != 2 || c.columns() != contextDim) {
            throw new IllegalArgumentException(
                    "context must be [rows, " + contextDim + "], got " + Arrays.toString(c.shape()));
        }
        context = NativeArrays.toArray(c.dataType() == DataType.DOUBLE ? c.dup('c') : c.castTo(DataType.DOUBLE));
        contextRows = c.rows();
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
        return describe(dims, type, activation, contextDim);
    }

    /**
     * How {@link #describe()} names a network of these widths, layer type, activation and context
     * values per row, e.g. {@code 2-64-64-64-2 concatsquash tanh}.
     */
    public static String describe(int[] dims, LayerType type, Activation activation, int contextDim) {
        return Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining("-")) + " " + type.id() + " "
                + activation.id() + (contextDim > 0 ? " context " + contextDim : "");
    }

    @Override
    public List<ParameterTensor> tensors() {
        List<ParameterTensor> out = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            out.addAll(layer[l].tensors("layers." + l + "."));
        }
        for (int l = 0; contextDim > 0 && l < layers; l++) {
            out.addAll(layer[l].contextTensors("layers." + l + ".", contextDim, contextAt[l]));
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
        MlpCall call = new MlpCall(dims[0], count, z, probes, f, trace, jacobianSq, null, null, null);
        countWork((long) call.size * (1 + call.probes), 1);
        if (contextDim > 0) {
            contextCall(sameTimes(t, call.size), call, null, null);
            return;
        }
        forEachChunk(call, t, (w, c, b0, m) -> {
            w.forward(call, b0, m, false);
            w.writeOutputs(call, b0, m);
        });
    }

    @Override
    public void backward(
            double t,
            INDArray z,
            Probes probes,
            Cotangents weights,
            INDArray f,
            INDArray trace,
            INDArray jacobianSq,
            INDArray gradZ,
            INDArray gradTheta) {
        if (probes == null && (weights.needsProbes() || trace != null || jacobianSq != null)) {
            throw new IllegalArgumentException("trace terms need probes");
        }
        MlpCall call = new MlpCall(dims[0], count, z, probes, f, trace, jacobianSq, weights, gradZ, gradTheta);
        countWork((long) call.size * (1 + call.probes), 3);
        if (contextDim > 0) {
            contextCall(sameTimes(t, call.size), call, null, gradTheta);
            return;
        }
        int chunks = call.chunks();
        // each chunk's parameter gradient is kept and summed in chunk order afterwards, so the
        // result does not depend on how many workers shared the chunks
        double[][] perChunk = scheduler.chunkGradients(gradTheta != null && chunks > 1 ? chunks : 0, (int) count);
        forEachChunk(call, t, (w, c, b0, m) -> {
            w.forward(call, b0, m, true);
            w.writeOutputs(call, b0, m);
            w.backward(t, call, b0, m);
            if (gradTheta != null && chunks > 1) {
                System.arraycopy(w.grad, 0, perChunk[c], 0, (int) count);
            }
        });
        if (gradTheta != null) {
            double[] sum = chunks > 1 ? ChunkScheduler.sumInOrder(perChunk, chunks) : ws[0].grad;
            NativeArrays.doubles(gradTheta).put(0, sum, 0, (int) count);
        }
    }

    /** Work on samples [b0, b0 + m) of a call, chunk number c, in a worker's workspace. */
    private interface ChunkTask {
        void run(MlpWorkspace w, int c, int b0, int m);
    }

    /** Runs the task on every chunk of the call, each worker's workspace first prepared for time t. */
    private void forEachChunk(MlpCall call, double t, ChunkTask task) {
        int chunk = call.chunkSamples();
        int workers = ChunkScheduler.workersFor(call.chunks());
        if (ws.length < workers) {
            ws = Arrays.copyOf(ws, workers);
        }
        ChunkScheduler.run(
                call.size,
                chunk,
                workers,
                (worker, samples) -> {
                    int rows = samples * (1 + call.probes);
                    if (ws[worker] == null || ws[worker].capacity < rows) {
                        ws[worker] = new MlpWorkspace(
                                rows,
                                dims,
                                layer,
                                activation,
                                (int) count,
                                precision == MatrixPrecision.FLOAT,
                                heapProducts);
                    }
                    ws[worker].prepare(t, paramBuf, paramMirror);
                },
                (worker, c, b0, m) -> task.run(ws[worker], c, b0, m));
    }

    @Override
    public void forwardAtTimes(double[] t, INDArray z, INDArray f) {
        rowTimeCall(t, z, null, f, null, null);
    }

    @Override
    public void backwardAtTimes(double[] t, INDArray z, INDArray v, INDArray f, INDArray gradZ, INDArray gradTheta) {
        MlpCall.check(v, z.rows(), dims[0], "v");
        DoubleBuffer vb = NativeArrays.doubles(v);
        int d = dims[0];
        rowTimeCall(t, z, (first, rows, fv, out) -> vb.get(first * d, out, 0, rows * d), f, gradZ, gradTheta);
    }

    @Override
    public void backwardAtTimes(double[] t, INDArray z, RowCotangent cotangent, INDArray gradTheta) {
        rowTimeCall(t, z, cotangent, null, null, gradTheta);
    }

    @Override
    public void backwardAtTimes(double[] t, double[] z, RowCotangent cotangent, INDArray gradTheta) {
        if (contextDim > 0) {
            Dynamics.super.backwardAtTimes(t, z, cotangent, gradTheta);
            return;
        }
        if (z.length != (long) t.length * dims[0]) {
            throw new IllegalArgumentException(
                    "z must hold " + t.length + " rows of " + dims[0] + " values, got " + z.length + " values");
        }
        countWork(t.length, ROW_TIME_COST * 3);
        rowTimeRows(t, DoubleBuffer.wrap(z), cotangent, null, null, gradTheta);
    }

    /**
     * The per-row-time path: chunks of at most {@link ChunkScheduler#CHUNK_ROWS} rows on the
     * workers, each a forward pass, then (with a cotangent) its backward pass; chunk gradients
     * summed in chunk order.
     */
    private void rowTimeCall(
            double[] t, INDArray z, RowCotangent cotangent, INDArray f, INDArray gradZ, INDArray gradTheta) {
        countWork(z.rows(), ROW_TIME_COST * (cotangent == null ? 1 : 3));
        if (contextDim > 0) {
            if (t.length != z.rows()) {
                throw new IllegalArgumentException(
                        "need one time per row: " + t.length + " times for " + z.rows() + " rows");
            }
            MlpCall call = new MlpCall(
                    dims[0], count, z, null, f, null, null, null, gradZ, cotangent == null ? null : gradTheta);
            contextCall(t, call, cotangent, cotangent == null ? null : gradTheta);
            return;
        }
        MlpCall.check(z, z.rows(), dims[0], "z");
        if (t.length != z.rows()) {
            throw new IllegalArgumentException(
                    "need one time per row: " + t.length + " times for " + z.rows() + " rows");
        }
        rowTimeRows(t, NativeArrays.doubles(z), cotangent, f, gradZ, gradTheta);
    }

    /** {@link #rowTimeCall} of an unconditional network on rows z [t.length, dim] (checked). */
    private void rowTimeRows(
            double[] t, DoubleBuffer zb, RowCotangent cotangent, INDArray f, INDArray gradZ, INDArray gradTheta) {
        int d = dims[0];
        int size = t.length;
        DoubleBuffer fb = f == null ? null : checkedOut(f, size, d, "f");
        DoubleBuffer gzb = gradZ == null ? null : checkedOut(gradZ, size, d, "gradZ");
        if (gradTheta != null) {
            MlpCall.check(gradTheta, count, 1, "gradTheta");
        }
        int chunk = ChunkScheduler.chunkSamples(size, 0);
        int chunks = ChunkScheduler.chunks(size, chunk);
        int workers = ChunkScheduler.workersFor(chunks);
        if (rows.length < workers) {
            rows = Arrays.copyOf(rows, workers);
        }
        boolean wantTheta = cotangent != null && gradTheta != null;
        double[][] perChunk = scheduler.chunkGradients(wantTheta ? chunks : 0, (int) count);
        ChunkScheduler.run(
                size,
                chunk,
                workers,
                (worker, samples) -> {
                    if (rows[worker] == null || rows[worker].capacity < samples) {
                        rows[worker] = new RowTimeWorkspace(
                                samples,
                                dims,
                                layer,
                                activation,
                                (int) count,
                                heapProducts,
                                precision == MatrixPrecision.FLOAT);
                    }
                    rows[worker].prepare(paramBuf, paramMirror);
                },
                (worker, c, b0, m) -> {
                    RowTimeWorkspace w = rows[worker];
                    double[] fv = w.f;
                    w.forward(t, zb, b0, m, fv);
                    if (fb != null) {
                        fb.put(b0 * d, fv, 0, m * d);
                    }
                    if (cotangent != null) {
                        double[] v = w.v;
                        cotangent.compute(b0, m, fv, v);
                        double[] gz = gzb == null ? null : fv;
                        w.backward(t, v, b0, gz);
                        if (gzb != null) {
                            gzb.put(b0 * d, gz, 0, m * d);
                        }
                        if (wantTheta) {
                            System.arraycopy(w.grad, 0, perChunk[c], 0, (int) count);
                        }
                    }
                });
        if (wantTheta) {
            NativeArrays.doubles(gradTheta).put(0, ChunkScheduler.sumInOrder(perChunk, chunks), 0, (int) count);
        }
    }

    /** t repeated for every one of {@code size} rows, in a reused array. */
    private double[] sameTimes(double t, int size) {
        if (sameTime.length < size) {
            sameTime = new double[size];
        }
        Arrays.fill(sameTime, 0, size, t);
        return sameTime;
    }

    /**
     * A call of a conditional network on the bound context: chunks of the call's samples on the
     * workers, each a forward pass (second order when a backward pass follows), its outputs, and
     * with a row cotangent or cotangent weights its backward pass; chunk gradients summed in order.
     */
    private void contextCall(double[] t, MlpCall call, RowCotangent cotangent, INDArray gradTheta) {
        if (context == null || contextRows != call.size) {
            throw new IllegalStateException(
                    context == null
                            ? "this network is conditional: bind a context of [" + call.size + ", " + contextDim
                                    + "] with setContext first"
                            : "the bound context has " + contextRows + " rows, the call " + call.size);
        }
        boolean backward = cotangent != null
                || call.vf != null
                || call.vk != null
                || call.vt != null
                || call.vj != null
                || call.gradZ != null
                || call.wantTheta;
        int chunk = call.chunkSamples();
        int chunks = call.chunks();
        int workers = ChunkScheduler.workersFor(chunks);
        if (cws.length < workers) {
            cws = Arrays.copyOf(cws, workers);
        }
        boolean wantTheta = call.wantTheta;
        double[][] perChunk = scheduler.chunkGradients(wantTheta ? chunks : 0, (int) count);
        double[] c = context;
        ChunkScheduler.run(
                call.size,
                chunk,
                workers,
                (worker, samples) -> {
                    int rowCount = samples * (1 + call.probes);
                    if (cws[worker] == null || cws[worker].capacity < rowCount) {
                        cws[worker] = new ContextWorkspace(
                                rowCount, dims, layer, contextAt, contextDim, activation, (int) count);
                    }
                    cws[worker].prepare(paramBuf, paramMirror);
                },
                (worker, k, b0, m) -> {
                    ContextWorkspace w = cws[worker];
                    w.forward(t, c, call, b0, m, backward);
                    w.writeOutputs(call, b0);
                    if (!backward) {
                        return;
                    }
                    double[] v = null;
                    if (cotangent != null) {
                        v = w.v;
                        cotangent.compute(b0, m, w.output(), v);
                    }
                    w.backward(t, c, call, b0, v, null);
                    if (wantTheta) {
                        System.arraycopy(w.grad, 0, perChunk[k], 0, (int) count);
                    }
                });
        if (wantTheta) {
            NativeArrays.doubles(gradTheta).put(0, ChunkScheduler.sumInOrder(perChunk, chunks), 0, (int) count);
        }
    }

    private static DoubleBuffer checkedOut(INDArray a, int rows, int cols, String what) {
        MlpCall.check(a, rows, cols, what);
        return NativeArrays.doubles(a);
    }
}
