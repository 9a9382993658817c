package org.cnf4j.cli;

import static org.cnf4j.cli.CliErrorsTest.fails;
import static org.cnf4j.cli.CliErrorsTest.words;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables as users have them: text columns left out before they are parsed, missing values that
 * fail naming their line or drop their rows, dequantisation refused on non-integer columns, and
 * a column that looks like a class label named in a warning.
 */
class TablesAsUsersHaveThemTest {

    @TempDir
    static Path dir;

    static Path penguins;

    /** A penguins-like table: text columns, an integer label, and missing values in two forms. */
    @BeforeAll
    static void table() throws IOException {
        CliErrorsTest.dir = dir;
        StringBuilder csv = new StringBuilder("Species,Island,bill,flipper,mass,Sex,class\n");
        java.util.SplittableRandom r = new java.util.SplittableRandom(3);
        for (int i = 0; i < 240; i++) {
            String bill = i == 17 ? "" : i == 40 ? "NA" : String.format(Locale.ROOT, "%.1f", 44 + 5 * r.nextGaussian());
            csv.append(i % 2 == 0 ? "Adelie" : "Gentoo")
                    .append(",Biscoe,")
                    .append(bill)
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.1f", 200 + 14 * r.nextGaussian()))
                    .append(',')
                    .append(String.format(Locale.ROOT, "%.0f", 4200 + 800 * r.nextGaussian()))
                    .append(',')
                    .append(i % 3 == 0 ? "NA" : "male")
                    .append(',')
                    .append(i % 3)
                    .append('\n');
        }
        penguins = CliErrorsTest.write("penguins.csv", csv.toString());
    }

    private static String[] train(String out, String... extra) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of(
                "train",
                "--data",
                penguins.toString(),
                "--out",
                dir.resolve(out).toString(),
                "--objective",
                "flow-matching",
                "--iterations",
                "3",
                "--hidden",
                "8",
                "--batch",
                "20",
                "--no-baselines",
                "--quiet"));
        args.addAll(java.util.List.of(extra));
        return args.toArray(new String[0]);
    }

    @Test
    void excludedTextColumnsAreNeverParsed() {
        // without --missing, the first missing value in a used column stops the run, naming it
        fails(
                1,
                dir.resolve("a.zip"),
                words("line 19", "column 3 (bill)", "missing value (empty cell)", "--missing drop-rows"),
                train("a.zip", "--exclude-columns", "Species,Island,Sex,class"));
        CliRun r = CliRun.of(train("b.zip", "--exclude-columns", "Species,Island,Sex,class", "--missing", "drop-rows"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.err().contains("left out 2 of 240 rows with a missing value"), r.err());
        assertFalse(r.err().contains("warning"), r.err());
        // --columns reads only the columns it names: the text and the NA of Sex are never seen
        CliRun c = CliRun.of(train("c.zip", "--columns", "flipper,mass"));
        assertEquals(0, c.code(), c.toString());
    }

    @Test
    void aColumnThatLooksLikeALabelIsNamedBeforeTraining() {
        CliRun r = CliRun.of(train("d.zip", "--columns", "flipper,mass,class"));
        assertEquals(0, r.code(), r.toString());
        assertTrue(
                r.err()
                                .contains(
                                        "warning: the column 'class' (3 distinct integers: 0, 1, 2) looks like a class "
                                                + "label")
                        && r.err().contains("--exclude-columns class"),
                r.err());
        // the measurements themselves are not labels
        CliRun m = CliRun.of("baselines", "--data", penguins.toString(), "--columns", "flipper,mass");
        assertEquals(0, m.code(), m.toString());
        assertFalse(m.err().contains("warning"), m.err());
        CliRun b = CliRun.of("baselines", "--data", penguins.toString(), "--columns", "flipper,class");
        assertTrue(b.err().contains("'class'"), b.err());
    }

    @Test
    void dequantisingANonIntegerColumnIsRefusedNamingIt() {
        fails(
                1,
                dir.resolve("e.zip"),
                words("--dequantize", "the column 'flipper'", "--exclude-columns flipper"),
                train("e.zip", "--columns", "mass,flipper", "--dequantize"));
        CliRun ok = CliRun.of(train("f.zip", "--columns", "mass,class", "--dequantize"));
        assertEquals(0, ok.code(), ok.toString());
    }

    @Test
    void columnsAndExcludedColumnsTogetherAreAUsageError() {
        fails(
                2,
                dir.resolve("g.zip"),
                words("--columns or --exclude-columns"),
                train("g.zip", "--columns", "mass", "--exclude-columns", "bill"));
    }

    @Test
    void aModelIsScoredAndReportedOnATableWithTextColumns() throws IOException {
        CliRun t = CliRun.of(train("h.zip", "--columns", "flipper,mass"));
        assertEquals(0, t.code(), t.toString());
        CliRun report = CliRun.of(
                "report",
                "--model",
                dir.resolve("h.zip").toString(),
                "--data",
                penguins.toString(),
                "--out",
                dir.resolve("h-report").toString(),
                "--samples",
                "50",
                "--resolution",
                "10",
                "--quiet");
        assertEquals(0, report.code(), report.toString());
        assertTrue(Files.exists(dir.resolve("h-report").resolve("index.html")));
    }
}
