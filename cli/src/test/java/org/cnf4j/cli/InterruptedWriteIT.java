package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM while {@code cnf sample} writes a large output (Maven Failsafe, after packaging): the
 * hidden temporary file is removed, the output is not created, and one line says so.
 */
class InterruptedWriteIT {

    @TempDir
    Path work;

    private static List<String> cnf(String... args) {
        List<String> cmd = new java.util.ArrayList<>(List.of(
                "java",
                "-Xmx512m",
                "-jar",
                Path.of("target", "cnf.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    private boolean temporaryFiles() throws Exception {
        try (Stream<Path> files = Files.list(work)) {
            return files.anyMatch(f -> f.getFileName().toString().endsWith(".tmp"));
        }
    }

    @Test
    void sigtermRemovesTheTemporaryFileAndSaysNothingWasWritten() throws Exception {
        Path model = work.resolve("m.zip");
        Process train = new ProcessBuilder(cnf(
                        "train",
                        "--data",
                        "circles",
                        "--hidden",
                        "8",
                        "--iterations",
                        "2",
                        "--validation-interval",
                        "0",
                        "--test-size",
                        "100",
                        "--quiet",
                        "--no-baselines",
                        "--out",
                        model.toString()))
                .redirectErrorStream(true)
                .redirectOutput(work.resolve("train.log").toFile())
                .start();
        assertTrue(
                train.waitFor(3, TimeUnit.MINUTES) && train.exitValue() == 0,
                Files.readString(work.resolve("train.log")));

        Path out = work.resolve("big.csv");
        Path log = work.resolve("sample.log");
        Process sample = new ProcessBuilder(cnf(
                        "sample", "--model", model.toString(), "-n", "5000000", "--output", out.toString(), "--quiet"))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!temporaryFiles() && sample.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(sample.isAlive() && temporaryFiles(), "the output was not being written: " + Files.readString(log));
        sample.destroy(); // SIGTERM
        assertTrue(sample.waitFor(1, TimeUnit.MINUTES), "did not stop on SIGTERM");
        assertEquals(143, sample.exitValue(), Files.readString(log));
        assertFalse(temporaryFiles(), "a temporary file remains");
        assertFalse(Files.exists(out), "a partial output exists");
        assertTrue(Files.readString(log).contains("interrupted; nothing was written to " + out), Files.readString(log));
    }
}
