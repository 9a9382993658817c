package org.cnf4j.cli;

import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.trace.TraceEstimator;
import picocli.CommandLine.Option;

/**
 * Overrides of a loaded model's evaluation settings: solver, tolerances, trace estimator, precision;
 * a picocli mixin shared by cnf's and cnf-spark's evaluating commands.
 */
public final class EvaluationOptions implements CheckedOptions {

    @Option(names = "--solver", converter = Converters.SolverConverter.class,
            description = "ODE solver: euler, midpoint, rk4, bosh3, dopri5, tsit5 (default: the model's).")
    RungeKuttaMethod solver;

    @Option(names = "--rtol", description = "Relative tolerance (default: the model's).")
    Double rtol;

    @Option(names = "--atol", description = "Absolute tolerance (default: the model's).")
    Double atol;

    @Option(names = "--steps", description = "Steps per block for fixed-step solvers (default 100).")
    Integer steps;

    @Option(names = "--trace", converter = Converters.TraceConverter.class,
            description = "Trace estimator: exact, hutchinson, rademacher (default: exact when it costs at most 40 "
                    + "times Hutchinson's estimate, i.e. up to 79 dimensions with the built-in networks).")
    TraceEstimator trace;

    @Option(names = "--max-nfe", description = "Cap on the function evaluations of one solve; a solve that needs "
            + "more fails with a clear error (default: the model's, normally none).")
    Integer maxNfe;

    @Option(names = "--precision", defaultValue = "double",
            description = "Matrix products of the built-in networks in double or float (default: ${DEFAULT-VALUE}).")
    MatrixPrecision precision;

    /** Checks the overrides given, as the library checks a solver's settings; usage errors name the option. */
    @Override
    public void check(picocli.CommandLine.Model.CommandSpec spec) {
        if (rtol != null || atol != null) {
            OptionChecks.library(spec, () -> SolverConfig.dopri5(rtol != null ? rtol : 1e-5, atol != null ? atol : 1e-5));
        }
        if (steps != null) {
            OptionChecks.library(spec, () -> SolverConfig.fixed(RungeKuttaMethod.EULER, steps));
        }
        if (maxNfe != null && maxNfe < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--max-nfe must be at least 1 (got "
                    + maxNfe + ")");
        }
    }

    /** The matrix precision asked for (double unless {@code --precision float}). */
    public MatrixPrecision precision() {
        return precision;
    }

    /** Applies the given overrides to the flow. */
    public void apply(ContinuousNormalizingFlow flow) {
        SolverConfig s = flow.solver();
        boolean hadTolerances = s.rtol() > 0 || s.atol() > 0;
        RungeKuttaMethod m = solver != null ? solver : s.method();
        double r = rtol != null ? rtol : hadTolerances ? s.rtol() : 1e-5;
        double a = atol != null ? atol : hadTolerances ? s.atol() : 1e-5;
        int st = steps != null ? steps : s.steps() > 0 ? s.steps() : 100;
        flow.setSolver(new SolverConfig(m, r, a, st, s.maxSteps(), maxNfe != null ? maxNfe : s.maxEvaluations()));
        flow.setMatrixPrecision(precision);
        flow.setTraceEstimator(trace != null ? trace : flow.defaultEvaluationEstimator());
    }
}
