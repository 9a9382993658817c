package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.cnf4j.io.LoadedModel;
import org.cnf4j.io.ModelFile;
import org.cnf4j.linalg.NativeArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety (Maven Failsafe, after packaging): {@code cnf train} runs as a separate process and
 * is killed with SIGKILL 20 times at random moments (it checkpoints every other iteration, so many
 * kills land in a checkpoint write); after every kill the model file is either absent (no
 * checkpoint yet) or a complete checkpoint no older than the one before, and loads; the run then
 * resumes to the end, and its parameters equal an uninterrupted run's bit for bit.
 */
class CrashSafetyIT {

    @TempDir
    Path work;

    static List<String> train(Path out, boolean resume) {
        List<String> cmd = new ArrayList<>(List.of(
                "java",
                "-Xmx512m",
                "-jar",
                Path.of("target", "cnf.jar").toAbsolutePath().toString(),
                "train",
                "--data",
                "moons",
                "--objective",
                "mle",
                "--hidden",
                "8",
                "--iterations",
                "160",
                "--validation-interval",
                "2",
                "--validation-size",
                "100",
                "--test-size",
                "100",
                "--seed",
                "4",
                "--workers",
                "1",
                "--no-baselines",
                "--quiet",
                "--out",
                out.toString()));
        if (resume) {
            cmd.add("--resume");
        }
        return cmd;
    }

    static int run(List<String> cmd, Path log) throws Exception {
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "did not finish: " + Files.readString(log));
        return p.exitValue();
    }

    @Test
    void killedTwentyTimesTheModelFileIsAlwaysACompleteCheckpointAndResumesExactly() throws Exception {
        Path reference = work.resolve("reference.zip");
        assertEquals(
                0,
                run(train(reference, false), work.resolve("reference.log")),
                Files.readString(work.resolve("reference.log")));
        LoadedModel want = ModelFile.load(reference);

        Path out = work.resolve("crashing.zip");
        SplittableRandom random = new SplittableRandom(2026);
        long last = -1;
        int kills = 0;
        List<String> seen = new ArrayList<>();
        int attempts = 0;
        while (kills < 20) {
            assertTrue(++attempts < 60, "the run kept finishing before it could be killed");
            boolean resume = Files.exists(out);
            Process p = new ProcessBuilder(train(out, resume))
                    .redirectErrorStream(true)
                    .redirectOutput(work.resolve("run-" + attempts + ".log").toFile())
                    .start();
            long wait = 400 + random.nextLong(2600);
            if (p.waitFor(wait, TimeUnit.MILLISECONDS)) {
                // the run finished before the kill: start again from its end state
                assertEquals(0, p.exitValue(), Files.readString(work.resolve("run-" + attempts + ".log")));
                Files.delete(out);
                last = -1;
                continue;
            }
            p.destroyForcibly();
            p.waitFor();
            kills++;
            if (Files.exists(out)) {
                LoadedModel m = ModelFile.load(out);
                long it = m.checkpoint().iteration();
                assertTrue(it >= last && it % 2 == 0, "checkpoint at " + it + " after " + last);
                last = it;
                seen.add(Long.toString(it));
            } else {
                seen.add("none");
            }
        }
        long leftovers;
        try (var files = Files.list(work)) {
            leftovers = files.filter(f -> f.getFileName().toString().endsWith(".tmp"))
                    .count();
        }
        System.out.println("crash safety: " + kills + " kills in " + attempts + " starts; checkpoint after each kill: "
                + String.join(" ", seen) + "; temporary files left by kills: " + leftovers);
        Path log = work.resolve("finish.log");
        assertEquals(0, run(train(out, Files.exists(out)), log), Files.readString(log));
        LoadedModel got = ModelFile.load(out);
        assertEquals(160, got.checkpoint().iteration());
        assertArrayEquals(
                NativeArrays.toArray(want.checkpoint().parameters()),
                NativeArrays.toArray(got.checkpoint().parameters()),
                0.0,
                "last parameters");
        assertArrayEquals(
                NativeArrays.toArray(want.flow().parameters()),
                NativeArrays.toArray(got.flow().parameters()),
                0.0,
                "best parameters");
    }
}
