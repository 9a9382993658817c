package org.cnf4j.cli;

import org.cnf4j.report.ReportGenerator;

/** The configuration rows a training report shows. */
final class ReportSettings {

    private ReportSettings() {}

    static void describe(ReportGenerator.Input in, TrainCommand c, long iterations) {
        in.config("data", c.dataOptions.data)
                .config("iterations", iterations)
                .config("batch size", c.training.batch)
                .config(
                        "optimizer",
                        "Adam, learning rate " + c.training.lr + " (" + c.training.lrSchedule + "), weight decay "
                                + c.training.weightDecay)
                .config(
                        "objective",
                        c.objective
                                + (c.objective.equals("flow-matching")
                                        ? " (sigma_min " + c.training.sigmaMin + (c.otCoupling ? ", OT coupling" : "")
                                                + ", " + c.training.timeSampling + " times)"
                                        : ""))
                .config(
                        "gradients",
                        c.objective.equals("flow-matching")
                                ? "none (no ODE solve)"
                                : c.training.gradient + (c.training.seminorm ? " (seminorm)" : ""))
                .config("matrix precision", c.precision.name().toLowerCase(java.util.Locale.ROOT))
                .config("ema", c.training.ema > 0 ? "moving average of the weights, decay " + c.training.ema : "none");
        if (!c.objective.equals("flow-matching")) {
            // maximum likelihood only: flow matching solves no ODE in training
            in.config(
                            "training trace estimator",
                            c.training.trace != null ? c.training.trace.name() : "exact for 2-D data, Hutchinson above")
                    .config("regularisers", "kinetic " + c.training.kinetic + ", jacobian " + c.training.jacobian);
        }
        in.config("seed", c.training.seed);
    }
}
