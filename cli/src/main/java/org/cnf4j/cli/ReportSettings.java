package org.cnf4j.cli;

import org.cnf4j.report.ReportGenerator;

/** The configuration rows a training report shows. */
final class ReportSettings {

    private ReportSettings() {
    }

    static void describe(ReportGenerator.Input in, TrainCommand c) {
        in.config("data", c.dataOptions.data)
                .config("iterations", c.iterations)
                .config("batch size", c.batch)
                .config("optimizer", "Adam, learning rate " + c.lr + " (" + c.lrSchedule + "), weight decay " + c.weightDecay)
                .config("objective", c.objective + (c.objective.equals("flow-matching") ? " (sigma_min " + c.sigmaMin
                        + (c.otCoupling ? ", OT coupling" : "") + ", " + c.timeSampling + " times)" : ""))
                .config("gradients", c.objective.equals("flow-matching") ? "none (no ODE solve)"
                        : c.gradient + (c.seminorm ? " (seminorm)" : ""))
                .config("training trace estimator", c.trace != null ? c.trace.name() : "default")
                .config("matrix precision", c.precision.name().toLowerCase(java.util.Locale.ROOT))
                .config("regularisers", "kinetic " + c.kinetic + ", jacobian " + c.jacobian)
                .config("seed", c.seed);
    }
}
