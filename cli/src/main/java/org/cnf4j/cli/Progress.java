package org.cnf4j.cli;

import java.io.PrintWriter;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.cnf4j.sample.ProgressListener;
import org.cnf4j.train.IterationStats;
import org.cnf4j.train.TrainingListener;
import org.cnf4j.train.TrainingResult;
import org.cnf4j.train.ValidationStats;

/**
 * Progress on stderr: a progress bar (me.tongfei:progressbar) when stderr is a terminal, plain
 * log lines otherwise (pipes, files, CI logs), nothing with --quiet.
 */
final class Progress {

    enum Mode {
        BAR,
        LINES,
        NONE
    }

    private Progress() {}

    /** Seconds as a duration for people: {@code 45 s}, {@code 2 min}, {@code 1 min 30 s}, {@code 1 h 5 min}. */
    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min" + (s % 60 == 0 ? "" : " " + s % 60 + " s");
        }
        return s / 3600 + " h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + " min");
    }

    /** "1 component", "9 components". */
    static String components(int k) {
        return k + (k == 1 ? " component" : " components");
    }

    static Mode mode(CommonOptions common) {
        if (common.quiet) {
            return Mode.NONE;
        }
        return System.console() != null ? Mode.BAR : Mode.LINES;
    }

    private static ProgressBar bar(String task, long total) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(total)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .setUpdateIntervalMillis(250)
                .build();
    }

    /** Training progress: iterations with loss, evaluations and T; validations. */
    static TrainingListener training(Mode mode, PrintWriter err) {
        return new TrainingListener() {
            private ProgressBar pb;
            private long total;
            private long every;

            @Override
            public void onStart(long first, long totalIterations) {
                total = totalIterations;
                every = Math.max(1, totalIterations / 20);
                if (mode == Mode.BAR) {
                    pb = bar("train", totalIterations);
                    pb.stepTo(first);
                } else if (mode == Mode.LINES) {
                    err.printf(Locale.ROOT, "training iterations %d to %d%n", first + 1, totalIterations);
                    err.flush();
                }
            }

            @Override
            public void onIteration(IterationStats s) {
                // flow matching solves nothing and keeps T: its lines hold the loss alone
                String msg = s.forwardEvaluations() == 0 && s.backwardEvaluations() == 0
                        ? String.format(Locale.ROOT, "loss %.4f", s.loss())
                        : String.format(
                                Locale.ROOT,
                                "loss %.4f nfe %d/%d T %.3f",
                                s.loss(),
                                s.forwardEvaluations(),
                                s.backwardEvaluations(),
                                s.endTimes()[0]);
                if (pb != null) {
                    pb.stepTo(s.iteration() + 1);
                    pb.setExtraMessage(msg);
                } else if (mode == Mode.LINES && ((s.iteration() + 1) % every == 0 || s.iteration() + 1 == total)) {
                    err.printf(
                            Locale.ROOT,
                            "iteration %d/%d: %s, %.5f s/iteration%n",
                            s.iteration() + 1,
                            total,
                            msg,
                            s.seconds());
                    err.flush();
                }
            }

            @Override
            public void onFold(int fold, int folds, TrainingResult result) {
                if (mode == Mode.NONE) {
                    return;
                }
                ValidationStats lowest = null;
                for (ValidationStats v : result.validations()) {
                    if (lowest == null || v.nll() < lowest.nll()) {
                        lowest = v;
                    }
                }
                err.printf(
                        Locale.ROOT,
                        "choosing the run's length: fold %d/%d trained %d iterations%s%n",
                        fold + 1,
                        folds,
                        result.summary().iterations(),
                        lowest == null
                                ? ""
                                : String.format(
                                        Locale.ROOT,
                                        ", held-out NLL lowest at iteration %d (%.4f nats)",
                                        lowest.iteration(),
                                        lowest.nll()));
                err.flush();
            }

            @Override
            public void onValidation(ValidationStats v) {
                if (mode == Mode.LINES) {
                    err.printf(
                            Locale.ROOT,
                            "validation at iteration %d: NLL %.4f nats%s%s%n",
                            v.iteration(),
                            v.nll(),
                            Double.isNaN(v.objectiveLoss())
                                    ? ""
                                    : String.format(Locale.ROOT, ", flow-matching loss %.4f", v.objectiveLoss()),
                            v.best() ? " (kept)" : "");
                    err.flush();
                } else if (pb != null) {
                    pb.setExtraMessage(String.format(Locale.ROOT, "validation NLL %.4f", v.nll()));
                }
            }

            @Override
            public void onFinish(TrainingResult result) {
                if (pb != null) {
                    pb.close();
                    pb = null;
                }
            }
        };
    }

    /** Progress of a task measured in units (samples, grid cells); close() when done. */
    static final class Task implements ProgressListener, AutoCloseable {
        private final Mode mode;
        private final PrintWriter err;
        private final String name;
        private ProgressBar pb;
        private long nextReport;

        Task(Mode mode, PrintWriter err, String name) {
            this.mode = mode;
            this.err = err;
            this.name = name;
        }

        @Override
        public void progress(long done, long total) {
            if (mode == Mode.BAR) {
                if (pb == null) {
                    pb = bar(name, total);
                }
                pb.stepTo(done);
            } else if (mode == Mode.LINES && (done >= nextReport || done == total)) {
                err.printf(Locale.ROOT, "%s: %d/%d%n", name, done, total);
                err.flush();
                nextReport = done + Math.max(1, total / 10);
            }
        }

        @Override
        public void close() {
            if (pb != null) {
                pb.close();
            }
        }
    }
}
