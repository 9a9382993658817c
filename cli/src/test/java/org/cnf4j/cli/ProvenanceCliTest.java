package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two runs of one command write one model (the same digest) and each file says where it came from. */
class ProvenanceCliTest {

    @TempDir
    Path dir;

    @Test
    void twoRunsOfOneCommandWriteOneModelAndSayWhereItCameFrom() {
        String[] digests = new String[2];
        for (int i = 0; i < 2; i++) {
            Path m = dir.resolve("m" + i + ".zip");
            CliRun r = CliRun.of(
                    "train", "--data", "data/geyser.csv", "--out", m.toString(), "--iterations", "30", "--quiet");
            assertEquals(0, r.code(), r.toString());
            String info = CliRun.of("info", "--model", m.toString()).out();
            assertTrue(
                    info.contains("provenance: written by cnf4j ")
                            && info.contains(" on Java " + System.getProperty("java.version")),
                    info);
            assertTrue(
                    info.contains(
                            "  command: cnf train --data data/geyser.csv --out " + m + " --iterations 30 --quiet"),
                    info);
            assertTrue(info.contains("  data: 239 training, 30 validation, 30 test rows, content sha256:"), info);
            assertTrue(info.contains("; seed 0"), info);
            String line = info.lines()
                    .filter(l -> l.startsWith("model digest: sha256:"))
                    .findFirst()
                    .orElseThrow();
            digests[i] = line.substring(0, line.indexOf(" ("));
        }
        assertEquals(digests[0], digests[1]);
    }
}
