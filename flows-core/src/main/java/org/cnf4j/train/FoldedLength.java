package org.cnf4j.train;

import java.util.List;
import java.util.Locale;
import java.util.TreeMap;
import org.cnf4j.data.DataException;
import org.cnf4j.data.TrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The length of a budgeted run on a small table, chosen by k-fold cross-validation instead of by
 * a validation set too small to decide (a few dozen rows, whose mean NLL moves by more than the
 * differences between iterations). The table's training and validation rows are cut into
 * {@link #FOLDS} folds; the flow, from its initial parameters, trains on all folds but one and is
 * validated on that one every {@code longest / CHECKPOINTS} iterations, once per fold; the
 * held-out NLLs of each checkpoint are pooled over all those rows, and the checkpoint with the
 * lowest pooled NLL sets the length of the run that follows (on the training split, from the same
 * initial parameters, keeping its last parameters). With a constant learning rate that length is
 * the checkpoint's; with a linear decay, whose folds were checked part way through their decay
 * (at i of L iterations), the run decays over the length with the same area under its
 * learning-rate curve, 2i - i^2 / L (between i and L): a run that ends where the folds' curve was
 * lowest would have taken smaller steps all along and stopped short of what the folds measured.
 *
 * <p>Used by {@link Trainer#plan} when the validation set has fewer than
 * {@link #ENOUGH_VALIDATION_ROWS} rows, the data can be cut into folds, and the folds can train
 * at least as long as the run without them would (up to {@link #MAX_FOLD_EPOCHS} passes, more
 * than a run with so few validation rows gets, {@link RunLength#MAX_EPOCHS}: the folds are
 * what stops overfitting).
 */
final class FoldedLength {

    /** Folds of the training and validation rows. */
    static final int FOLDS = 5;
    /** Validations of each fold's run: the lengths the choice is among. */
    static final int CHECKPOINTS = 20;
    /** Validation sets of at least this many rows decide by themselves; smaller ones call for folds. */
    static final int ENOUGH_VALIDATION_ROWS = 200;
    /** The most passes over a fold's training rows: as many as a run validated on enough rows. */
    static final int MAX_FOLD_EPOCHS = RunLength.MAX_VALIDATED_EPOCHS;
    /**
     * The work of all folds and the run that follows, in runs sized by {@link RunLength#workIterations}:
     * a small table's validation is cheap, and the folds are what stop it overfitting.
     */
    static final double FOLD_WORK = 1.0;

    private FoldedLength() {}

    /**
     * The chosen length.
     *
     * @param iterations the iterations of the run that follows
     * @param checkpoint the iterations of the checkpoint chosen
     * @param heldOutNll its mean held-out NLL in nats over all {@code rows}
     * @param rows the training and validation rows, each held out once
     * @param every iterations between a fold's checkpoints
     * @param longest the iterations each fold was planned to train for
     * @param cut whether a time budget stopped a fold before it
     */
    record Choice(int iterations, int checkpoint, double heldOutNll, long rows, int every, int longest, boolean cut) {

        /** In words, for the plan and the model's summary. */
        String describe() {
            String length = iterations == checkpoint
                    ? ""
                    : String.format(
                            Locale.ROOT,
                            "; the run decays its "
                                    + "learning rate to 0 over %d iterations, the same sum of rates as the folds' first %d",
                            iterations,
                            checkpoint);
            return String.format(
                    Locale.ROOT,
                    "the length %d-fold cross-validation chose (held-out NLL %.4f nats "
                            + "on the %d training and validation rows at iteration %d, the lowest of checkpoints every %d "
                            + "iterations up to %d%s%s)",
                    FOLDS,
                    heldOutNll,
                    rows,
                    checkpoint,
                    every,
                    longest,
                    cut
                            ? "; the time budget stopped the folds early, so the choice is among the checkpoints "
                                    + "all of them reached"
                            : "",
                    length);
        }
    }

    /**
     * The run's length for a fold checkpoint at {@code checkpoint} of {@code longest} iterations:
     * the checkpoint itself with a constant rate; with a linear decay, the length whose decay to 0
     * has the same area under the learning-rate curve as the folds' first {@code checkpoint}
     * iterations, {@code 2 c - c^2 / longest}.
     */
    static int runLength(LearningRateSchedule schedule, int checkpoint, int longest) {
        if (schedule != LearningRateSchedule.LINEAR) {
            return checkpoint;
        }
        double c = checkpoint;
        long length = Math.round(2 * c - c * c / longest);
        return (int) Math.max(checkpoint, Math.min(longest, length));
    }

    /**
     * Runs the folds when they apply and returns the length chosen (null when they do not apply);
     * the flow's parameters are as before either way. Whether they apply and how long they train
     * follow from the table and the settings alone: each fold trains for the fewest of
     * {@link #MAX_FOLD_EPOCHS} passes over its training rows and its share of
     * {@link #FOLD_WORK} times the work a run is sized for; they apply when that is at least the
     * single run's {@code planned} iterations.
     *
     * @param planned the iterations of one run without folds
     * @param workIterations the iterations the work allowance of one run buys ({@link RunLength#workIterations})
     * @param deadline the {@link System#nanoTime()} at which a time budget stops the folds
     *     ({@link Long#MAX_VALUE}: none); a fold it stops validated its last iteration, and the choice
     *     is among the checkpoints all folds reached
     */
    static Choice plan(Trainer trainer, int planned, int workIterations, long deadline) {
        TrainingData data = trainer.data();
        TrainingConfig config = trainer.config();
        long validationRows = data.validation().rows();
        if (trainer.distributed()
                || config.validationInterval() <= 0
                || validationRows == 0
                || validationRows >= ENOUGH_VALIDATION_ROWS
                || data.trainingRows() < 0) {
            return null;
        }
        long rows = data.trainingRows() + validationRows;
        if (rows / FOLDS < 2) {
            return null;
        }
        // the smallest fold's training rows
        long foldTraining = rows - (rows + FOLDS - 1) / FOLDS;
        // a batch the data decided (every training row of a small table) is every row of a fold's
        // training rows too; one the user set must fit them
        int batch = trainer.automaticBatch()
                ? (int) Math.max(1, Math.min(config.batchSize(), foldTraining))
                : config.batchSize();
        double byEpochs = Math.ceil(MAX_FOLD_EPOCHS * (double) foldTraining / batch);
        double byWork = FOLD_WORK * workIterations / (FOLDS + 1);
        int longest =
                (int) Math.min(Math.min(Math.min(byEpochs, byWork), config.iterations()), RunLength.MAX_ITERATIONS);
        if (longest < planned || longest < CHECKPOINTS || foldTraining < batch) {
            return null;
        }
        List<TrainingData> folds;
        try {
            folds = data.folds(FOLDS);
        } catch (DataException e) {
            // a fold the table's own checks refuse (a column constant on a fold's training rows):
            // the run goes without folds, as one on a larger table would
            return null;
        }
        if (folds.isEmpty()) {
            return null;
        }
        ContinuousNormalizingFlow flow = trainer.flow();
        INDArray initial = flow.parameters().dup();
        int every = Math.max(1, longest / CHECKPOINTS);
        boolean cut = false;
        // per checkpoint iteration: summed NLL x rows, rows, folds that reached it
        TreeMap<Long, double[]> pooled = new TreeMap<>();
        try {
            for (int f = 0; f < FOLDS; f++) {
                TrainingData fold = folds.get(f);
                long held = fold.validation().rows();
                TrainingConfig foldConfig = config.withIterations(longest)
                        .withValidationInterval(every)
                        .withTestEvaluation(false)
                        .withTimeBudget(0)
                        .withBatchSize(batch);
                if (deadline != Long.MAX_VALUE) {
                    foldConfig = foldConfig.withTimeBudget(Math.max((deadline - System.nanoTime()) / 1e9, 1e-3));
                }
                Trainer run = new Trainer(flow, fold, foldConfig);
                TrainingResult r = run.train();
                cut |= run.log().stoppedByBudget;
                for (ValidationStats v : r.validations()) {
                    double[] p = pooled.computeIfAbsent(v.iteration(), k -> new double[3]);
                    p[0] += v.nll() * held;
                    p[1] += held;
                    p[2]++;
                }
                flow.parameters().assign(initial);
                trainer.onFold(f, FOLDS, r);
            }
        } finally {
            flow.parameters().assign(initial);
        }
        long best = -1;
        double lowest = Double.POSITIVE_INFINITY;
        for (var e : pooled.entrySet()) {
            double[] p = e.getValue();
            if (p[2] == FOLDS && p[0] / p[1] < lowest) {
                lowest = p[0] / p[1];
                best = e.getKey();
            }
        }
        if (best <= 0) {
            return null;
        }
        return new Choice(
                runLength(config.schedule(), (int) best, longest), (int) best, lowest, rows, every, longest, cut);
    }
}
