package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report of cnf train shows the baselines' sample quality beside the flow's, on the same rows. */
class BaselineSamplesReportTest {

    @TempDir
    Path dir;

    @Test
    void theBaselinesSamplesAreMeasuredBesideTheFlows() throws Exception {
        Path report = dir.resolve("r");
        CliRun r = CliRun.of(
                "train",
                "--data",
                "data/geyser.csv",
                "--out",
                dir.resolve("g.zip").toString(),
                "--iterations",
                "50",
                "--hidden",
                "8",
                "--report",
                report.toString(),
                "--quiet");
        assertEquals(0, r.code(), r.toString());
        String page = org.jsoup.Jsoup.parse(Files.readString(report.resolve("index.html")))
                .text();
        for (String row : new String[] {
            "energy distance to the 30 test rows: flow",
            "1-NN two-sample test accuracy: flow",
            "energy distance to the 30 test rows: Gaussian baseline",
            "1-NN two-sample test accuracy: Gaussian baseline",
            "energy distance to the 30 test rows: Gaussian mixture baseline ("
        }) {
            assertTrue(page.contains(row), row + " missing:\n" + page);
        }
    }
}
