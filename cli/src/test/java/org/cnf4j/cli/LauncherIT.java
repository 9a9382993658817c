package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The launcher works through a symbolic link on the PATH, run from any folder (after packaging). */
class LauncherIT {

    @TempDir
    Path work;

    @Test
    void aSymbolicLinkToTheLauncherRunsFromAnotherFolder() throws Exception {
        Path bin = Files.createDirectories(work.resolve("bin"));
        Files.createSymbolicLink(bin.resolve("cnf"), Path.of("cnf").toAbsolutePath());
        // a relative link to that link, as package managers make them
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        Files.createSymbolicLink(elsewhere.resolve("cnf"), Path.of("..", "bin", "cnf"));
        Path log = work.resolve("version.log");
        Process p = new ProcessBuilder("sh", "-c", "./elsewhere/cnf --version")
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        String output = Files.readString(log);
        assertEquals(0, p.exitValue(), output);
        assertTrue(output.contains("cnf 0."), output);
    }
}
