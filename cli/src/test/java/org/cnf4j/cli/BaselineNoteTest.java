package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** cnf train says in one line when the flow's test NLL is worse than a baseline it printed. */
class BaselineNoteTest {

    @TempDir
    Path dir;

    @Test
    void aFlowBehindItsBaselinesSaysSo() {
        // two iterations leave the flow far from the data: the Gaussian beats it
        CliRun r = CliRun.of(
                "train",
                "--data",
                "data/geyser.csv",
                "--out",
                dir.resolve("m.zip").toString(),
                "--iterations",
                "2",
                "--hidden",
                "4",
                "--validation-interval",
                "0",
                "--quiet");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().contains("note: the flow's test NLL is "), r.toString());
        assertTrue(r.out().contains("worse than the best baseline's"), r.toString());
    }
}
