package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.cnf4j.data.ToyDataset;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * Every {@code cli/cnf} line of the README and of docs/: it parses as written (its options exist,
 * the required ones are given, the values convert), and every file it reads is in the repository,
 * made by an earlier example of the same page, or one of {@link #READERS_FILES}. The tutorial's
 * lines are also run, as written, by {@link TutorialTest}; the other pages' lines train on whole
 * data sets for minutes each, so they are checked, not run.
 */
class ShellExamplesTest {

    /** Options whose value is a file (or toy data set) the command reads. */
    private static final Set<String> INPUTS = Set.of(
            "--data",
            "--model",
            "--input",
            "--compare",
            "--samples",
            "--test-data",
            "--validation-data",
            "--state-dict");

    /** Options whose value is a file or folder the command writes. */
    private static final Set<String> OUTPUTS = Set.of("--out", "--output", "--report", "--png", "--csv");

    /** Files that stand for the reader's own: a table of theirs, points of theirs, FFJORD's weights. */
    private static final Set<String> READERS_FILES = Set.of("penguins.csv", "points.csv", "weights.npz");

    /** Whether a command reads one of {@link #READERS_FILES}. */
    static boolean readsReadersFile(String command) {
        List<String> args = ShellExamples.arguments(command);
        for (int i = 0; i < args.size(); i++) {
            String value = valueOf(args, i);
            if (INPUTS.contains(optionName(args.get(i))) && value != null && READERS_FILES.contains(value)) {
                return true;
            }
        }
        return false;
    }

    static List<Path> pages() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(Path.of("..", "README.md")));
        try (Stream<Path> docs = Files.list(Path.of("..", "docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        return pages;
    }

    private static String valueOf(List<String> args, int i) {
        String a = args.get(i);
        int eq = a.indexOf('=');
        return eq >= 0 ? a.substring(eq + 1) : i + 1 < args.size() ? args.get(i + 1) : null;
    }

    private static String optionName(String a) {
        int eq = a.indexOf('=');
        return eq >= 0 ? a.substring(0, eq) : a;
    }

    @Test
    void everyCommandLineParsesAndReadsOnlyFilesThatExist() throws IOException {
        int checked = 0;
        List<String> problems = new ArrayList<>();
        for (Path page : pages()) {
            Set<String> made = new HashSet<>();
            for (ShellExamples.Example e : ShellExamples.of(page)) {
                checked++;
                List<String> args = ShellExamples.arguments(e.command());
                StringWriter sink = new StringWriter();
                CommandLine cl = CnfCommand.configure(
                        new CommandLine(new CnfCommand()), new PrintWriter(sink), new PrintWriter(sink));
                try {
                    cl.parseArgs(args.toArray(new String[0]));
                } catch (CommandLine.ParameterException ex) {
                    problems.add(e + "\n    does not parse: " + ex.getMessage());
                    continue;
                }
                for (int i = 0; i < args.size(); i++) {
                    String name = optionName(args.get(i));
                    String value = valueOf(args, i);
                    if (value == null) {
                        continue;
                    }
                    if (INPUTS.contains(name)
                            && !made.contains(value)
                            && !READERS_FILES.contains(value)
                            && !Files.exists(Path.of("..").resolve(value))
                            && !isToy(value)) {
                        problems.add(e + "\n    reads " + value + ", which neither the repository nor an earlier "
                                + "example of the page holds");
                    }
                    if (OUTPUTS.contains(name)) {
                        made.add(value);
                    }
                }
                String redirected = ShellExamples.redirectTarget(e.command());
                if (redirected != null) {
                    made.add(redirected);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
        // the README's and docs' examples are there to be checked (about forty lines today)
        assertTrue(checked >= 30, checked + " command lines found");
    }

    private static boolean isToy(String name) {
        try {
            ToyDataset.byName(name);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Test
    void theCheckBitesOnAMissingRequiredOptionAndAFileNoExampleMakes() throws IOException {
        Path page = Files.createTempFile("page", ".md");
        try {
            Files.writeString(
                    page,
                    "```\ncli/cnf train --data cli/data/wine.csv --report r\n"
                            + "cli/cnf info --model nowhere.zip\n```\n");
            List<ShellExamples.Example> examples = ShellExamples.of(page);
            assertEquals(2, examples.size());
            StringWriter sink = new StringWriter();
            CommandLine cl = CnfCommand.configure(
                    new CommandLine(new CnfCommand()), new PrintWriter(sink), new PrintWriter(sink));
            boolean refused = false;
            try {
                cl.parseArgs(ShellExamples.arguments(examples.get(0).command()).toArray(new String[0]));
            } catch (CommandLine.MissingParameterException e) {
                refused = e.getMessage().contains("--out");
            }
            assertTrue(refused, "train without --out must not parse");
            assertFalse(Files.exists(Path.of("..", "nowhere.zip")));
        } finally {
            Files.delete(page);
        }
    }

    @Test
    void quotesPipesAndRedirectionsAreShellNotArguments() {
        assertEquals(
                List.of("sample", "--model", "m.zip", "--output", "-"),
                ShellExamples.arguments("cli/cnf sample --model m.zip --output - > fast.csv"));
        assertEquals("fast.csv", ShellExamples.redirectTarget("cli/cnf sample --output - > fast.csv"));
        assertEquals(
                List.of("density", "--input", "a b.csv"),
                ShellExamples.arguments("cli/cnf density --input 'a b.csv' | sort -g | head -n 3"));
    }
}
