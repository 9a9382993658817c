package org.cnf4j.train;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A ready {@link TrainingListener} that writes plain progress lines: the run's start, an iteration
 * line every twentieth of the run (loss and seconds per iteration), each validation, and the end.
 * {@code Flow.train} uses one on standard error unless given a listener.
 */
public final class ProgressLog implements TrainingListener {

    private final PrintStream out;
    private long total;
    private long every = 1;

    /** Lines to {@code out}. */
    public ProgressLog(PrintStream out) {
        this.out = out;
    }

    /** Lines to standard error. */
    public static ProgressLog toStandardError() {
        return new ProgressLog(System.err);
    }

    @Override
    public void onStart(long firstIteration, long totalIterations) {
        total = totalIterations;
        every = Math.max(1, totalIterations / 20);
        out.printf(Locale.ROOT, "training iterations %d to %d%n", firstIteration + 1, totalIterations);
    }

    @Override
    public void onIteration(IterationStats s) {
        long done = s.iteration() + 1;
        if (done % every == 0 || done == total) {
            out.printf(
                    Locale.ROOT, "iteration %d/%d: loss %.4f, %.5f s/iteration%n", done, total, s.loss(), s.seconds());
        }
    }

    @Override
    public void onValidation(ValidationStats v) {
        out.printf(
                Locale.ROOT,
                "validation at iteration %d: NLL %.4f nats%s%n",
                v.iteration(),
                v.nll(),
                v.best() ? " (kept)" : "");
    }

    @Override
    public void onFold(int fold, int folds, TrainingResult result) {
        out.printf(Locale.ROOT, "choosing the run's length: fold %d/%d done%n", fold + 1, folds);
    }

    @Override
    public void onFinish(TrainingResult result) {
        out.printf(Locale.ROOT, "training finished: %s%n", result.summary());
    }
}
