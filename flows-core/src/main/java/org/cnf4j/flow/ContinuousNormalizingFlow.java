package org.cnf4j.flow;

import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.random.RandomGenerator;
import org.cnf4j.linalg.KernelSelection;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.nn.LayerType;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.nn.MlpDynamics;
import org.cnf4j.ode.OdeSolution;
import org.cnf4j.ode.OdeSolver;
import org.cnf4j.ode.SolverStats;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A continuous normalizing flow (Chen et al. 2018; Grathwohl et al. 2019, FFJORD): a chain of
 * blocks, each moving points along {@code dz/dt = f_k(z, t)} for t from 0 to its end time T_k,
 * from data x (block 0 first) to the latent z, whose base distribution is the standard normal.
 *
 * <p>Sign convention: each block integrates {@code delta} with {@code d delta/dt = -tr(df/dz)}
 * from delta(0) = 0, so {@code log p(x) = log N(z(T); 0, I) - sum_k delta_k(T_k)}; for
 * f = A z this is {@code log N(e^{AT} x) + T tr(A)}.
 *
 * <p>All trainable numbers live in one flat DOUBLE array {@link #parameters()}: each block's
 * network parameters in block order, then one entry per block holding sqrt(T_k) (FFJORD's
 * parameterisation, so T stays positive when trained). Evaluation integrates with
 * {@link #solver()} and estimates traces with {@link #traceEstimator()} (exact by default when it
 * costs at most {@link #EXACT_TRACE_COST_FACTOR} times Hutchinson's estimate). Not thread-safe.
 *
 * <p>A conditional flow ({@link #contextDim()} above zero) models p(x | c): its blocks are
 * conditional dynamics f_k(z, t, c) and the context c of a row stays fixed along its path. Its
 * methods take the context with the points, either as a second array ({@link #logProb(INDArray,
 * INDArray)}, {@link #sample(INDArray, long)}) or as joint rows {@code [x | c]} of
 * {@link #inputColumns()} columns wherever a method takes rows (how the training data and the
 * scoring loop carry it). The trace is over x only.
 */
public final class ContinuousNormalizingFlow {

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private final int dim;
    private final int contextDim;
    private final boolean learnsUnconditional;
    private final List<Dynamics> blocks;
    private final INDArray parameters;
    private final long[] blockOffset;
    private final boolean trainEndTime;
    private SolverConfig solver;
    private TraceEstimator traceEstimator;
    private long seed;
    private BaseDistribution base = StandardNormal.INSTANCE;
    private OdeSolver densitySolver;
    private OdeSolver velocitySolver;
    private final org.cnf4j.ode.StateViews.Cache views = new org.cnf4j.ode.StateViews.Cache();

    /**
     * A flow over the given blocks; their parameters are gathered into one flat array.
     *
     * @param blocks dynamics, applied from data to latent, all of the same dimension
     * @param endTimes T_k per block, positive
     * @param trainEndTime whether training also fits the end times
     * @param solver integration settings
     * @param traceEstimator estimator for evaluation
     * @param seed seed of evaluation noise (Hutchinson probes) and sampling defaults
     */
    public ContinuousNormalizingFlow(
            List<Dynamics> blocks,
            double[] endTimes,
            boolean trainEndTime,
            SolverConfig solver,
            TraceEstimator traceEstimator,
            long seed) {
        this(blocks, endTimes, trainEndTime, solver, traceEstimator, seed, false);
    }

    /**
     * A flow as {@link #ContinuousNormalizingFlow(List, double[], boolean, SolverConfig,
     * TraceEstimator, long)}; with {@code learnsUnconditional} its conditional blocks take one
     * context value more than the flow's context, an indicator that is 1 for a given context and 0
     * (with the context zero) for none, so the same network also holds the unconditional field.
     */
    public ContinuousNormalizingFlow(
            List<Dynamics> blocks,
            double[] endTimes,
            boolean trainEndTime,
            SolverConfig solver,
            TraceEstimator traceEstimator,
            long seed,
            boolean learnsUnconditional) {
        if (blocks.isEmpty() || blocks.size() != endTimes.length) {
            throw new IllegalArgumentException("need one end time per block and at least one block");
        }
        if (learnsUnconditional && blocks.get(0).contextDim() < 2) {
            throw new IllegalArgumentException("a flow that learns the unconditional field too needs conditional "
                    + "blocks with the indicator: a context of at least 2 values, got "
                    + blocks.get(0).contextDim());
        }
        this.learnsUnconditional = learnsUnconditional;
        this.dim = blocks.get(0).dim();
        this.contextDim = blocks.get(0).contextDim() - (learnsUnconditional ? 1 : 0);
        this.blockOffset = new long[blocks.size() + 1];
        for (int k = 0; k < blocks.size(); k++) {
            if (blocks.get(k).dim() != dim) {
                throw new IllegalArgumentException(
                        "block " + k + " has dimension " + blocks.get(k).dim() + ", block 0 has " + dim);
            }
            if (blocks.get(k).contextDim() != blocks.get(0).contextDim()) {
                throw new IllegalArgumentException(
                        "block " + k + " takes a context of " + blocks.get(k).contextDim() + ", block 0 of "
                                + blocks.get(0).contextDim());
            }
            if (!(endTimes[k] > 0) || Double.isInfinite(endTimes[k])) {
                throw new IllegalArgumentException("end times must be positive and finite, got " + endTimes[k]);
            }
            blockOffset[k + 1] = blockOffset[k] + blocks.get(k).parameterCount();
        }
        this.blocks = Collections.unmodifiableList(new ArrayList<>(blocks));
        this.parameters = Nd4j.zeros(DataType.DOUBLE, blockOffset[blocks.size()] + blocks.size());
        for (int k = 0; k < blocks.size(); k++) {
            blocks.get(k).bindParameters(blockParameters(k));
            parameters.putScalar(endTimeIndex(k), Math.sqrt(endTimes[k]));
        }
        this.trainEndTime = trainEndTime;
        this.solver = solver;
        this.traceEstimator = traceEstimator;
        this.seed = seed;
    }

    /** A builder for a flow of built-in {@link MlpDynamics} blocks. */
    public static Builder builder(int dim) {
        return new Builder(dim);
    }

    /**
     * How many times the cost of Hutchinson's estimate the exact trace may cost and still be the
     * default for evaluation: a single-probe estimate has a standard deviation of about
     * sqrt(2) ||J||_F per row and step (several nats on 30-D data), and matching the exact value
     * to a few hundredths of a nat would take about as many probes as the exact trace costs.
     */
    public static final double EXACT_TRACE_COST_FACTOR = 40;

    /**
     * The default evaluation estimator for built-in dynamics of dimension {@code dim}: exact when
     * its cost ({@link Dynamics#traceCost} with dim probes) is within
     * {@link #EXACT_TRACE_COST_FACTOR} times that of Hutchinson's estimate (one probe), which for
     * networks whose probes each cost one pass is up to 79 dimensions; Hutchinson (Gaussian) above.
     */
    public static TraceEstimator defaultEvaluationEstimator(int dim) {
        return (1.0 + dim) / 2.0 <= EXACT_TRACE_COST_FACTOR ? TraceEstimator.exact() : TraceEstimator.hutchinson();
    }

    /**
     * The default evaluation estimator of this flow's blocks: exact when the exact trace of every
     * block together costs at most {@link #EXACT_TRACE_COST_FACTOR} times Hutchinson's estimate,
     * by {@link Dynamics#traceCost}; Hutchinson (Gaussian) otherwise.
     */
    public TraceEstimator defaultEvaluationEstimator() {
        double exact = 0;
        double hutchinson = 0;
        for (Dynamics b : blocks) {
            exact += b.traceCost(dim);
            hutchinson += b.traceCost(1);
        }
        return exact <= EXACT_TRACE_COST_FACTOR * hutchinson ? TraceEstimator.exact() : TraceEstimator.hutchinson();
    }

    /** Length of the context vector of a conditional flow; 0 for an unconditional one. */
    public int contextDim() {
        return contextDim;
    }

    /**
     * Whether the network also holds the unconditional field f(z, t), selected by a context
     * indicator (trained by flow matching with context dropout): what classifier-free guidance
     * ({@link #decodeGuided}) needs.
     */
    public boolean learnsUnconditional() {
        return learnsUnconditional;
    }

    /** Context values the blocks take: {@link #contextDim()}, plus the indicator when {@link #learnsUnconditional()}. */
    public int boundContextDim() {
        return contextDim + (learnsUnconditional ? 1 : 0);
    }

    /** Columns of a joint row {@code [x | c]}: {@code dim() + contextDim()}. */
    public int inputColumns() {
        return dim + contextDim;
    }

    /**
     * Checks joint rows [n, dim + contextDim] (finite) and splits them into x [n, dim] and c
     * [n, contextDim] (null for an unconditional flow), contiguous DOUBLE copies.
     *
     * @param what how to call the rows in messages
     */
    public INDArray[] splitRows(INDArray rows, String what) {
        return split(checkedRows(rows, what));
    }

    /** Joint rows checked for shape and finiteness, as a contiguous DOUBLE array. */
    private INDArray checkedRows(INDArray rows, String what) {
        return Inputs.requireFiniteMatrix(rows, inputColumns(), contextDim > 0 ? what + " with its context" : what);
    }

    /** Checked joint rows split into x and c (null when unconditional). */
    private INDArray[] split(INDArray all) {
        if (contextDim == 0) {
            return new INDArray[] {all, null};
        }
        return new INDArray[] {
            all.get(NDArrayIndex.all(), NDArrayIndex.interval(0, dim)).dup('c'),
            all.get(NDArrayIndex.all(), NDArrayIndex.interval(dim, dim + contextDim))
                    .dup('c')
        };
    }

    /** Joint rows [x | c] of points [n, dim] and their contexts [n, contextDim] (x itself when c is null). */
    public INDArray jointRows(INDArray x, INDArray c) {
        if (c == null) {
            if (contextDim > 0) {
                throw new IllegalArgumentException(
                        "this flow is conditional: give a context of " + contextDim + " values for every row");
            }
            return x;
        }
        if (contextDim == 0) {
            throw new IllegalArgumentException("this flow is not conditional: it takes no context");
        }
        if (c.rank() != 2 || c.columns() != contextDim || c.rows() != x.rows()) {
            throw new IllegalArgumentException("context must have shape [" + x.rows() + ", " + contextDim + "], got "
                    + java.util.Arrays.toString(c.shape()));
        }
        return Nd4j.hstack(x.castTo(DataType.DOUBLE), c.castTo(DataType.DOUBLE));
    }

    /**
     * Runs {@code body} with the contexts c [n, contextDim] bound to every block (the rows of the
     * calls it makes must be those n rows), unbinding them afterwards; an unconditional flow
     * (c null) just runs it.
     */
    public <T> T withContext(INDArray c, java.util.function.Supplier<T> body) {
        if (c == null) {
            return body.get();
        }
        INDArray bound = bindable(c, true);
        for (Dynamics b : blocks) {
            b.setContext(bound);
        }
        try {
            return body.get();
        } finally {
            for (Dynamics b : blocks) {
                b.setContext(null);
            }
        }
    }

    /**
     * What the blocks are bound to for contexts c [n, contextDim]: c itself, or with the indicator
     * column ({@code present}: c and 1; otherwise zeros and 0) when the flow learns the unconditional
     * field too.
     */
    private INDArray bindable(INDArray c, boolean present) {
        if (!learnsUnconditional) {
            return c;
        }
        INDArray out = Nd4j.zeros(DataType.DOUBLE, c.rows(), contextDim + 1);
        if (present) {
            out.get(NDArrayIndex.all(), NDArrayIndex.interval(0, contextDim)).assign(c);
            out.get(NDArrayIndex.all(), NDArrayIndex.point(contextDim)).assign(1.0);
        }
        return out;
    }

    /**
     * Decodes latent z [n, dim] along the guided field {@code (1 - w) f(z, t) + w f(z, t, c)} of
     * classifier-free guidance (Ho and Salimans 2022): w = 1 is the conditional flow, w = 0 the
     * unconditional one, w above 1 pushes samples towards what distinguishes c. The guided field
     * is not the velocity of a density the flow defines, so no log-density comes with it.
     *
     * @param c contexts [n, contextDim] in the flow's space
     * @throws IllegalArgumentException when the flow does not {@link #learnsUnconditional()}
     */
    public FlowResult decodeGuided(INDArray z, INDArray c, double w) {
        if (!learnsUnconditional) {
            throw new IllegalArgumentException("guidance needs a flow that learned the unconditional field too "
                    + "(trained by flow matching with context dropout)");
        }
        if (!Double.isFinite(w)) {
            throw new IllegalArgumentException("the guidance weight must be finite, got " + w);
        }
        INDArray x = Inputs.requireFiniteMatrix(z, dim, "z");
        INDArray cc = Inputs.requireFiniteMatrix(c, contextDim, "c");
        if (cc.rows() != x.rows()) {
            throw new IllegalArgumentException("context must have shape [" + x.rows() + ", " + contextDim + "], got "
                    + java.util.Arrays.toString(c.shape()));
        }
        int n = x.rows();
        // w = 1 is the conditional field alone; otherwise both fields in one call: the rows twice,
        // the first n at their contexts, the next n at none, bound once for the whole solve
        INDArray bound = w == 1 ? bindable(cc, true) : Nd4j.vstack(bindable(cc, true), bindable(cc, false));
        INDArray twice = w == 1 ? null : Nd4j.create(DataType.DOUBLE, 2L * n, dim);
        INDArray both = w == 1 ? null : Nd4j.create(DataType.DOUBLE, 2L * n, dim);
        SolverStats stats = SolverStats.ZERO;
        for (int k = blocks.size() - 1; k >= 0; k--) {
            Dynamics f = blocks.get(k);
            org.cnf4j.ode.OdeSystem guided = w == 1
                    ? f::forward
                    : (t, y, dydt) -> {
                        twice.get(NDArrayIndex.interval(0, n), NDArrayIndex.all())
                                .assign(y);
                        twice.get(NDArrayIndex.interval(n, 2L * n), NDArrayIndex.all())
                                .assign(y);
                        f.forward(t, twice, both);
                        dydt.assign(both.get(NDArrayIndex.interval(0, n), NDArrayIndex.all()))
                                .muli(w)
                                .addi(both.get(NDArrayIndex.interval(n, 2L * n), NDArrayIndex.all())
                                        .mul(1 - w));
                    };
            f.setContext(bound);
            try {
                OdeSolution sol = velocitySolver().solve(guided, endTime(k), 0, x);
                x = sol.finalState();
                stats = stats.plus(sol.stats());
            } finally {
                f.setContext(null);
            }
        }
        return new FlowResult(x, stats);
    }

    /** Data dimension. */
    public int dim() {
        return dim;
    }

    /** Number of blocks. */
    public int blockCount() {
        return blocks.size();
    }

    /** The dynamics of block k. */
    public Dynamics block(int k) {
        return blocks.get(k);
    }

    /** All blocks, data side first. */
    public List<Dynamics> blocks() {
        return blocks;
    }

    /** The flat array [P_1 + ... + P_K + K] of every block's parameters and the sqrt end times. */
    public INDArray parameters() {
        return parameters;
    }

    /** Total number of entries of {@link #parameters()}. */
    public long parameterCount() {
        return parameters.length();
    }

    /** Number of network parameters (without the end times). */
    public long networkParameterCount() {
        return blockOffset[blocks.size()];
    }

    /** Offset of block k's network parameters in {@link #parameters()}. */
    public long blockOffset(int k) {
        return blockOffset[k];
    }

    /** The view of {@link #parameters()} holding block k's network parameters. */
    public INDArray blockParameters(int k) {
        return parameters.get(NDArrayIndex.interval(blockOffset[k], blockOffset[k + 1]));
    }

    /** Index in {@link #parameters()} of sqrt(T_k). */
    public long endTimeIndex(int k) {
        return blockOffset[blocks.size()] + k;
    }

    /** End time T_k of block k. */
    public double endTime(int k) {
        double s = parameters.getDouble(endTimeIndex(k));
        return s * s;
    }

    /** Sets T_k. */
    public void setEndTime(int k, double t) {
        if (!(t > 0) || Double.isInfinite(t)) {
            throw new IllegalArgumentException("end time must be positive and finite, got " + t);
        }
        parameters.putScalar(endTimeIndex(k), Math.sqrt(t));
    }

    /** Whether training fits the end times. */
    public boolean trainsEndTime() {
        return trainEndTime;
    }

    /** Integration settings for evaluation. */
    public SolverConfig solver() {
        return solver;
    }

    /** Changes the integration settings (e.g. tighter tolerances for evaluation). */
    public void setSolver(SolverConfig config) {
        this.solver = config;
        this.densitySolver = null;
        this.velocitySolver = null;
    }

    /**
     * Sets the precision of the matrix products of every built-in network block ({@link MlpDynamics});
     * other dynamics keep their own arithmetic. Applies to evaluation and training alike and is not
     * stored in model files.
     */
    public void setMatrixPrecision(MatrixPrecision precision) {
        for (Dynamics d : blocks) {
            if (d instanceof MlpDynamics m) {
                m.setPrecision(precision);
            }
        }
    }

    /**
     * Has the kernels of every network block measured now (once per JVM) and takes the chosen paths
     * from the next call on, instead of after a couple of seconds of work (see
     * {@link MlpDynamics}); for callers that know a long run follows, e.g. training to a time budget.
     */
    public void chooseKernels() {
        for (Dynamics d : blocks) {
            if (d instanceof MlpDynamics m) {
                m.chooseKernels();
            }
        }
    }

    /**
     * Fixes the network blocks' kernels for a run of about {@code rowPasses} network rows (forward-pass
     * equivalents): measured and chosen ({@link #chooseKernels}) when that work passes
     * {@link KernelSelection#CALIBRATION_WORK} multiply-adds, else the plain products for good
     * ({@link MlpDynamics#keepPlainKernels}). The same arguments give the same kernels in every run.
     *
     * @return whether the kernels were measured and chosen
     */
    public boolean settleKernels(double rowPasses) {
        long multiplyAdds = 0;
        for (Dynamics d : blocks) {
            if (d instanceof MlpDynamics m) {
                multiplyAdds += m.multiplyAddsPerSample();
            }
        }
        if (rowPasses * multiplyAdds >= KernelSelection.CALIBRATION_WORK) {
            chooseKernels();
            return true;
        }
        for (Dynamics d : blocks) {
            if (d instanceof MlpDynamics m) {
                m.keepPlainKernels();
            }
        }
        return false;
    }

    /** The trace estimator used for evaluation. */
    public TraceEstimator traceEstimator() {
        return traceEstimator;
    }

    /** Changes the evaluation trace estimator. */
    public void setTraceEstimator(TraceEstimator estimator) {
        this.traceEstimator = estimator;
    }

    /** Seed of evaluation noise. */
    public long seed() {
        return seed;
    }

    /** Changes the seed of evaluation noise. */
    public void setSeed(long newSeed) {
        this.seed = newSeed;
    }

    /** The distribution of the latent z = x(T) ({@link StandardNormal} unless set). */
    public BaseDistribution base() {
        return base;
    }

    /**
     * Sets the distribution of the latent: log p(x) = log q(z) + the integrated trace, and
     * samples start from q.
     *
     * @throws IllegalArgumentException for a mixture of another dimension, or a mixture on a
     *     conditional flow (whose latent is N(0, I) for every context)
     */
    public void setBase(BaseDistribution newBase) {
        if (newBase instanceof GaussianMixtureBase m) {
            if (m.dim() != dim) {
                throw new IllegalArgumentException("a base mixture of " + m.dim() + " dimensions for a flow of " + dim);
            }
            if (contextDim > 0) {
                throw new IllegalArgumentException(
                        "a conditional flow's base is N(0, I) for every context; it takes no " + "mixture");
            }
        }
        this.base = java.util.Objects.requireNonNull(newBase, "base");
    }

    /** log N(z; 0, I) per row of a contiguous DOUBLE [n, dim] array, in nats. */
    public static INDArray standardNormalLogDensity(INDArray z) {
        int n = z.rows();
        int d = z.columns();
        INDArray out = Nd4j.create(DataType.DOUBLE, n);
        DoubleBuffer zb = NativeArrays.doubles(z);
        DoubleBuffer o = NativeArrays.doubles(out);
        for (int b = 0, i = 0; b < n; b++) {
            double s = 0;
            for (int j = 0; j < d; j++, i++) {
                s += zb.get(i) * zb.get(i);
            }
            o.put(b, -0.5 * s - 0.5 * d * LOG_2PI);
        }
        return out;
    }

    /**
     * log p(x) for every row (the base log-density of the latent minus the integrated trace). With
     * a stochastic trace each row draws its probes from its own stream, keyed by the flow's seed and
     * the row's values ("evaluation-noise"), so a row's estimate does not depend on which rows
     * share its solve beyond the adaptive step sizes (within the solver tolerance).
     *
     * @param x data [n, dim], finite
     * @throws IllegalArgumentException for a wrong column count or a non-finite value, naming
     *     the row and column; nothing is solved then
     */
    public LogProbResult logProb(INDArray x) {
        INDArray all = checkedRows(x, "x");
        INDArray[] xc = split(all);
        INDArray z = xc[0];
        if (traceEstimator.isExact()) {
            return solveLogProb(z, xc[1], ProbeSource.sequential(RandomStreams.stream(seed, "evaluation-noise")));
        }
        int width = inputColumns();
        double[] v = NativeArrays.toArray(all);
        int n = z.rows();
        RandomGenerator[] rows = new RandomGenerator[n];
        for (int b = 0; b < n; b++) {
            long key = 0x632be59bd9b4e019L;
            for (int j = 0; j < width; j++) {
                key = key * 0x9e3779b97f4a7c15L + Double.doubleToLongBits(v[b * width + j]);
            }
            rows[b] = RandomStreams.stream(seed, "evaluation-noise", key);
        }
        return solveLogProb(z, xc[1], ProbeSource.perRow(rows));
    }

    /**
     * log p(x | c) for every row of a conditional flow: x [n, dim], c [n, contextDim], both in the
     * flow's space; the same as {@link #logProb(INDArray)} of the joint rows [x | c].
     */
    public LogProbResult logProb(INDArray x, INDArray c) {
        return logProb(jointRows(x, c));
    }

    /** log p(x) for every row, drawing trace probes (one set per block) from {@code noise}. */
    public LogProbResult logProb(INDArray x, RandomGenerator noise) {
        return logProb(x, ProbeSource.sequential(noise));
    }

    /** log p(x) for every row, with trace probes from {@code probes}. */
    public LogProbResult logProb(INDArray x, ProbeSource probes) {
        INDArray[] xc = splitRows(x, "x");
        return solveLogProb(xc[0], xc[1], probes);
    }

    /** The density solve of checked rows z with their contexts c (null when unconditional). */
    private LogProbResult solveLogProb(INDArray z, INDArray c, ProbeSource probes) {
        DensityChain.Result r = withContext(
                c,
                () -> DensityChain.solve(this, z, true, traceEstimator, probes, densitySolver(), false, views, null));
        INDArray logp = base.logDensity(r.out()).subi(Nd4j.createFromArray(r.delta()));
        return new LogProbResult(logp, r.out(), r.stats());
    }

    /** Maps data x [n, dim] (joint rows [x | c] when conditional) to the latent z (blocks in order, t from 0 to T_k). */
    public FlowResult encode(INDArray x) {
        INDArray[] xc = splitRows(x, "x");
        return withContext(xc[1], () -> encodeBound(xc[0]));
    }

    private FlowResult encodeBound(INDArray z) {
        SolverStats stats = SolverStats.ZERO;
        for (int k = 0; k < blocks.size(); k++) {
            Dynamics f = blocks.get(k);
            OdeSolution sol = velocitySolver().solve(f::forward, 0, endTime(k), z);
            z = sol.finalState();
            stats = stats.plus(sol.stats());
        }
        return new FlowResult(z, stats);
    }

    /**
     * Maps latent z [n, dim] (joint rows [z | c] when conditional) to data space (blocks in
     * reverse, t from T_k to 0).
     */
    public FlowResult decode(INDArray z) {
        INDArray[] zc = splitRows(z, "z");
        return withContext(zc[1], () -> decodeBound(zc[0]));
    }

    private FlowResult decodeBound(INDArray x) {
        SolverStats stats = SolverStats.ZERO;
        for (int k = blocks.size() - 1; k >= 0; k--) {
            Dynamics f = blocks.get(k);
            OdeSolution sol = velocitySolver().solve(f::forward, endTime(k), 0, x);
            x = sol.finalState();
            stats = stats.plus(sol.stats());
        }
        return new FlowResult(x, stats);
    }

    /**
     * Maps latent z to data space and integrates the log-density along (as FFJORD does when it
     * samples): each block solves [x, delta] from T_k to 0 with delta(T_k) = 0 and
     * d delta/dt = -tr(df/dz), so {@code log p(x) = log q(z) + sum_k delta_k(0)} ({@link #base()}). Trace
     * probes are drawn from {@code noise}.
     */
    public FlowResult decodeWithLogProb(INDArray z, RandomGenerator noise) {
        return decodeWithLogProb(z, ProbeSource.sequential(noise));
    }

    /** {@link #decodeWithLogProb(INDArray, RandomGenerator)} with trace probes from {@code probes}. */
    public FlowResult decodeWithLogProb(INDArray z, ProbeSource probes) {
        INDArray[] zc = splitRows(z, "z");
        INDArray x = zc[0];
        DensityChain.Result r = withContext(
                zc[1],
                () -> DensityChain.solve(this, x, false, traceEstimator, probes, densitySolver(), false, views, null));
        INDArray logp = base.logDensity(x).addi(Nd4j.createFromArray(r.delta()));
        return new FlowResult(r.out(), logp, r.stats());
    }

    /** Draws n points: z from {@link #base()} (the stream "base" of {@code sampleSeed}), decoded. */
    public FlowResult sample(int n, long sampleSeed) {
        if (n < 1) {
            throw new IllegalArgumentException("number of samples must be positive, got " + n);
        }
        if (contextDim > 0) {
            throw new IllegalArgumentException(
                    "this flow is conditional: give one context per sample, sample(c, seed)");
        }
        return decode(base.draw(n, dim, RandomStreams.stream(sampleSeed, "base")));
    }

    /**
     * Draws one point from p(x | c_b) for every row of c [n, contextDim] (flow's space): z ~ N(0, I)
     * from the stream "base" of {@code sampleSeed}, decoded with its row's context.
     */
    public FlowResult sample(INDArray c, long sampleSeed) {
        INDArray z = standardNormal(c.rows(), dim, RandomStreams.stream(sampleSeed, "base"));
        return decode(jointRows(z, c));
    }

    /** An [n, dim] DOUBLE array of standard normal draws. */
    public static INDArray standardNormal(int n, int dim, RandomGenerator random) {
        INDArray z = Nd4j.create(DataType.DOUBLE, n, dim);
        DoubleBuffer b = NativeArrays.doubles(z);
        for (int i = 0; i < n * dim; i++) {
            b.put(i, random.nextGaussian());
        }
        return z;
    }

    private OdeSolver densitySolver() {
        if (densitySolver == null) {
            densitySolver = solver.newSolver();
        }
        return densitySolver;
    }

    private OdeSolver velocitySolver() {
        if (velocitySolver == null) {
            velocitySolver = solver.newSolver();
        }
        return velocitySolver;
    }

    @Override
    public String toString() {
        return "ContinuousNormalizingFlow(dim=" + dim + (contextDim > 0 ? ", context=" + contextDim : "") + ", blocks="
                + blocks.size() + ", " + blocks.get(0).describe() + ", " + solver + ", trace=" + traceEstimator + ")";
    }

    /** Builds a flow of {@link MlpDynamics} blocks; defaults follow FFJORD's toy setup. */
    public static final class Builder {
        private final int dim;
        private int[] hidden = {64, 64, 64};
        private LayerType layerType = LayerType.CONCAT_SQUASH;
        private Activation activation = Activation.TANH;
        private int blocks = 1;
        private double endTime = 0.5;
        private boolean trainEndTime = true;
        private SolverConfig solver = SolverConfig.defaults();
        private TraceEstimator traceEstimator;
        private long seed;
        private int contextDim;
        private boolean learnsUnconditional;

        Builder(int dim) {
            if (dim < 1) {
                throw new IllegalArgumentException("dimension must be positive, got " + dim);
            }
            this.dim = dim;
        }

        /** Hidden layer widths (default 64, 64, 64). */
        public Builder hiddenDims(int... widths) {
            this.hidden = widths.clone();
            return this;
        }

        /** Layer type (default concatsquash). */
        public Builder layerType(LayerType type) {
            this.layerType = type;
            return this;
        }

        /** Activation (default tanh). */
        public Builder activation(Activation act) {
            this.activation = act;
            return this;
        }

        /** Number of blocks (default 1). */
        public Builder blocks(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("need at least one block");
            }
            this.blocks = count;
            return this;
        }

        /** Initial end time T of every block (default 0.5). */
        public Builder endTime(double t) {
            this.endTime = t;
            return this;
        }

        /** Whether training fits T (default true, as FFJORD's --train_T). */
        public Builder trainEndTime(boolean train) {
            this.trainEndTime = train;
            return this;
        }

        /** Integration settings (default dopri5 at 1e-5). */
        public Builder solver(SolverConfig config) {
            this.solver = config;
            return this;
        }

        /** Evaluation trace estimator (default {@link #defaultEvaluationEstimator(int)}). */
        public Builder traceEstimator(TraceEstimator est) {
            this.traceEstimator = est;
            return this;
        }

        /** Length of the context vector of a conditional flow (default 0: unconditional). */
        public Builder contextDim(int c) {
            if (c < 0) {
                throw new IllegalArgumentException("context dimension must not be negative, got " + c);
            }
            this.contextDim = c;
            return this;
        }

        /**
         * Whether a conditional flow's network also learns the unconditional field (default false):
         * for flow matching with context dropout and classifier-free guidance.
         */
        public Builder learnsUnconditional(boolean learns) {
            this.learnsUnconditional = learns;
            return this;
        }

        /** Seed of initialisation (stream "init") and evaluation noise. */
        public Builder seed(long s) {
            this.seed = s;
            return this;
        }

        /** The flow, with freshly initialised parameters. */
        public ContinuousNormalizingFlow build() {
            int[] dims = new int[hidden.length + 2];
            dims[0] = dim;
            System.arraycopy(hidden, 0, dims, 1, hidden.length);
            dims[dims.length - 1] = dim;
            RandomGenerator init = RandomStreams.stream(seed, "init");
            List<Dynamics> nets = new ArrayList<>();
            double[] times = new double[blocks];
            for (int k = 0; k < blocks; k++) {
                nets.add(MlpDynamics.create(
                        dims,
                        layerType,
                        activation,
                        contextDim + (learnsUnconditional && contextDim > 0 ? 1 : 0),
                        init));
                times[k] = endTime;
            }
            TraceEstimator est = traceEstimator != null ? traceEstimator : defaultEvaluationEstimator(dim);
            if (learnsUnconditional && contextDim == 0) {
                throw new IllegalArgumentException("only a conditional flow (contextDim > 0) learns an unconditional "
                        + "field beside its conditional one");
            }
            return new ContinuousNormalizingFlow(nets, times, trainEndTime, solver, est, seed, learnsUnconditional);
        }
    }
}
