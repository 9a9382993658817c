package org.cnf4j.sample;

import org.cnf4j.data.DataMemory;
import org.cnf4j.data.Standardizer;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.FlowResult;
import org.cnf4j.flow.ProbeSource;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.ode.SolverStats;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Draws samples from a model: z from the flow's base (N(0, temperature^2 I) for N(0, I); a mixture's
 * component, then its Gaussian's spread scaled by the temperature), sample i from the seed's stream ("base", i), decoded
 * through the flow, in chunks so that memory stays bounded however many are asked for
 * (1,000,000 is fine); optionally with each sample's log-density under the model, integrated
 * along the decode as FFJORD does. Values and log-densities are in the data's units. A seed
 * gives the same samples every time; with another chunk size the latent draws are the same and
 * the decoded values agree to the solver tolerance (adaptive steps depend on the whole chunk).
 */
public final class Sampler {

    /** Samples solved together by default. */
    public static final int DEFAULT_CHUNK = 10_000;

    private final DensityModel model;
    private final ContextSource contexts;
    private double guidance = Double.NaN;

    /**
     * The largest guidance weight: beyond it the guided field extrapolates so far past the
     * conditional one that samples leave the data (w = 1e6 put them near -1.8e6); weights below 0
     * push samples away from their context.
     */
    public static final double MAX_GUIDANCE = 20;

    /** A sampler for an unconditional model. */
    public Sampler(DensityModel model) {
        this(model, null);
    }

    /**
     * A sampler for a model, conditional or not: sample i of a conditional model is drawn at the
     * context {@code contexts} gives it (in the data's units); null for an unconditional model.
     *
     * @throws IllegalArgumentException when a conditional model has no contexts or an
     *     unconditional one has some
     */
    public Sampler(DensityModel model, ContextSource contexts) {
        if ((model.flow().contextDim() > 0) != (contexts != null)) {
            throw new IllegalArgumentException(
                    contexts == null
                            ? "the model is conditional: give the samples' contexts"
                            : "the model is not conditional: it takes no context");
        }
        this.model = model;
        this.contexts = contexts;
    }

    /**
     * Samples along the classifier-free guided field with weight w ({@link
     * ContinuousNormalizingFlow#decodeGuided}): for a conditional model that learned the
     * unconditional field too; a guided sample has no log-density.
     *
     * @return this
     */
    public Sampler guidance(double w) {
        if (contexts == null || !model.flow().learnsUnconditional()) {
            throw new IllegalArgumentException("guidance needs a conditional model that learned the unconditional "
                    + "field too (cnf train --context ... --context-dropout p)");
        }
        this.guidance = org.cnf4j.settings.SettingCheck.inClosed("guidance", w, 0, MAX_GUIDANCE);
        return this;
    }

    /** Receives the samples chunk by chunk, in order. */
    @FunctionalInterface
    public interface ChunkConsumer {
        /**
         * @param samples [chunk, dim] in the data's units
         * @param logProb [chunk] log-densities in nats, or null when not asked for
         */
        void accept(INDArray samples, INDArray logProb) throws java.io.IOException;
    }

    /** All samples of a call that keeps them in memory. */
    public record SampleResult(INDArray samples, INDArray logProb, SolverStats stats) {}

    /** n samples at temperature 1, without log-densities, in memory. */
    public SampleResult sample(int n, long seed) {
        return sample(n, seed, 1.0, false);
    }

    /**
     * Bytes of working memory one row of a chunk takes at most: the solver's stages and states of
     * (z, log p) and, per block's evaluation, the network's work for f and for each trace probe's
     * tangent (exact trace: one a dimension).
     */
    public long bytesPerChunkRow(boolean withLogProb) {
        int dim = model.dim();
        long network = 0;
        for (int k = 0; k < model.flow().blockCount(); k++) {
            network = Math.max(network, model.flow().block(k).workBytesPerRow());
        }
        int probes = !withLogProb ? 0 : model.flow().traceEstimator().isExact() ? dim : 1;
        return 8L * 24 * (dim + model.flow().contextDim() + 2) + network * (1 + probes);
    }

    /** The largest chunk whose working memory fits what the JVM allows ({@link DataMemory#workingLimitBytes}). */
    public int maxChunk(boolean withLogProb) {
        return (int) Math.max(
                1, Math.min(Integer.MAX_VALUE, DataMemory.workingLimitBytes() / bytesPerChunkRow(withLogProb)));
    }

    /** n samples in memory. */
    public SampleResult sample(int n, long seed, double temperature, boolean withLogProb) {
        DataMemory.check(
                (long) n * (model.dim() + (withLogProb ? 1 : 0)), DataMemory.limitBytes(), n + " samples", "they");
        INDArray[] all = new INDArray[2];
        int[] filled = {0};
        INDArray samples =
                org.nd4j.linalg.factory.Nd4j.create(org.nd4j.linalg.api.buffer.DataType.DOUBLE, n, model.dim());
        INDArray logp =
                withLogProb ? org.nd4j.linalg.factory.Nd4j.create(org.nd4j.linalg.api.buffer.DataType.DOUBLE, n) : null;
        all[0] = samples;
        all[1] = logp;
        SolverStats stats;
        try {
            stats = sample(
                    n,
                    seed,
                    temperature,
                    withLogProb,
                    DEFAULT_CHUNK,
                    (s, l) -> {
                        long from = filled[0];
                        long to = from + s.rows();
                        samples.get(
                                        org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to),
                                        org.nd4j.linalg.indexing.NDArrayIndex.all())
                                .assign(s);
                        if (logp != null) {
                            logp.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(from, to))
                                    .assign(l);
                        }
                        filled[0] = (int) to;
                    },
                    ProgressListener.NONE);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return new SampleResult(all[0], all[1], stats);
    }

    /** One chunk of samples: values [m, dim] and log-densities [m] (null when not asked for) in the data's units. */
    public record Chunk(INDArray samples, INDArray logProb, SolverStats stats) {}

    /**
     * Samples {@code first} to {@code first + m - 1}, solved together: z_i from the flow's base
     * ({@link org.cnf4j.flow.BaseDistribution#draw}: N(0, temperature^2 I) for N(0, I)) from the
     * seed's stream ("base", i), so sample i depends on the seed and i alone (and, to
     * the solver tolerance, on which samples share its solve); sample i's trace probes, when
     * log-densities are asked for, from the stream ("sample-noise", i). Any machine that draws the
     * same chunk gets the same values bit for bit.
     */
    public Chunk chunk(long first, int m, long seed, double temperature, boolean withLogProb) {
        ContinuousNormalizingFlow flow = model.flow();
        int dim = flow.dim();
        double[] values = new double[m * dim];
        for (int q = 0; q < m; q++) {
            flow.base().draw(RandomStreams.stream(seed, "base", first + q), temperature, values, q * dim, dim);
        }
        INDArray z = Nd4j.create(values, new long[] {m, dim}, DataType.DOUBLE);
        if (!Double.isNaN(guidance) && withLogProb) {
            throw new IllegalArgumentException("a guided sampler has no exact density: the guided field is not the "
                    + "velocity of a density the model defines; sample without log-densities, or without guidance");
        }
        INDArray cs = null;
        if (contexts != null) {
            int cd = flow.contextDim();
            double[] c = contexts.contexts(first, m);
            if (c.length != m * cd) {
                throw new IllegalArgumentException("contexts of " + cd + " values per sample needed, got " + c.length
                        + " values for " + m + " samples");
            }
            INDArray raw = Nd4j.create(c, new long[] {m, cd}, DataType.DOUBLE);
            cs = model.standardizer().tail(dim).transform(raw);
        }
        FlowResult r;
        if (!Double.isNaN(guidance)) {
            r = flow.decodeGuided(z, cs, guidance);
        } else if (withLogProb) {
            java.util.random.RandomGenerator[] probes = new java.util.random.RandomGenerator[m];
            for (int q = 0; q < m; q++) {
                probes[q] = RandomStreams.stream(seed, "sample-noise", first + q);
            }
            r = flow.decodeWithLogProb(flow.jointRows(z, cs), ProbeSource.perRow(probes));
        } else {
            r = flow.decode(flow.jointRows(z, cs));
        }
        Standardizer data = model.standardizer().head(flow.dim());
        INDArray logp = r.logProb() == null ? null : r.logProb().addi(data.logDetJacobian());
        return new Chunk(data.inverse(r.value()), logp, r.stats());
    }

    /**
     * Streams n samples to {@code out}, {@link #chunk} by chunk.
     *
     * @param temperature scale of the base noise (1 samples the model; below 1 concentrates)
     * @param withLogProb whether to integrate the log-density along
     * @param chunk samples solved together
     * @return the solver work over all chunks
     */
    public SolverStats sample(
            long n,
            long seed,
            double temperature,
            boolean withLogProb,
            int chunk,
            ChunkConsumer out,
            ProgressListener progress)
            throws java.io.IOException {
        if (n < 1) {
            throw new IllegalArgumentException("the number of samples must be positive, got " + n);
        }
        if (!(temperature > 0) || Double.isInfinite(temperature)) {
            throw new IllegalArgumentException("temperature must be positive and finite, got " + temperature);
        }
        if (chunk < 1) {
            throw new IllegalArgumentException("chunk size must be positive, got " + chunk);
        }
        int fits = maxChunk(withLogProb);
        if (Math.min(chunk, n) > fits) {
            throw new IllegalArgumentException(String.format(
                    java.util.Locale.ROOT,
                    "a chunk of %,d samples needs "
                            + "about %,d MB of working memory, over the %,d MB this JVM allows (half the smaller of -Xmx and "
                            + "ND4J's off-heap limit); use a chunk of at most %,d",
                    Math.min(chunk, n),
                    Math.min(chunk, n) * bytesPerChunkRow(withLogProb) >> 20,
                    DataMemory.workingLimitBytes() >> 20,
                    fits));
        }
        SolverStats stats = SolverStats.ZERO;
        for (long done = 0; done < n; ) {
            int m = (int) Math.min(chunk, n - done);
            Chunk c = chunk(done, m, seed, temperature, withLogProb);
            stats = stats.plus(c.stats());
            out.accept(c.samples(), c.logProb());
            done += m;
            progress.progress(done, n);
        }
        return stats;
    }
}
