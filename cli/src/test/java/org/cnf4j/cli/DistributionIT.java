package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The distribution {@code mvn package} builds (Maven Failsafe, after packaging): the archive
 * unpacks to {@code cnf-VERSION/{bin,lib,data}}, and {@code bin/cnf} runs through a symbolic link
 * in another folder, from a third one.
 */
class DistributionIT {

    @TempDir
    Path dir;

    private String run(Path folder, String... command) throws Exception {
        Path log = dir.resolve("run.log");
        Process p = new ProcessBuilder(command)
                .directory(folder.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), String.join(" ", command) + " did not finish");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + out);
        return out;
    }

    @Test
    void theArchiveUnpacksToALauncherThatRunsThroughALink() throws Exception {
        // "cnf 0.3.0 (cnf4j, ...)": the version Maven filtered into the build
        String version = CnfCommand.cnfVersion().split(" ")[1];
        Path archive = Path.of("target", "cnf-" + version + ".tar.gz").toAbsolutePath();
        assertTrue(Files.exists(archive), archive + " was not built");
        Path unpacked = Files.createDirectories(dir.resolve("opt"));
        run(unpacked, "tar", "xzf", archive.toString());
        Path home = unpacked.resolve("cnf-" + version);
        assertTrue(Files.isExecutable(home.resolve("bin").resolve("cnf")));
        assertTrue(Files.exists(home.resolve("lib").resolve("cli-" + version + ".jar")));
        assertTrue(Files.exists(home.resolve("data").resolve("README.md")));
        Path path = Files.createDirectories(dir.resolve("path"));
        Path link = Files.createSymbolicLink(
                path.resolve("cnf"), home.resolve("bin").resolve("cnf"));
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        assertTrue(run(elsewhere, link.toString(), "--version").contains("cnf " + version), "--version");
        String baselines = run(
                elsewhere,
                link.toString(),
                "baselines",
                "--data",
                home.resolve("data").resolve("geyser.csv").toString());
        assertTrue(baselines.contains("mixture_components="), baselines);
    }
}
