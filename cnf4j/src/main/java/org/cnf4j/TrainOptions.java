package org.cnf4j;

import java.time.Duration;
import java.util.Arrays;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.GradientMethod;
import org.cnf4j.adjoint.Regularizers;
import org.cnf4j.data.DataException;
import org.cnf4j.data.Dataset;
import org.cnf4j.data.TableTrainingData;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.ToyTrainingData;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.LayerType;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.settings.SettingCheck;
import org.cnf4j.trace.TraceEstimator;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.LearningRateSchedule;
import org.cnf4j.train.RunLength;
import org.cnf4j.train.TimeSampling;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;

/**
 * Everything {@link Flow#train} needs besides the data, with the defaults of {@code cnf train}:
 * a 64-64-64 concatsquash tanh network of one block (T = 0.5), dopri5 at 1e-5, flow matching
 * with OT coupling, batches of 100 (or every training row of a smaller table), Adam at 1e-3 decaying linearly to 0, a 0.999 moving average
 * of the weights, weight decay 1e-5, a run planned for a two-minute budget, a tenth of a table
 * for validation and a tenth for test, standardised columns, and both baselines fitted. Build
 * others with {@link #builder()} or {@link #toBuilder()}:
 *
 * <pre>{@code
 * TrainOptions o = TrainOptions.builder().iterations(2000).seed(3).build();
 * }</pre>
 *
 * @param hidden hidden widths of the dynamics network
 * @param layerType concatsquash, concat or ignore (how time enters each layer)
 * @param activation the network's nonlinearity
 * @param blocks number of flow blocks, each integrated over [0, endTime]
 * @param endTime integration time T of each block
 * @param trainEndTime whether maximum likelihood trains T (flow matching never does)
 * @param solver the ODE solver and its tolerances (for validation, test and later use)
 * @param trace the training trace estimator, or null for exact in 2-D and Hutchinson above
 * @param gradient adjoint or direct backpropagation (maximum likelihood only)
 * @param flowMatching the flow-matching objective, or null for maximum likelihood
 * @param regularizers kinetic-energy and Jacobian-norm weights (maximum likelihood only)
 * @param batch rows per iteration; 0 (the default) for 100, or every training row of a table with fewer
 * @param learningRate Adam's learning rate
 * @param schedule constant, or linear decay to 0 over the run
 * @param ema decay of the moving average of the weights that is validated and kept; 0 for none
 * @param weightDecay decoupled L2 weight decay
 * @param iterations iterations to run, or null to plan them from the table and these options
 *     ({@link org.cnf4j.train.RunLength}: never from a timing, so a run is the same on any machine)
 * @param timeBudget wall time after which the run stops early and says so (a cap, never a plan); null
 *     for none
 * @param validationInterval iterations between validations (0: none), or null for 100 with
 *     iterations given and a twentieth of a planned run
 * @param seed the run's seed: weights, split, batches and noise
 * @param validationFraction share of a table's rows held out for validation
 * @param testFraction share of a table's rows held out for the test NLL
 * @param standardize whether a table's columns are standardised with the training rows' mean
 *     and standard deviation (the model works in the data's units either way)
 * @param dequantize whether integer data get uniform [0, 1) noise (bits/dim reported)
 * @param toyValidationRows validation samples of a toy data set
 * @param toyTestRows test samples of a toy data set
 * @param baselines whether to fit the Gaussian and Gaussian-mixture baselines for the summary
 * @param precision the network's matrix products in double or float
 * @param mixtureBase whether an unconditional flow starts as the Gaussian mixture fitted to the
 *     training rows (its base distribution, the field zero) rather than from N(0, I)
 */
public record TrainOptions(
        int[] hidden,
        LayerType layerType,
        Activation activation,
        int blocks,
        double endTime,
        boolean trainEndTime,
        SolverConfig solver,
        TraceEstimator trace,
        GradientMethod gradient,
        FlowMatching flowMatching,
        Regularizers regularizers,
        int batch,
        double learningRate,
        LearningRateSchedule schedule,
        double ema,
        double weightDecay,
        Integer iterations,
        Duration timeBudget,
        Integer validationInterval,
        long seed,
        double validationFraction,
        double testFraction,
        boolean standardize,
        boolean dequantize,
        int toyValidationRows,
        int toyTestRows,
        boolean baselines,
        MatrixPrecision precision,
        boolean mixtureBase) {

    /** Iterations between validations when iterations are given and the interval is not. */
    public static final int DEFAULT_VALIDATION_INTERVAL = 100;

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException naming the first bad value
     */
    public TrainOptions {
        hidden = hidden.clone();
        check(hidden.length >= 1 && Arrays.stream(hidden).allMatch(h -> h >= 1), "hidden widths must be positive");
        SettingCheck.atLeast("blocks", blocks, 1);
        SettingCheck.positive("endTime", endTime);
        SettingCheck.atLeast("batch", batch, 0);
        SettingCheck.positive("learningRate", learningRate);
        SettingCheck.nonNegative("weightDecay", weightDecay);
        SettingCheck.inHalfOpen("ema", ema, 0, 1);
        if (iterations != null) {
            SettingCheck.atLeast("iterations", iterations, 1);
        }
        if (timeBudget != null) {
            SettingCheck.duration("timeBudget", timeBudget);
        }
        if (validationInterval != null) {
            SettingCheck.atLeast("validationInterval", validationInterval, 0);
        }
        SettingCheck.inHalfOpen("validationFraction", validationFraction, 0, 1);
        SettingCheck.inHalfOpen("testFraction", testFraction, 0, 1);
        check(validationFraction + testFraction < 1, "validationFraction + testFraction must be below 1");
        SettingCheck.atLeast("toyValidationRows", toyValidationRows, 0);
        SettingCheck.atLeast("toyTestRows", toyTestRows, 0);
        check(
                flowMatching == null || !flowMatching.otCoupling() || batch <= FlowMatching.MAX_OT_BATCH,
                "the OT coupling takes batches of at most " + FlowMatching.MAX_OT_BATCH);
        if (layerType == null
                || activation == null
                || solver == null
                || gradient == null
                || regularizers == null
                || schedule == null
                || precision == null) {
            throw new NullPointerException(
                    "only trace, flowMatching, iterations, timeBudget and validationInterval " + "may be null");
        }
    }

    private static void check(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    /** The defaults of {@code cnf train}. */
    public static TrainOptions defaults() {
        return builder().build();
    }

    /** A builder holding the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these options. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The hidden widths (a copy). */
    @Override
    public int[] hidden() {
        return hidden.clone();
    }

    /** A new flow of these options for data of {@code dim} columns, its weights drawn from the seed. */
    public ContinuousNormalizingFlow newFlow(int dim) {
        return newFlow(dim, 0);
    }

    /** A fresh conditional flow of these options for data of {@code dim} columns and {@code contextDim} context values. */
    public ContinuousNormalizingFlow newFlow(int dim, int contextDim) {
        boolean dropout = flowMatching != null && flowMatching.contextDropout() > 0;
        if (dropout && contextDim == 0) {
            throw new IllegalArgumentException(
                    "context dropout trains a conditional flow's unconditional field: give " + "context columns");
        }
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(dim)
                .contextDim(contextDim)
                .learnsUnconditional(dropout)
                .hiddenDims(hidden)
                .layerType(layerType)
                .activation(activation)
                .blocks(blocks)
                .endTime(endTime)
                .trainEndTime(trainEndTime)
                .solver(solver)
                .seed(seed)
                .build();
        flow.setMatrixPrecision(precision);
        return flow;
    }

    /**
     * The trainer's configuration: the iterations given, or {@link RunLength#MAX_ITERATIONS} for
     * {@link Trainer#plan} to cut down; the time budget as a cap (0: none).
     */
    public TrainingConfig config() {
        Double cap = timeBudgetSeconds();
        return new TrainingConfig(
                iterations != null ? iterations : RunLength.MAX_ITERATIONS,
                batch,
                learningRate,
                weightDecay,
                validationInterval != null ? validationInterval : DEFAULT_VALIDATION_INTERVAL,
                gradient,
                trace,
                regularizers,
                seed,
                true,
                flowMatching,
                schedule,
                ema,
                cap == null ? 0 : cap,
                mixtureBase);
    }

    /** Whether the run's iterations are planned ({@link Trainer#plan}) rather than given. */
    public boolean iterationsPlanned() {
        return iterations == null;
    }

    /** The time budget's seconds (a cap on the run), or null for none. */
    public Double timeBudgetSeconds() {
        return timeBudget == null ? null : timeBudget.toNanos() / 1e9;
    }

    /**
     * A table split into training, validation and test rows by these options' seed and fractions.
     *
     * @throws DataException for fractions that leave no training rows, a constant column, or
     *     non-integer values to dequantise
     */
    public TrainingData split(Dataset table) {
        return split(table, 0);
    }

    /**
     * Joint rows [x | c] of a conditional table split as {@link #split(Dataset)}; the last
     * {@code contextColumns} columns are the encoded context (standardised, never dequantised).
     */
    public TrainingData split(Dataset table, int contextColumns) {
        return new TableTrainingData(
                table, contextColumns, validationFraction, testFraction, seed, dequantize, standardize);
    }

    /** A toy generator with these options' held-out sizes, drawn from the seed. */
    public TrainingData split(ToyDataset toy) {
        return new ToyTrainingData(toy, seed, toyValidationRows, toyTestRows);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainOptions t && toString().equals(t.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "TrainOptions[hidden=" + Arrays.toString(hidden) + ", layerType=" + layerType + ", activation="
                + activation + ", blocks=" + blocks + ", endTime=" + endTime + ", trainEndTime=" + trainEndTime
                + ", solver=" + solver + ", trace=" + trace + ", gradient=" + gradient + ", flowMatching="
                + flowMatching + ", regularizers=" + regularizers + ", batch=" + batch + ", learningRate="
                + learningRate + ", schedule=" + schedule + ", ema=" + ema + ", weightDecay=" + weightDecay
                + ", iterations=" + iterations + ", timeBudget=" + timeBudget + ", validationInterval="
                + validationInterval + ", seed=" + seed + ", validationFraction=" + validationFraction
                + ", testFraction=" + testFraction + ", standardize=" + standardize + ", dequantize=" + dequantize
                + ", toyValidationRows=" + toyValidationRows + ", toyTestRows=" + toyTestRows + ", baselines="
                + baselines + ", precision=" + precision + ", mixtureBase=" + mixtureBase + "]";
    }

    /** Builds {@link TrainOptions}; starts from {@code cnf train}'s defaults. */
    public static final class Builder {
        private int[] hidden = {64, 64, 64};
        private LayerType layerType = LayerType.CONCAT_SQUASH;
        private Activation activation = Activation.TANH;
        private int blocks = 1;
        private double endTime = 0.5;
        private boolean trainEndTime = true;
        private SolverConfig solver = new SolverConfig(RungeKuttaMethod.DOPRI5, 1e-5, 1e-5, 0, 10_000);
        private TraceEstimator trace;
        private GradientMethod gradient = new AdjointMethod();
        private FlowMatching flowMatching = new FlowMatching(0, true, TimeSampling.UNIFORM);
        private Regularizers regularizers = Regularizers.NONE;
        private int batch = TrainingConfig.AUTOMATIC_BATCH;
        private double learningRate = 1e-3;
        private LearningRateSchedule schedule = LearningRateSchedule.LINEAR;
        private double ema = 0.999;
        private double weightDecay = 1e-5;
        private Integer iterations;
        private Duration timeBudget;
        private Integer validationInterval;
        private long seed;
        private double validationFraction = 0.1;
        private double testFraction = 0.1;
        private boolean standardize = true;
        private boolean dequantize;
        private int toyValidationRows = 1000;
        private int toyTestRows = 10_000;
        private boolean baselines = true;
        private MatrixPrecision precision = MatrixPrecision.DOUBLE;
        private boolean mixtureBase = true;

        private Builder() {}

        private Builder(TrainOptions o) {
            hidden = o.hidden;
            layerType = o.layerType;
            activation = o.activation;
            blocks = o.blocks;
            endTime = o.endTime;
            trainEndTime = o.trainEndTime;
            solver = o.solver;
            trace = o.trace;
            gradient = o.gradient;
            flowMatching = o.flowMatching;
            regularizers = o.regularizers;
            batch = o.batch;
            learningRate = o.learningRate;
            schedule = o.schedule;
            ema = o.ema;
            weightDecay = o.weightDecay;
            iterations = o.iterations;
            timeBudget = o.timeBudget;
            validationInterval = o.validationInterval;
            seed = o.seed;
            validationFraction = o.validationFraction;
            testFraction = o.testFraction;
            standardize = o.standardize;
            dequantize = o.dequantize;
            toyValidationRows = o.toyValidationRows;
            toyTestRows = o.toyTestRows;
            baselines = o.baselines;
            precision = o.precision;
            mixtureBase = o.mixtureBase;
        }

        /** Hidden widths (default 64, 64, 64). */
        public Builder hidden(int... widths) {
            hidden = widths.clone();
            return this;
        }

        /** How time enters the layers (default concatsquash). */
        public Builder layerType(LayerType v) {
            layerType = v;
            return this;
        }

        /** The nonlinearity (default tanh). */
        public Builder activation(Activation v) {
            activation = v;
            return this;
        }

        /** Flow blocks (default 1). */
        public Builder blocks(int v) {
            blocks = v;
            return this;
        }

        /** Integration time T of each block (default 0.5). */
        public Builder endTime(double v) {
            endTime = v;
            return this;
        }

        /** Whether maximum likelihood trains T (default true). */
        public Builder trainEndTime(boolean v) {
            trainEndTime = v;
            return this;
        }

        /** The solver (default dopri5, rtol = atol = 1e-5, at most 10,000 steps). */
        public Builder solver(SolverConfig v) {
            solver = v;
            return this;
        }

        /** The training trace estimator (default null: exact in 2-D, Hutchinson above). */
        public Builder trace(TraceEstimator v) {
            trace = v;
            return this;
        }

        /** Gradients of maximum likelihood (default the adjoint method). */
        public Builder gradient(GradientMethod v) {
            gradient = v;
            return this;
        }

        /** Flow matching with these settings (the default, with OT coupling). */
        public Builder flowMatching(FlowMatching v) {
            flowMatching = java.util.Objects.requireNonNull(v, "flowMatching; use maximumLikelihood() instead of null");
            return this;
        }

        /** Maximum likelihood through the ODE instead of flow matching. */
        public Builder maximumLikelihood() {
            flowMatching = null;
            return this;
        }

        /** Kinetic-energy and Jacobian-norm weights of maximum likelihood (default none). */
        public Builder regularizers(Regularizers v) {
            regularizers = v;
            return this;
        }

        /** Rows per iteration (default 100). */
        public Builder batch(int v) {
            batch = v;
            return this;
        }

        /** Adam's learning rate (default 1e-3). */
        public Builder learningRate(double v) {
            learningRate = v;
            return this;
        }

        /** The learning-rate schedule (default linear decay to 0). */
        public Builder schedule(LearningRateSchedule v) {
            schedule = v;
            return this;
        }

        /** Decay of the weights' moving average (default 0.999; 0 for none). */
        public Builder ema(double v) {
            ema = v;
            return this;
        }

        /** Weight decay (default 1e-5). */
        public Builder weightDecay(double v) {
            weightDecay = v;
            return this;
        }

        /** Iterations to run (default null: planned from the table and the options, {@link RunLength}). */
        public Builder iterations(Integer v) {
            iterations = v;
            return this;
        }

        /**
         * Wall time after which the run stops early, validating once and saying so in its summary
         * (default null: none). A cap only: the planned length never depends on it.
         */
        public Builder timeBudget(Duration v) {
            timeBudget = v;
            return this;
        }

        /** Iterations between validations (default null: 100, or a twentieth of a planned run). */
        public Builder validationInterval(Integer v) {
            validationInterval = v;
            return this;
        }

        /** The run's seed (default 0). */
        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Validation share of a table's rows (default 0.1). */
        public Builder validationFraction(double v) {
            validationFraction = v;
            return this;
        }

        /** Test share of a table's rows (default 0.1). */
        public Builder testFraction(double v) {
            testFraction = v;
            return this;
        }

        /** Whether a table's columns are standardised (default true). */
        public Builder standardize(boolean v) {
            standardize = v;
            return this;
        }

        /** Whether integer data are dequantised with uniform noise (default false). */
        public Builder dequantize(boolean v) {
            dequantize = v;
            return this;
        }

        /** Validation samples of a toy data set (default 1,000). */
        public Builder toyValidationRows(int v) {
            toyValidationRows = v;
            return this;
        }

        /** Test samples of a toy data set (default 10,000). */
        public Builder toyTestRows(int v) {
            toyTestRows = v;
            return this;
        }

        /** Whether to fit the two baselines (default true). */
        public Builder baselines(boolean v) {
            baselines = v;
            return this;
        }

        /** Matrix products in double or float (default double). */
        public Builder precision(MatrixPrecision v) {
            precision = v;
            return this;
        }

        /**
         * Whether an unconditional flow's base is the Gaussian mixture fitted to the training rows,
         * the flow starting as that mixture (default true; false: N(0, I), as FFJORD). A conditional
         * flow's base is N(0, I) either way.
         */
        public Builder mixtureBase(boolean v) {
            mixtureBase = v;
            return this;
        }

        /**
         * The options.
         *
         * @throws IllegalArgumentException naming the first bad value
         */
        public TrainOptions build() {
            return new TrainOptions(
                    hidden,
                    layerType,
                    activation,
                    blocks,
                    endTime,
                    trainEndTime,
                    solver,
                    trace,
                    gradient,
                    flowMatching,
                    regularizers,
                    batch,
                    learningRate,
                    schedule,
                    ema,
                    weightDecay,
                    iterations,
                    timeBudget,
                    validationInterval,
                    seed,
                    validationFraction,
                    testFraction,
                    standardize,
                    dequantize,
                    toyValidationRows,
                    toyTestRows,
                    baselines,
                    precision,
                    mixtureBase);
        }
    }
}
