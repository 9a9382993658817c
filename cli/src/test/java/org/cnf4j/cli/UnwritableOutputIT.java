package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Outputs into a folder the user may not write: each command that writes fails before any work
 * with one message naming the folder, exit code 1, and leaves nothing in it. Runs {@code cnf.jar}
 * as a separate process; as root (whom permission bits do not stop) it runs it as {@code nobody}
 * with util-linux's {@code setpriv}.
 */
class UnwritableOutputIT {

    private static final boolean ROOT = "root".equals(System.getProperty("user.name"));

    private static String run(Path work, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (ROOT) {
            cmd.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"));
        }
        cmd.addAll(List.of(
                "java",
                "-Xmx512m",
                "-Djava.io.tmpdir=" + work,
                "-jar",
                Path.of("target", "cnf.jar").toAbsolutePath().toString()));
        cmd.addAll(List.of(args));
        Path log = work.resolve("log-" + args[0] + ".txt");
        Process p = new ProcessBuilder(cmd)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "cnf " + args[0] + " finished");
        String out = Files.readString(log);
        assertEquals(1, p.exitValue(), out);
        return out;
    }

    @Test
    void everyWritingCommandRefusesAFolderItCannotWrite() throws Exception {
        // a world-readable work folder (JUnit's temporary folders are owner-only)
        Path work = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "unwritable");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwxrwxrwx"));
        Path locked = Files.createDirectory(work.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("r-xr-xr-x"));
        Path model = work.resolve("m.zip");
        assertEquals(
                0,
                CliRun.of(
                                "train",
                                "--data",
                                "moons",
                                "--hidden",
                                "8",
                                "--iterations",
                                "2",
                                "--out",
                                model.toString(),
                                "--quiet",
                                "--no-baselines")
                        .code());
        Path points = work.resolve("points.csv");
        Files.writeString(points, "x,y\n0.1,0.2\n");
        for (Path p : List.of(model, points)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
        }
        String expected = "the folder " + locked + " is not writable";
        assertTrue(run(
                        work,
                        "density",
                        "--model",
                        model.toString(),
                        "--input",
                        points.toString(),
                        "--output",
                        locked.resolve("logp.csv").toString())
                .contains(expected));
        assertTrue(run(
                        work,
                        "sample",
                        "--model",
                        model.toString(),
                        "-n",
                        "10",
                        "--output",
                        locked.resolve("s.csv").toString())
                .contains(expected));
        assertTrue(run(
                        work,
                        "train",
                        "--data",
                        "moons",
                        "--iterations",
                        "2",
                        "--out",
                        locked.resolve("sub").resolve("m.zip").toString())
                .contains(expected));
        assertTrue(run(
                        work,
                        "grid",
                        "--model",
                        model.toString(),
                        "--png",
                        locked.resolve("g.png").toString())
                .contains(expected));
        assertTrue(run(
                        work,
                        "report",
                        "--model",
                        model.toString(),
                        "--data",
                        "moons",
                        "--out",
                        locked.resolve("report").toString())
                .contains(expected));
        try (var s = Files.list(locked)) {
            assertEquals(0, s.count(), "nothing written");
        }
    }
}
