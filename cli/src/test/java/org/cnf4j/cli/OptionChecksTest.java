package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The one option layer: every number finite and in range, a usage error (exit 2) before any work. */
class OptionChecksTest {

    @TempDir
    Path dir;

    private void refused(String expected, String... args) {
        CliRun r = CliRun.of(args);
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains(expected), r.toString());
        assertFalse(r.err().contains("\tat "), r.toString());
    }

    @Test
    void nonFiniteNumbersAreUsageErrorsInEveryCommand() {
        Path out = dir.resolve("m.zip");
        refused(
                "'Infinity' is not a finite number",
                "train",
                "--data",
                "8gaussians",
                "--out",
                out.toString(),
                "--lr",
                "Infinity");
        refused("'NaN' is not a finite number", "sample", "--model", "m.zip", "-n", "5", "--guidance", "NaN");
        refused(
                "'-Infinity' is not a finite number",
                "train",
                "--data",
                "8gaussians",
                "--out",
                out.toString(),
                "--kinetic",
                "-Infinity");
        assertFalse(Files.exists(out));
    }

    @Test
    void durationsThatWouldOverflowAreRefused() {
        refused(
                "at most 366 days",
                "train",
                "--data",
                "8gaussians",
                "--out",
                dir.resolve("m.zip").toString(),
                "--time-budget",
                "1000000000h");
    }

    @Test
    void theLibrarysChecksNameTheOptions() {
        String out = dir.resolve("m.zip").toString();
        refused("--ema must be in [0, 1) (got 1.0)", "train", "--data", "8gaussians", "--out", out, "--ema", "1");
        refused(
                "--lr must be a finite number above 0 (got 0.0)",
                "train",
                "--data",
                "8gaussians",
                "--out",
                out,
                "--lr",
                "0");
        refused(
                "tolerances must each be 0 or at least 1.0E-12",
                "train",
                "--data",
                "8gaussians",
                "--out",
                out,
                "--rtol",
                "1e-300");
        refused(
                "--steps must be in [1, 100000]",
                "train",
                "--data",
                "8gaussians",
                "--out",
                out,
                "--solver",
                "euler",
                "--steps",
                "2000000000");
        refused(
                "--rtol must be in [0, 1] (got -1.0)",
                "density",
                "--model",
                "m.zip",
                "--input",
                "x.csv",
                "--rtol",
                "-1");
    }

    @Provide
    Arbitrary<String> numbers() {
        return Arbitraries.oneOf(
                Arbitraries.doubles().map(d -> Double.toString(d)),
                Arbitraries.of(
                        "NaN",
                        "Infinity",
                        "-Infinity",
                        "1e999",
                        "-0",
                        "0",
                        "1",
                        "0x1p3",
                        "1e-400",
                        "",
                        " 1",
                        "1,5",
                        "abc",
                        "1e308"),
                Arbitraries.longs().map(Double::longBitsToDouble).map(d -> String.format(Locale.ROOT, "%s", d)));
    }

    @Provide
    Arbitrary<String> numericOptions() {
        return Arbitraries.of(
                "--lr",
                "--ema",
                "--weight-decay",
                "--time",
                "--sigma-min",
                "--context-dropout",
                "--kinetic",
                "--jacobian",
                "--rtol",
                "--atol",
                "--backward-rtol",
                "--time-budget");
    }

    /** Any value of a numeric training option is accepted finite and in range, or is one usage error. */
    @Property(tries = 400)
    void everyNumericOptionValueIsAcceptedInRangeOrRefusedAsUsage(
            @ForAll("numericOptions") String option, @ForAll("numbers") String value) {
        CommandLine cl = CnfCommand.configure(
                new CommandLine(new CnfCommand()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()));
        try {
            CommandLine.ParseResult parsed =
                    cl.parseArgs("train", "--data", "8gaussians", "--out", "m.zip", option, value);
            OptionChecks.check(parsed);
            TrainCommand train =
                    (TrainCommand) parsed.subcommand().commandSpec().userObject();
            assertTrue(train.training.options(null, null).build() != null);
            double v = option.equals("--time-budget") ? 1 : Double.parseDouble(value.trim());
            assertTrue(Double.isFinite(v), value);
        } catch (CommandLine.ParameterException e) {
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        }
    }
}
