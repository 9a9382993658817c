package org.cnf4j.cli;

import java.util.Map;
import org.cnf4j.settings.SettingCheck;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The one layer of option checks of {@code cnf} and {@code cnf-spark}: numbers are finite
 * wherever an option takes one ({@code --lr Infinity} and {@code --guidance NaN} are usage errors),
 * and before a command runs every {@link CheckedOptions} of it (the command and its mixins) checks
 * its values, most of them through the library's own checks ({@link SettingCheck}), whose setting
 * names are turned into the options' names here.
 */
public final class OptionChecks {

    /** The library's setting names and the options that set them. */
    static final Map<String, String> OPTION_OF_SETTING = Map.ofEntries(
            Map.entry("blocks", "--blocks"),
            Map.entry("endTime", "--time"),
            Map.entry("batch", "--batch"),
            Map.entry("learningRate", "--lr"),
            Map.entry("weightDecay", "--weight-decay"),
            Map.entry("ema", "--ema"),
            Map.entry("iterations", "--iterations"),
            Map.entry("timeBudget", "--time-budget"),
            Map.entry("validationInterval", "--validation-interval"),
            Map.entry("sigmaMin", "--sigma-min"),
            Map.entry("contextDropout", "--context-dropout"),
            Map.entry("kineticWeight", "--kinetic"),
            Map.entry("jacobianWeight", "--jacobian"),
            Map.entry("rtol", "--rtol"),
            Map.entry("atol", "--atol"),
            Map.entry("steps", "--steps"),
            Map.entry("maxEvaluations", "--max-nfe"),
            Map.entry("validationFraction", "--validation-fraction"),
            Map.entry("testFraction", "--test-fraction"),
            Map.entry("guidance", "--guidance"));

    private OptionChecks() {}

    /** Installs the finite-number converters and the checks before execution on a command line. */
    public static CommandLine install(CommandLine cl) {
        CommandLine.ITypeConverter<Double> finite = OptionChecks::finite;
        cl.registerConverter(Double.class, finite);
        cl.registerConverter(double.class, finite);
        CommandLine.IExecutionStrategy run = new CommandLine.RunLast();
        cl.setExecutionStrategy(parsed -> {
            check(parsed);
            return run.execute(parsed);
        });
        return cl;
    }

    /** Checks the options of a parsed command line, its subcommands' included. */
    static void check(CommandLine.ParseResult parsed) {
        for (CommandLine.ParseResult p = parsed; p != null; p = p.subcommand()) {
            checkAll(p.commandSpec());
        }
    }

    private static void checkAll(CommandSpec spec) {
        if (spec.userObject() instanceof CheckedOptions c) {
            c.check(spec);
        }
        for (CommandSpec mixin : spec.mixins().values()) {
            if (mixin.userObject() instanceof CheckedOptions c) {
                c.check(spec);
            }
        }
    }

    /** A number as options take one: finite, in Java's or C's spelling. */
    static Double finite(String value) {
        double v;
        try {
            v = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a number");
        }
        if (!Double.isFinite(v)) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not a finite number");
        }
        return v;
    }

    /**
     * Runs a library check (building options, a solver setting) and turns its failure into a usage
     * error naming the option.
     */
    static <T> T library(CommandSpec spec, java.util.function.Supplier<T> build) {
        try {
            return build.get();
        } catch (IllegalArgumentException e) {
            if (spec == null) {
                throw e;
            }
            throw new ParameterException(spec.commandLine(), SettingCheck.renamed(e.getMessage(), OPTION_OF_SETTING));
        }
    }
}
