package org.cnf4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.random.RandomGenerator;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.nn.RowCotangent;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Conditional flow matching (Lipman et al. 2023; Tong et al. 2024): the field is regressed on the
 * straight (optimal-transport) path between a base draw x0 from the flow's base (N(0, I) unless a mixture is set) and a data row x1, with no
 * ODE solve. With path time tau ~ {@link TimeSampling} (0 at noise, 1 at data),
 * {@code x_tau = (1 - (1 - sigma_min) tau) x0 + tau x1} moves with velocity
 * {@code u = x1 - (1 - sigma_min) x0}.
 *
 * <p>Direction: the flow's blocks run from data (t = 0) to latent (t = T), so the whole chain
 * covers flow time s in [0, S], S = sum of the blocks' T, with s = S (1 - tau); the field at
 * flow time s must be {@code dz/ds = -u / S}. The loss is the mean over rows and coordinates of
 * {@code (S f(x_tau, s) + u)^2}, the residual in path-time units, so its scale does not depend on
 * T. Trained this way, the flow's usual solves give exact log p(x) of the learned model.
 *
 * <p>With {@code otCoupling} the batch's base draws are paired with its data rows by an exact
 * assignment on squared distances ({@link OptimalAssignment}, minibatch OT-CFM), which
 * straightens the learned paths; batches of at most {@link #MAX_OT_BATCH} rows.
 *
 * <p>A conditional flow takes joint rows [x | c]: each row's field is evaluated at its own context,
 * and the OT coupling pairs base draws with data rows only within rows of equal context (a row
 * whose context no other row shares keeps its own draw), so the coupling never mixes the
 * conditional distributions it learns.
 *
 * @param sigmaMin the path's end width, in [0, 1) (0: the path ends exactly on the data row)
 * @param otCoupling whether to pair x0 and x1 by minibatch optimal transport
 * <p>With {@code contextDropout} p > 0 (a conditional flow that {@linkplain
 * ContinuousNormalizingFlow#learnsUnconditional() learns the unconditional field too}), each row's
 * context is dropped with probability p, so the same network learns f(z, t, c) and f(z, t) for
 * classifier-free guidance (Ho and Salimans 2022).
 *
 * @param timeSampling how tau is drawn
 * @param contextDropout probability that a row trains the unconditional field, in [0, 1)
 */
public record FlowMatching(double sigmaMin, boolean otCoupling, TimeSampling timeSampling, double contextDropout)
        implements Objective {

    /** The name in model files and on the command line. */
    public static final String NAME = "flow-matching";

    /** Largest batch the OT coupling accepts (the assignment is cubic in it). */
    public static final int MAX_OT_BATCH = 512;

    /** Validates. */
    public FlowMatching {
        org.cnf4j.settings.SettingCheck.inHalfOpen("sigmaMin", sigmaMin, 0, 1);
        if (timeSampling == null) {
            throw new IllegalArgumentException("time sampling must be given");
        }
        org.cnf4j.settings.SettingCheck.inHalfOpen("contextDropout", contextDropout, 0, 1);
    }

    /** Flow matching without context dropout. */
    public FlowMatching(double sigmaMin, boolean otCoupling, TimeSampling timeSampling) {
        this(sigmaMin, otCoupling, timeSampling, 0);
    }

    /** sigma_min = 0, independent coupling, uniform times. */
    public static FlowMatching defaults() {
        return new FlowMatching(0, false, TimeSampling.UNIFORM);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return NAME + "(sigma_min=" + sigmaMin + ", ot=" + otCoupling + ", time=" + timeSampling.id()
                + (contextDropout > 0 ? ", context_dropout=" + contextDropout : "") + ")";
    }

    @Override
    public boolean fitsEndTime() {
        return false;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("name", NAME);
        o.put("sigmaMin", sigmaMin);
        o.put("otCoupling", otCoupling);
        o.put("timeSampling", timeSampling.id());
        if (contextDropout > 0) {
            o.put("contextDropout", contextDropout);
        }
        return o;
    }

    @Override
    public ObjectiveResult evaluate(ContinuousNormalizingFlow flow, INDArray x, RandomGenerator noise) {
        int batch = x.rows();
        return evaluateRows(flow, x, allPositions(batch), batch, noise);
    }

    /**
     * Exact shares: the base draws and times of the whole batch are drawn from {@code noise} and
     * each row takes those of its position, so the shares' sums equal {@link #evaluate} of the
     * batch up to the order of floating-point additions. With the OT coupling the whole batch must
     * be in one share (the assignment needs every row).
     */
    @Override
    public ObjectiveResult evaluateRows(
            ContinuousNormalizingFlow flow, INDArray x, int[] positions, int batchSize, RandomGenerator noise) {
        INDArray gradient = Nd4j.zeros(DataType.DOUBLE, flow.parameterCount());
        double loss = run(flow, x, positions, batchSize, noise, gradient);
        return new ObjectiveResult(loss, Double.NaN, 0, 0, gradient, 0, 0);
    }

    @Override
    public ObjectiveResult evaluateInto(
            ContinuousNormalizingFlow flow, INDArray x, RandomGenerator noise, INDArray gradient) {
        if (gradient.dataType() != DataType.DOUBLE || gradient.length() != flow.parameterCount()) {
            throw new IllegalArgumentException("the gradient must be a DOUBLE array of the flow's "
                    + flow.parameterCount() + " parameters, got " + gradient.dataType() + " of " + gradient.length());
        }
        gradient.assign(0.0);
        int batch = x.rows();
        double loss = run(flow, x, allPositions(batch), batch, noise, gradient);
        return new ObjectiveResult(loss, Double.NaN, 0, 0, gradient, 0, 0);
    }

    private static int[] allPositions(int batch) {
        int[] p = new int[batch];
        for (int i = 0; i < batch; i++) {
            p[i] = i;
        }
        return p;
    }

    /**
     * The loss of rows x under draws from {@code noise}, in batches of at most
     * {@link #MAX_OT_BATCH} (each coupled on its own), without gradients: the validation loss.
     */
    public double loss(ContinuousNormalizingFlow flow, INDArray x, RandomGenerator noise) {
        long n = x.rows();
        double sum = 0;
        for (long start = 0; start < n; start += MAX_OT_BATCH) {
            long end = Math.min(n, start + MAX_OT_BATCH);
            INDArray part = x.get(
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(start, end),
                    org.nd4j.linalg.indexing.NDArrayIndex.all());
            sum += run(flow, part, allPositions((int) (end - start)), (int) (end - start), noise, null) * (end - start);
        }
        return sum / n;
    }

    /**
     * The loss terms of rows x, at {@code positions} of a batch of {@code batch} rows (draws made for
     * the whole batch, taken by position); their gradient into {@code gradient} (flow-shaped) when
     * not null.
     */
    private double run(
            ContinuousNormalizingFlow flow,
            INDArray x,
            int[] positions,
            int batch,
            RandomGenerator noise,
            INDArray gradient) {
        return run(flow, x, positions, batch, null, noise, gradient);
    }

    /**
     * The loss of rows x [batch, dim (+ contextDim)] whose base draws are given (reflow's pairs:
     * row b's path runs from {@code base[b]} to its data row, with no coupling), the times and
     * context dropout drawn from {@code noise}; its gradient (flow-shaped) into a new array.
     *
     * @param base {@code [batch * dim]}, row-major, in the flow's space
     */
    public ObjectiveResult evaluatePaired(
            ContinuousNormalizingFlow flow, INDArray x, double[] base, RandomGenerator noise) {
        int batch = x.rows();
        if (base.length != batch * flow.dim()) {
            throw new IllegalArgumentException(
                    batch + " rows need " + batch * flow.dim() + " base values, got " + base.length);
        }
        INDArray gradient = Nd4j.zeros(DataType.DOUBLE, flow.parameterCount());
        double loss = run(flow, x, allPositions(batch), batch, base.clone(), noise, gradient);
        return new ObjectiveResult(loss, Double.NaN, 0, 0, gradient, 0, 0);
    }

    private double run(
            ContinuousNormalizingFlow flow,
            INDArray x,
            int[] positions,
            int batch,
            double[] givenBase,
            RandomGenerator noise,
            INDArray gradient) {
        int dim = flow.dim();
        int cd = flow.contextDim();
        INDArray[] xc = flow.splitRows(x, "x");
        INDArray x1 = xc[0];
        double[] context = xc[1] == null ? null : NativeArrays.toArray(xc[1]);
        int rows = x1.rows();
        if (positions.length != rows) {
            throw new IllegalArgumentException(rows + " rows but " + positions.length + " positions");
        }
        if (otCoupling && batch > MAX_OT_BATCH) {
            throw new IllegalArgumentException(
                    "the OT coupling takes batches of at most " + MAX_OT_BATCH + " rows, got " + batch);
        }
        if (otCoupling && rows != batch) {
            throw new IllegalArgumentException(
                    "the OT coupling pairs a whole batch; it cannot be split across workers");
        }
        double[] data = NativeArrays.toArray(x1);
        double[] base = givenBase;
        if (base == null) {
            base = new double[batch * dim];
            for (int b = 0; b < batch; b++) {
                flow.base().draw(noise, 1.0, base, b * dim, dim);
            }
        }
        if (otCoupling && givenBase == null) {
            base = context == null
                    ? coupled(base, data, batch, dim)
                    : coupledWithinContexts(base, data, context, batch, dim, cd);
        }
        double[] tau = new double[batch];
        for (int b = 0; b < batch; b++) {
            tau[b] = timeSampling.draw(noise);
        }
        boolean[] dropped = null;
        if (contextDropout > 0) {
            if (!flow.learnsUnconditional()) {
                throw new IllegalArgumentException("context dropout trains the unconditional field beside the "
                        + "conditional one: the flow must be built to learn it (a conditional flow with "
                        + "learnsUnconditional)");
            }
            dropped = new boolean[batch];
            for (int b = 0; b < batch; b++) {
                dropped[b] = noise.nextDouble() < contextDropout;
            }
        }
        int blocks = flow.blockCount();
        double[] start = new double[blocks + 1];
        for (int k = 0; k < blocks; k++) {
            start[k + 1] = start[k] + flow.endTime(k);
        }
        double span = start[blocks];
        // rows of each block, in the order given
        int[] blockOf = new int[rows];
        int[] size = new int[blocks];
        double[] s = new double[rows];
        for (int b = 0; b < rows; b++) {
            int p = positions[b];
            if (p < 0 || p >= batch) {
                throw new IllegalArgumentException("position " + p + " is outside a batch of " + batch);
            }
            s[b] = span * (1 - tau[p]);
            int k = 0;
            while (k < blocks - 1 && s[b] >= start[k + 1]) {
                k++;
            }
            blockOf[b] = k;
            size[k]++;
        }
        double scale = 1.0 / ((double) batch * dim);
        double loss = 0;
        for (int k = 0; k < blocks; k++) {
            int n = size[k];
            if (n == 0) {
                continue;
            }
            double[] t = new double[n];
            double[] xt = new double[n * dim];
            double[] u = new double[n * dim];
            int bound = flow.boundContextDim();
            double[] ck = context == null ? null : new double[n * bound];
            for (int b = 0, r = 0; b < rows; b++) {
                if (blockOf[b] != k) {
                    continue;
                }
                int p = positions[b];
                t[r] = s[b] - start[k];
                double a = 1 - (1 - sigmaMin) * tau[p];
                for (int j = 0; j < dim; j++) {
                    double z0 = base[p * dim + j];
                    double z1 = data[b * dim + j];
                    xt[r * dim + j] = a * z0 + tau[p] * z1;
                    u[r * dim + j] = z1 - (1 - sigmaMin) * z0;
                }
                if (ck != null && (dropped == null || !dropped[p])) {
                    System.arraycopy(context, b * cd, ck, r * bound, cd);
                    if (bound > cd) {
                        ck[r * bound + cd] = 1;
                    }
                }
                r++;
            }
            // the residual S f + u of each row gives its loss and its cotangent 2 S residual / (B D)
            double[] chunkLoss = new double[n];
            RowCotangent residual = (first, count, f, v) -> {
                for (int r = 0; r < count; r++) {
                    double sq = 0;
                    for (int j = 0; j < dim; j++) {
                        int i = r * dim + j;
                        double res = span * f[i] + u[(first + r) * dim + j];
                        sq += res * res;
                        v[i] = 2 * span * res * scale;
                    }
                    chunkLoss[first + r] = sq * scale;
                }
            };
            Dynamics block = flow.block(k);
            if (ck != null) {
                block.setContext(Nd4j.createFromArray(ck).reshape(n, bound));
            }
            try {
                if (gradient != null) {
                    // the block's slice of the flow's gradient, written in place
                    block.backwardAtTimes(
                            t,
                            xt,
                            residual,
                            gradient.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(
                                    flow.blockOffset(k), flow.blockOffset(k) + block.parameterCount())));
                } else {
                    INDArray f = Nd4j.create(DataType.DOUBLE, n, dim);
                    block.forwardAtTimes(t, Nd4j.createFromArray(xt).reshape(n, dim), f);
                    residual.compute(0, n, NativeArrays.toArray(f), new double[n * dim]);
                }
            } finally {
                if (ck != null) {
                    block.setContext(null);
                }
            }
            for (double l : chunkLoss) {
                loss += l;
            }
        }
        return loss;
    }

    /**
     * {@link #coupled} within each group of rows with the same context (compared exactly): the
     * group's base draws reordered among its own rows.
     */
    static double[] coupledWithinContexts(double[] base, double[] data, double[] context, int batch, int dim, int cd) {
        java.util.Map<java.util.List<Double>, java.util.List<Integer>> groups = new java.util.LinkedHashMap<>();
        for (int b = 0; b < batch; b++) {
            java.util.List<Double> key = new java.util.ArrayList<>(cd);
            for (int i = 0; i < cd; i++) {
                key.add(context[b * cd + i]);
            }
            groups.computeIfAbsent(key, k -> new java.util.ArrayList<>()).add(b);
        }
        double[] out = base.clone();
        for (java.util.List<Integer> rows : groups.values()) {
            int m = rows.size();
            if (m < 2) {
                continue;
            }
            double[] gb = new double[m * dim];
            double[] gd = new double[m * dim];
            for (int i = 0; i < m; i++) {
                System.arraycopy(base, rows.get(i) * dim, gb, i * dim, dim);
                System.arraycopy(data, rows.get(i) * dim, gd, i * dim, dim);
            }
            double[] paired = coupled(gb, gd, m, dim);
            for (int i = 0; i < m; i++) {
                System.arraycopy(paired, i * dim, out, rows.get(i) * dim, dim);
            }
        }
        return out;
    }

    /** The base draws reordered so that row b is the one the optimal assignment pairs with data row b. */
    static double[] coupled(double[] base, double[] data, int batch, int dim) {
        double[] cost = new double[batch * batch];
        for (int i = 0; i < batch; i++) {
            for (int j = 0; j < batch; j++) {
                double c = 0;
                for (int d = 0; d < dim; d++) {
                    double diff = base[i * dim + d] - data[j * dim + d];
                    c += diff * diff;
                }
                cost[i * batch + j] = c;
            }
        }
        int[] match = OptimalAssignment.solve(cost, batch);
        double[] out = new double[base.length];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(base, i * dim, out, match[i] * dim, dim);
        }
        return out;
    }
}
