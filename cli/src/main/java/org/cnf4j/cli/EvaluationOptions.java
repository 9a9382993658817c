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

    @Option(
            names = {"--solver", "--method"},
            converter = Converters.SolverConverter.class,
            description = "ODE solver: euler, midpoint, heun, rk4 (fixed steps), bosh3, dopri5, tsit5 (default: the "
                    + "model's; with --steps alone, a reflowed model's recommended method, else midpoint).")
    RungeKuttaMethod solver;

    @Option(names = "--rtol", description = "Relative tolerance (default: the model's).")
    Double rtol;

    @Option(names = "--atol", description = "Absolute tolerance (default: the model's).")
    Double atol;

    @Option(
            names = "--steps",
            description = "Steps per block of a fixed-step solver: K steps take K times the "
                    + "method's stages evaluations (default: a reflowed model's recommended steps, else 100).")
    Integer steps;

    @Option(
            names = "--trace",
            converter = Converters.TraceConverter.class,
            description = "Trace estimator: exact, hutchinson, rademacher (default: exact when it costs at most 40 "
                    + "times Hutchinson's estimate, i.e. up to 79 dimensions with the built-in networks).")
    TraceEstimator trace;

    @Option(
            names = "--max-nfe",
            description = "Cap on the function evaluations of one solve; a solve that needs "
                    + "more fails with a clear error (default: the model's, normally none).")
    Integer maxNfe;

    @Option(
            names = "--precision",
            defaultValue = "double",
            description = "Matrix products of the built-in networks in double or float (default: ${DEFAULT-VALUE}).")
    MatrixPrecision precision;

    /** Checks the overrides given, as the library checks a solver's settings; usage errors name the option. */
    @Override
    public void check(picocli.CommandLine.Model.CommandSpec spec) {
        if (rtol != null || atol != null) {
            OptionChecks.library(
                    spec, () -> SolverConfig.dopri5(rtol != null ? rtol : 1e-5, atol != null ? atol : 1e-5));
        }
        if (steps != null) {
            OptionChecks.library(spec, () -> SolverConfig.fixed(RungeKuttaMethod.EULER, steps));
        }
        if (maxNfe != null && maxNfe < 1) {
            throw new picocli.CommandLine.ParameterException(
                    spec.commandLine(), "--max-nfe must be at least 1 (got " + maxNfe + ")");
        }
    }

    /** The matrix precision asked for (double unless {@code --precision float}). */
    public MatrixPrecision precision() {
        return precision;
    }

    /** Applies the given overrides to the flow. */
    public void apply(ContinuousNormalizingFlow flow) {
        apply(flow, null);
    }

    /**
     * Applies the overrides for sampling: a reflowed model given neither --solver nor --steps
     * samples with its recommended fixed-step sampler; --steps alone takes its recommended method
     * (midpoint for other models).
     *
     * @return the reflowed model's sampler in use, in words, or null
     */
    public String applyForSampling(ContinuousNormalizingFlow flow, org.cnf4j.io.ReflowInfo reflow) {
        if (reflow != null && solver == null && steps == null && rtol == null && atol == null) {
            flow.setSolver(SolverConfig.fixed(reflow.method(), reflow.steps()));
            flow.setMatrixPrecision(precision);
            flow.setTraceEstimator(trace != null ? trace : flow.defaultEvaluationEstimator());
            return reflow.describeSampler();
        }
        apply(
                flow,
                steps != null && solver == null && flow.solver().method().isAdaptive()
                        ? reflow != null ? reflow.method() : RungeKuttaMethod.MIDPOINT
                        : null);
        return null;
    }

    private void apply(ContinuousNormalizingFlow flow, RungeKuttaMethod fixedForSteps) {
        SolverConfig s = flow.solver();
        boolean hadTolerances = s.rtol() > 0 || s.atol() > 0;
        RungeKuttaMethod m = solver != null ? solver : fixedForSteps != null ? fixedForSteps : s.method();
        double r = rtol != null ? rtol : hadTolerances ? s.rtol() : 1e-5;
        double a = atol != null ? atol : hadTolerances ? s.atol() : 1e-5;
        int st = steps != null ? steps : s.steps() > 0 ? s.steps() : 100;
        flow.setSolver(new SolverConfig(m, r, a, st, s.maxSteps(), maxNfe != null ? maxNfe : s.maxEvaluations()));
        flow.setMatrixPrecision(precision);
        flow.setTraceEstimator(trace != null ? trace : flow.defaultEvaluationEstimator());
    }
}
