package org.cnf4j;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.Regularizers;
import org.cnf4j.data.ContentDigest;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.data.Standardizer;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.RandomStreams;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.io.ReflowInfo;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.sample.ContextSource;
import org.cnf4j.sample.DensityModel;
import org.cnf4j.sample.ProgressListener;
import org.cnf4j.sample.Sampler;
import org.cnf4j.settings.SettingCheck;
import org.cnf4j.train.Evaluation;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.LearningRateSchedule;
import org.cnf4j.train.TimeSampling;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;
import org.cnf4j.train.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Rectified flow's reflow (Liu, Gong and Liu 2023, "Flow straight and fast"): draws (noise,
 * sample) pairs from a model (z from its base, x = the model's sample from z) and trains a copy of
 * the model, warm-started from it, by flow matching on the straight paths between each pair's two
 * ends. The pairs are a coupling of the base and the model's distribution that the model's own
 * paths do not cross, so the new field's paths are nearly straight and a few fixed steps sample
 * it; it is still a continuous normalizing flow, so its log p stays exact and the adaptive solver
 * needs fewer steps for it too.
 *
 * <p>The standardiser, columns and context of the model are kept; a conditional model's pairs
 * are drawn at contexts drawn as its training rows had them (a categorical level by its training
 * count, a numeric value from the training mean and standard deviation), and a model that learnt
 * the unconditional field for guidance keeps learning it. Every draw comes from the options' seed:
 * the same model and options give the same reflowed model, on any machine.
 *
 * <p>After training, the reflowed model's recommended sampler is measured, not assumed: the
 * fixed-step method and step count with the fewest evaluations whose samples stay, from the same
 * noise, within {@link #MAX_DEVIATION} (root-mean-square distance per dimension, in standardised
 * units) of the adaptive solver's.
 */
public final class Reflow {

    /** The largest deviation from the adaptive solver's samples a recommended sampler may have. */
    public static final double MAX_DEVIATION = 0.05;

    /** Samples used to choose the recommended sampler (the first of the held-out pairs). */
    static final int CHOICE_SAMPLES = 1000;

    /** Share of a guidance model's pairs that train the unconditional field. */
    static final double CONTEXT_DROPOUT = 0.1;

    private static final int[] STEP_CHOICES = {1, 2, 3, 4, 6, 8, 12, 16, 24, 32};

    private Reflow() {}

    /**
     * How to reflow.
     *
     * @param pairs (noise, sample) pairs drawn per round, of which a fifth (at most 1,000) are held
     *     out to validate
     * @param rounds rounds of reflow, each on pairs of the previous round's model
     * @param iterations flow-matching iterations per round
     * @param batch pairs per iteration
     * @param learningRate Adam's learning rate, decaying linearly to 0 over a round
     * @param seed the seed of every draw: pairs, contexts, batches, times
     */
    public record Options(int pairs, int rounds, int iterations, int batch, double learningRate, long seed) {

        /** Validates. */
        public Options {
            SettingCheck.inRange("pairs", pairs, 100, 10_000_000);
            SettingCheck.inRange("rounds", rounds, 1, 10);
            SettingCheck.inRange("iterations", iterations, 1, org.cnf4j.train.RunLength.MAX_ITERATIONS);
            SettingCheck.inRange("batch", batch, 1, 100_000);
            SettingCheck.positive("learningRate", learningRate);
        }

        /** 20,000 pairs, one round of 3,000 iterations of 256 pairs at 1e-3, seed 0. */
        public static Options defaults() {
            return new Options(20_000, 1, 3_000, 256, 1e-3, 0);
        }

        /** The same with another number of pairs. */
        public Options withPairs(int n) {
            return new Options(n, rounds, iterations, batch, learningRate, seed);
        }

        /** The same with another number of rounds. */
        public Options withRounds(int n) {
            return new Options(pairs, n, iterations, batch, learningRate, seed);
        }

        /** The same with another number of iterations per round. */
        public Options withIterations(int n) {
            return new Options(pairs, rounds, n, batch, learningRate, seed);
        }

        /** The same with another seed. */
        public Options withSeed(long s) {
            return new Options(pairs, rounds, iterations, batch, learningRate, s);
        }
    }

    /**
     * One round: the mean NLL (nats, data units) of the round's held-out samples under the model
     * they were drawn from and under the reflowed model, and its wall time.
     */
    public record Round(int round, double sampleNllBefore, double sampleNllAfter, double seconds) {}

    /** A reflowed model, its metadata (with its {@link ReflowInfo}) and its rounds. */
    public record Result(ContinuousNormalizingFlow flow, ModelMetadata metadata, List<Round> rounds) {}

    /**
     * Reflows a model.
     *
     * @param source the model (left unchanged)
     * @param metadata its metadata
     * @param sourceName its name in the reflowed model's record (a file name)
     * @param listener told of every iteration and validation, or null
     * @param progress told of the pairs drawn, or {@link ProgressListener#NONE}
     */
    public static Result run(
            ContinuousNormalizingFlow source,
            ModelMetadata metadata,
            String sourceName,
            Options options,
            TrainingListener listener,
            ProgressListener progress) {
        String digest =
                ContentDigest.of(List.of("parameters"), 0, source.parameters().reshape(1, source.parameterCount()));
        ContinuousNormalizingFlow current = source;
        List<Round> rounds = new ArrayList<>();
        Pairs last = null;
        for (int r = 1; r <= options.rounds(); r++) {
            long t0 = System.nanoTime();
            long seed = RandomStreams.stream(options.seed(), "reflow-round", r).nextLong();
            Pairs pairs = Pairs.draw(current, metadata, options.pairs(), seed, progress);
            ContinuousNormalizingFlow next = copy(current, metadata);
            double before = pairs.validationNll(current, metadata.standardizer());
            train(next, pairs, metadata, options, seed, listener);
            double after = pairs.validationNll(next, metadata.standardizer());
            rounds.add(new Round(r, before, after, (System.nanoTime() - t0) / 1e9));
            current = next;
            last = pairs;
        }
        Choice choice = chooseSampler(current, last);
        ReflowInfo info = new ReflowInfo(
                sourceName,
                digest,
                options.rounds(),
                options.pairs(),
                choice.method(),
                choice.steps(),
                choice.deviation());
        // the reflowed model's own provenance: this run, its pairs drawn from the source model
        return new Result(
                current,
                metadata.withReflow(info)
                        .withProvenance(org.cnf4j.io.Provenance.of(
                                "reflow of " + sourceName + " (" + options + ")", null, options.seed())),
                rounds);
    }

    /** A copy of a flow (through the model file format, so nothing is shared). */
    static ContinuousNormalizingFlow copy(ContinuousNormalizingFlow flow, ModelMetadata metadata) {
        try {
            Path tmp = Files.createTempFile("cnf4j-reflow", ".zip");
            try {
                ModelFile.save(tmp, flow, metadata);
                ContinuousNormalizingFlow copy = ModelFile.load(tmp).flow();
                copy.setSolver(flow.solver());
                copy.setTraceEstimator(flow.traceEstimator());
                return copy;
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void train(
            ContinuousNormalizingFlow next,
            Pairs pairs,
            ModelMetadata metadata,
            Options options,
            long seed,
            TrainingListener listener) {
        FlowMatching objective =
                new FlowMatching(0, false, TimeSampling.UNIFORM, next.learnsUnconditional() ? CONTEXT_DROPOUT : 0);
        int batch = Math.min(options.batch(), pairs.training);
        TrainingConfig config = new TrainingConfig(
                options.iterations(),
                batch,
                options.learningRate(),
                1e-5,
                Math.max(1, options.iterations() / 4),
                new AdjointMethod(),
                null,
                Regularizers.NONE,
                seed,
                false,
                objective,
                LearningRateSchedule.LINEAR,
                0.999,
                0);
        Trainer trainer = new Trainer(next, pairs.asTrainingData(metadata), config);
        int width = pairs.dim + pairs.contextDim;
        trainer.setBatchGradient((flow, fm, iteration, size, noise) -> {
            SplittableRandom pick = RandomStreams.stream(seed, "reflow-batch", iteration);
            double[] x = new double[size * width];
            double[] z = new double[size * pairs.dim];
            for (int b = 0; b < size; b++) {
                int i = pick.nextInt(pairs.training);
                System.arraycopy(pairs.joint, i * width, x, b * width, width);
                System.arraycopy(pairs.base, i * pairs.dim, z, b * pairs.dim, pairs.dim);
            }
            return objective.evaluatePaired(flow, Nd4j.create(x, new long[] {size, width}, DataType.DOUBLE), z, noise);
        });
        if (listener != null) {
            trainer.addListener(listener);
        }
        trainer.train();
    }

    /** A recommended fixed-step sampler and its deviation from the adaptive solver. */
    record Choice(RungeKuttaMethod method, int steps, double deviation) {}

    /**
     * The fixed-step sampler with the fewest evaluations (midpoint before Euler at equal cost)
     * whose samples lie within {@link #MAX_DEVIATION} of the flow's adaptive solver's from the same
     * noise; the closest one tried when none does.
     */
    static Choice chooseSampler(ContinuousNormalizingFlow flow, Pairs pairs) {
        int m = Math.min(CHOICE_SAMPLES, pairs.validation);
        INDArray z = pairs.heldOutBase(m);
        INDArray c = pairs.heldOutContexts(m);
        SolverConfig adaptive = flow.solver();
        double[] reference =
                NativeArrays.toArray(flow.decode(flow.jointRows(z, c)).value());
        List<Choice> tried = new ArrayList<>();
        List<int[]> candidates = new ArrayList<>();
        for (int k : STEP_CHOICES) {
            candidates.add(new int[] {2 * k, 0, k});
            candidates.add(new int[] {k, 1, k});
        }
        candidates.sort((a, b) -> a[0] != b[0] ? Integer.compare(a[0], b[0]) : Integer.compare(a[1], b[1]));
        try {
            for (int[] cand : candidates) {
                RungeKuttaMethod method = cand[1] == 0 ? RungeKuttaMethod.MIDPOINT : RungeKuttaMethod.EULER;
                flow.setSolver(SolverConfig.fixed(method, cand[2]));
                double[] x =
                        NativeArrays.toArray(flow.decode(flow.jointRows(z, c)).value());
                double sq = 0;
                for (int i = 0; i < x.length; i++) {
                    double d = x[i] - reference[i];
                    sq += d * d;
                }
                Choice choice = new Choice(method, cand[2], Math.sqrt(sq / x.length));
                if (choice.deviation() <= MAX_DEVIATION) {
                    return choice;
                }
                tried.add(choice);
            }
        } finally {
            flow.setSolver(adaptive);
        }
        return tried.stream()
                .min((a, b) -> Double.compare(a.deviation(), b.deviation()))
                .orElseThrow();
    }

    /** (noise, sample) pairs in the flow's space: the first {@code training} train, the rest validate. */
    static final class Pairs {
        final int dim;
        final int contextDim;
        final int training;
        final int validation;
        /** [n, dim + contextDim]: the samples with their (standardised) contexts. */
        final double[] joint;
        /** [n, dim]: the base draws the samples came from. */
        final double[] base;

        private Pairs(int dim, int contextDim, int n, double[] joint, double[] base) {
            this.dim = dim;
            this.contextDim = contextDim;
            this.validation = Math.min(1000, n / 5);
            this.training = n - validation;
            this.joint = joint;
            this.base = base;
        }

        /** n pairs of the model, all from {@code seed}. */
        static Pairs draw(
                ContinuousNormalizingFlow model, ModelMetadata metadata, int n, long seed, ProgressListener progress) {
            int dim = model.dim();
            int cd = model.contextDim();
            // the pairs are held in memory (samples, contexts and base draws): refused before any work when too many
            org.cnf4j.data.DataMemory.check(
                    (long) n * (2L * dim + cd), org.cnf4j.data.DataMemory.limitBytes(), n + " reflow pairs", "they");
            Standardizer standardizer = metadata.standardizer();
            double[] rawContexts = cd == 0 ? null : drawContexts(metadata, dim, n, seed);
            DensityModel dm = new DensityModel(model, standardizer);
            Sampler sampler = cd == 0
                    ? new Sampler(dm)
                    : new Sampler(
                            dm, ContextSource.rows(Nd4j.create(rawContexts, new long[] {n, cd}, DataType.DOUBLE)));
            double[] joint = new double[n * (dim + cd)];
            int[] filled = {0};
            Standardizer head = standardizer.head(dim);
            try {
                sampler.sample(
                        n,
                        seed,
                        1.0,
                        false,
                        Sampler.DEFAULT_CHUNK,
                        (x, logp) -> {
                            double[] v = NativeArrays.toArray(head.transform(x));
                            int rows = x.rows();
                            for (int i = 0; i < rows; i++) {
                                System.arraycopy(v, i * dim, joint, (filled[0] + i) * (dim + cd), dim);
                            }
                            filled[0] += rows;
                        },
                        progress);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (cd > 0) {
                double[] c = NativeArrays.toArray(standardizer
                        .tail(dim)
                        .transform(Nd4j.create(rawContexts, new long[] {n, cd}, DataType.DOUBLE)));
                for (int i = 0; i < n; i++) {
                    System.arraycopy(c, i * cd, joint, i * (dim + cd) + dim, cd);
                }
            }
            // the base draws the sampler made: stream ("base", i) of the seed, as Sampler.chunk draws them
            double[] base = new double[n * dim];
            for (int i = 0; i < n; i++) {
                model.base().draw(RandomStreams.stream(seed, "base", i), 1.0, base, i * dim, dim);
            }
            return new Pairs(dim, cd, n, joint, base);
        }

        /** Encoded contexts [n, contextDim] in data units, drawn as the training rows had them. */
        private static double[] drawContexts(ModelMetadata metadata, int dim, int n, long seed) {
            List<ContextColumn> columns = metadata.context();
            int cd = metadata.contextDim();
            double[] mean = metadata.standardizer().mean();
            double[] std = metadata.standardizer().std();
            double[] out = new double[n * cd];
            for (int i = 0; i < n; i++) {
                SplittableRandom r = RandomStreams.stream(seed, "reflow-context", i);
                int at = 0;
                for (ContextColumn c : columns) {
                    if (c.categorical()) {
                        int level = drawLevel(c, r);
                        out[i * cd + at + level] = 1;
                    } else {
                        out[i * cd + at] = mean[dim + at] + std[dim + at] * r.nextGaussian();
                    }
                    at += c.width();
                }
            }
            return out;
        }

        private static int drawLevel(ContextColumn c, SplittableRandom r) {
            if (c.counts().isEmpty()) {
                return r.nextInt(c.width());
            }
            long total = c.counts().stream().mapToLong(Long::longValue).sum();
            long u = r.nextLong(total);
            for (int k = 0; k < c.width(); k++) {
                u -= c.counts().get(k);
                if (u < 0) {
                    return k;
                }
            }
            return c.width() - 1;
        }

        private INDArray rows(double[] values, int from, int count, int width) {
            double[] v = new double[count * width];
            System.arraycopy(values, from * width, v, 0, count * width);
            return Nd4j.create(v, new long[] {count, width}, DataType.DOUBLE);
        }

        INDArray heldOut() {
            return rows(joint, training, validation, dim + contextDim);
        }

        INDArray heldOutBase(int m) {
            return rows(base, training, m, dim);
        }

        INDArray heldOutContexts(int m) {
            if (contextDim == 0) {
                return null;
            }
            INDArray all = rows(joint, training, m, dim + contextDim);
            return all.get(
                            org.nd4j.linalg.indexing.NDArrayIndex.all(),
                            org.nd4j.linalg.indexing.NDArrayIndex.interval(dim, dim + contextDim))
                    .dup('c');
        }

        /** Mean NLL (nats, data units) of the held-out samples under a flow. */
        double validationNll(ContinuousNormalizingFlow flow, Standardizer standardizer) {
            return Evaluation.logProbStandardized(flow, standardizer, heldOut()).meanNll();
        }

        /** The pairs as the trainer's data: batches come from the batch gradient, validation from the held-out pairs. */
        TrainingData asTrainingData(ModelMetadata metadata) {
            INDArray validationRows = heldOut();
            INDArray none = Nd4j.zeros(DataType.DOUBLE, 0, dim + contextDim);
            String what = training + " reflow pairs";
            return new TrainingData() {
                @Override
                public int dim() {
                    return dim + contextDim;
                }

                @Override
                public INDArray batch(long iteration, int size) {
                    throw new UnsupportedOperationException("reflow batches are drawn with their base draws");
                }

                @Override
                public INDArray validation() {
                    return validationRows;
                }

                @Override
                public INDArray test() {
                    return none;
                }

                @Override
                public Standardizer standardizer() {
                    return metadata.standardizer();
                }

                @Override
                public long trainingRows() {
                    return training;
                }

                @Override
                public boolean dequantized() {
                    return metadata.dequantized();
                }

                @Override
                public String describe() {
                    return what;
                }

                @Override
                public INDArray trainingSample(int max) {
                    return rows(joint, 0, Math.min(max, training), dim + contextDim);
                }
            };
        }
    }
}
