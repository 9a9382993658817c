package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every command of docs/tutorial.md, as written and in order, with bash in a folder laid out
 * like the repository: {@code cli/data} are the example data sets and {@code cli/cnf} a launcher
 * that runs this build's classes (the jar is made after the tests). Each must exit 0 and the files
 * the tutorial names must be there afterwards.
 */
class TutorialTest {

    @TempDir
    Path dir;

    @Test
    void everyCommandOfTheTutorialRunsAsWritten() throws Exception {
        List<ShellExamples.Example> examples = ShellExamples.of(Path.of("..", "docs", "tutorial.md"));
        assertTrue(examples.size() >= 8, "the tutorial's commands: " + examples);
        ShellExamples.layOut(dir);
        String trained = "";
        for (ShellExamples.Example e : examples) {
            String output = ShellExamples.run(e, dir);
            if (e.command().startsWith("cli/cnf train ")) {
                trained = output;
            }
        }
        // what the tutorial says of wine: the flow beats the Gaussian and the mixture on the test rows
        java.util.regex.Matcher flow =
                java.util.regex.Pattern.compile("\ntest NLL: ([-0-9.]+) nats").matcher(trained);
        java.util.regex.Matcher baselines = java.util.regex.Pattern.compile("baselines, test NLL: Gaussian ([-0-9.]+) "
                        + "nats, Gaussian mixture \\(\\d+ components?\\) ([-0-9.]+) nats")
                .matcher(trained);
        assertTrue(flow.find() && baselines.find(), trained);
        double best = Math.min(Double.parseDouble(baselines.group(1)), Double.parseDouble(baselines.group(2)));
        assertTrue(Double.parseDouble(flow.group(1)) < best, "the tutorial says the flow wins on wine:\n" + trained);
        for (String made : List.of("wine.zip", "wine-report/index.html", "wine-logp.csv", "wine-samples.csv")) {
            assertTrue(Files.exists(dir.resolve(made)), made + " was not made");
        }
        assertEquals(179, Files.readAllLines(dir.resolve("wine-logp.csv")).size(), "a header and a line per row");
        assertEquals(501, Files.readAllLines(dir.resolve("wine-samples.csv")).size(), "a header and 500 samples");
    }
}
