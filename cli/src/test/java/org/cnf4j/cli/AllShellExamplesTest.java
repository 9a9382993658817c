package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs every {@code cli/cnf} line of the README and of each page of docs/, as written and in page
 * order, each page in a fresh folder laid out like the repository. The lines train on whole data
 * sets, draw a million samples and the like, for about half an hour in all on 2 cores: more than
 * the default build allows, so the class carries {@code @Tag("doc-examples")} and runs with
 * {@code mvn verify -pl cli -Dcnf4j.excludedTestGroups=} (the default build parses every line
 * and checks the files it reads, {@link ShellExamplesTest}, and runs the tutorial's, {@link
 * TutorialTest}). Lines that read a file standing for the reader's own ({@code penguins.csv},
 * {@code points.csv}, FFJORD's {@code weights.npz}) are skipped.
 */
@Tag("doc-examples")
class AllShellExamplesTest {

    @TempDir
    Path dir;

    static List<Path> pages() throws Exception {
        return ShellExamplesTest.pages().stream()
                .filter(p -> !p.getFileName().toString().equals("tutorial.md"))
                .filter(p -> {
                    try {
                        return !ShellExamples.of(p).isEmpty();
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                })
                .toList();
    }

    @ParameterizedTest
    @MethodSource("pages")
    void everyCommandOfThePageRunsAsWritten(Path page) throws Exception {
        ShellExamples.layOut(dir);
        int ran = 0;
        for (ShellExamples.Example e : ShellExamples.of(page)) {
            if (ShellExamplesTest.readsReadersFile(e.command())) {
                continue;
            }
            ShellExamples.run(e, dir);
            ran++;
        }
        assertTrue(ran > 0, page + ": nothing ran");
    }
}
