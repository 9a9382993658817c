package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The invented cases of docs/reliability.md that one command line decides: each row is the case's
 * number there, the command (with {@code {model}}, {@code {dir}} and the fixture files named in
 * braces), the exit code and a fragment of the message. No case leaves a file named {@code out*}.
 */
class InventedCasesTest {

    @TempDir
    static Path dir;

    static Path model;

    @BeforeAll
    static void fixtures() throws IOException {
        model = dir.resolve("m.zip");
        CliRun r = CliRun.of(
                "train",
                "--data",
                "moons",
                "--out",
                model.toString(),
                "--hidden",
                "4",
                "--iterations",
                "2",
                "--validation-interval",
                "0",
                "--test-size",
                "100",
                "--quiet",
                "--no-baselines");
        assertEquals(0, r.code(), r.toString());
        write("unclosed.csv", "x,y\n1,2\n3,\"4\n");
        write("stray-quote.csv", "x,y\n1,2\n3,\"4\"5\n");
        write("numbers-header.csv", "1,2\n3,4\n");
        write("twice.csv", "x,x\n1,2\n");
        write("pandas-index.csv", ",x,y\n0,1,2\n1,3,4\n");
        write("infinite.csv", "x,y\n1,2\n-inf,3\n");
        write("bom-quoted.csv", "\uFEFF\"x\",\"y\"\n0.1,0.2\n0.3,0.4\n");
        write("quoted-comma.tsv", "\"x, m\"\ty\tnote\n0.1\t0.2\t\"a, b\"\n");
        write("notes/notes.txt", "mine");
        write("short.csv", "x,y\n1,2\n3\n");
        write("hex.csv", "x,y\n0x1p3,2\n");
        write("blank-lines.csv", "\n\n  \nx,y\n\n0.1,0.2\n\n");
        write("crlf.csv", "x,y\r\n0.1,0.2\r\n0.3,0.4\r\n");
        StringBuilder thirty = new StringBuilder("a,b\n");
        java.util.SplittableRandom random = new java.util.SplittableRandom(30);
        for (int i = 0; i < 30; i++) {
            thirty.append(random.nextGaussian())
                    .append(",")
                    .append(random.nextGaussian())
                    .append('\n');
        }
        write("thirty.csv", thirty.toString());
        write("extra-column.csv", "x,y,comment\n0.1,0.2,\"free text, with \"\"quotes\"\"\"\n");
    }

    private static void write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
    }

    static Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();
        String train = "train --data moons --out {dir}/out.zip --iterations 1 --no-baselines --quiet ";
        // options: one usage error each, before any work (exit 2)
        c.add(Arguments.of(1, train + "--lr NaN", 2, "'NaN' is not a finite number"));
        c.add(Arguments.of(2, train + "--lr -1", 2, "--lr must be a finite number above 0"));
        c.add(Arguments.of(3, train + "--ema 1.5", 2, "--ema must be in [0, 1)"));
        c.add(Arguments.of(4, train + "--weight-decay -1e-3", 2, "--weight-decay must be a finite number at least 0"));
        c.add(Arguments.of(5, train + "--time 0", 2, "--time must be a finite number above 0"));
        c.add(Arguments.of(6, train + "--time 1e400", 2, "'1e400' is not a finite number"));
        c.add(Arguments.of(7, train + "--blocks 0", 2, "--blocks must be at least 1"));
        c.add(Arguments.of(8, train + "--batch -1", 2, "--batch must be at least 0"));
        c.add(Arguments.of(
                9, "train --data moons --out {dir}/out.zip --iterations 0", 2, "--iterations must be at least 1"));
        c.add(Arguments.of(10, train + "--validation-interval -1", 2, "--validation-interval must be at least 0"));
        c.add(Arguments.of(11, train + "--sigma-min 1", 2, "--sigma-min must be in [0, 1)"));
        c.add(Arguments.of(12, train + "--context-dropout -0.1", 2, "--context-dropout must be in [0, 1)"));
        c.add(Arguments.of(13, train + "--kinetic NaN", 2, "'NaN' is not a finite number"));
        c.add(Arguments.of(14, train + "--rtol 0 --atol 0", 2, "rtol and atol must not both be 0"));
        c.add(Arguments.of(15, train + "--atol 1e-13", 2, "tolerances must each be 0 or at least 1.0E-12"));
        c.add(Arguments.of(16, train + "--solver euler --steps 0", 2, "a fixed-step method"));
        c.add(Arguments.of(17, train + "--solver rk4 --steps 100001", 2, "--steps must be in [1, 100000]"));
        c.add(Arguments.of(18, "train --data moons --out {dir}/out.zip --time-budget 0s", 2, "must be above 0"));
        c.add(Arguments.of(19, "train --data moons --out {dir}/out.zip --time-budget 9000h", 2, "at most 366 days"));
        c.add(Arguments.of(20, "train --data moons --out {dir}/out.zip --time-budget=-5s", 2, "is not a duration"));
        c.add(Arguments.of(21, train + "--max-nfe -1", 2, "--max-nfe must be at least 0"));
        c.add(Arguments.of(22, train + "--hidden 0", 2, "--hidden widths must be positive"));
        c.add(Arguments.of(23, train + "--backward-rtol 1e-20", 2, "tolerances must each be 0 or at least 1.0E-12"));
        c.add(Arguments.of(24, train + "--seed abc", 2, "'abc' is not a long"));
        c.add(Arguments.of(25, "sample --model {model} -n 0 --output {dir}/out.csv", 2, "-n must be positive"));
        c.add(Arguments.of(
                26,
                "sample --model {model} -n 5 --temperature 0 --output {dir}/out.csv",
                2,
                "--temperature and --chunk must be positive"));
        c.add(Arguments.of(
                27,
                "sample --model {model} -n 5 --chunk 0 --output {dir}/out.csv",
                2,
                "--temperature and --chunk must be positive"));
        c.add(Arguments.of(
                28,
                "sample --model {model} -n 5 --guidance 21 --output {dir}/out.csv",
                2,
                "--guidance must be in [0, 20]"));
        c.add(Arguments.of(29, "density --model {model} --input moons --rtol 2", 2, "--rtol must be in [0, 1]"));
        c.add(Arguments.of(
                30, "density --model {model} --input moons --solver euler --steps 0", 2, "a fixed-step method"));
        c.add(Arguments.of(31, "density --model {model} --input moons --max-nfe 0", 2, "--max-nfe must be at least 1"));
        c.add(Arguments.of(
                32, "sample --model {model} -n Infinity --output {dir}/out.csv", 2, "'Infinity' is not a long"));
        c.add(Arguments.of(
                33,
                "sample --model {model} -n 100000000 --chunk 100000000 --with-logp --output " + "{dir}/out.csv",
                2,
                "--chunk 100,000,000 needs about"));
        // tables: RFC 4180, one message with the line (exit 1)
        c.add(Arguments.of(
                34,
                "density --model {model} --input {dir}/unclosed.csv",
                1,
                "line 3: not a CSV record (a quoted cell is not closed before the end of the file)"));
        c.add(Arguments.of(
                35,
                "density --model {model} --input {dir}/stray-quote.csv",
                1,
                "line 3: not a CSV record (text after a quoted cell's closing quote"));
        c.add(Arguments.of(36, "density --model {model} --input {dir}/numbers-header.csv", 1, "looks like data"));
        c.add(Arguments.of(37, "density --model {model} --input {dir}/twice.csv", 1, "names the column 'x' twice"));
        c.add(Arguments.of(
                38,
                "train --data {dir}/pandas-index.csv --out {dir}/out.zip --iterations 1",
                1,
                "column 1 has no name in the header; name it, or leave it out (--exclude-columns 0)"));
        c.add(Arguments.of(39, "density --model {model} --input {dir}/infinite.csv", 1, "is not a finite value"));
        c.add(Arguments.of(
                40,
                "density --model {model} --input {dir}/short.csv",
                1,
                "line 3: 1 values, but the header has 2 columns"));
        c.add(Arguments.of(41, "density --model {model} --input {dir}/hex.csv", 1, "'0x1p3' is not a number"));
        c.add(Arguments.of(42, "density --model {model} --input {dir}/bom-quoted.csv", 0, "mean NLL"));
        c.add(Arguments.of(43, "density --model {model} --input {dir}/quoted-comma.tsv --columns 0,1", 0, "mean NLL"));
        c.add(Arguments.of(44, "density --model {model} --input {dir}/blank-lines.csv", 0, "over 1 rows"));
        c.add(Arguments.of(45, "density --model {model} --input {dir}/crlf.csv", 0, "over 2 rows"));
        c.add(Arguments.of(46, "density --model {model} --input {dir}/extra-column.csv", 0, "over 1 rows"));
        // outputs: named by their format, never over the command's files
        c.add(Arguments.of(
                47, "density --model {model} --input moons --output {dir}/out.npy", 1, "not in NumPy's format"));
        c.add(Arguments.of(48, "grid --model {model} --csv {dir}/out.npz", 1, "not in NumPy's format"));
        c.add(Arguments.of(
                49,
                "report --model {model} --data moons --out {dir}/notes",
                1,
                "holds files no cnf report wrote (notes.txt)"));
        c.add(Arguments.of(50, "report --model {model} --data moons --out {dir}/m.zip", 1, "is a file; give a folder"));
        c.add(Arguments.of(
                51,
                "train --data moons --out {dir}/out-rep/index.html --report {dir}/out-rep " + "--iterations 1",
                1,
                "has the name of a report file"));
        c.add(Arguments.of(
                52,
                "report --model {model} --data moons --out {dir} --compare {dir}/m.zip",
                1,
                "holds files no cnf report wrote"));
        c.add(Arguments.of(53, "sample --model {model} -n 5 --output {model}", 1, "is the input file"));
        c.add(Arguments.of(54, "density --model {model} --input {dir}/no-such.csv", 1, "no such file"));
        // every size of table trains with no setting it did not ask for
        c.add(Arguments.of(
                55,
                "train --data {dir}/thirty.csv --out {dir}/thirty.zip --iterations 2 --hidden 4 "
                        + "--no-baselines --quiet",
                0,
                "model written"));
        return c.stream();
    }

    @ParameterizedTest(name = "case {0}: {1}")
    @MethodSource("cases")
    void eachCaseHasItsVerdict(int number, String command, int code, String fragment) throws IOException {
        List<String> args = new ArrayList<>();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("\"([^\"]*)\"|(\\S+)").matcher(command);
        while (m.find()) {
            String a = m.group(1) != null ? m.group(1) : m.group(2);
            args.add(a.replace("{model}", model.toString()).replace("{dir}", dir.toString()));
        }
        CliRun r = CliRun.of(args.toArray(new String[0]));
        assertEquals(code, r.code(), "case " + number + ":\n" + r);
        assertTrue((r.out() + r.err()).contains(fragment), "case " + number + " should say '" + fragment + "':\n" + r);
        assertFalse(r.err().contains("\tat "), "case " + number + ": no stack trace:\n" + r);
        if (code != 0) {
            try (Stream<Path> files = Files.list(dir)) {
                assertTrue(
                        files.noneMatch(f -> f.getFileName().toString().startsWith("out")),
                        "case " + number + " left an output behind");
            }
        }
    }
}
