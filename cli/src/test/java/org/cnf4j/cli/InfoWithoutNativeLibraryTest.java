package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cnf info} reads model.json alone: in a JVM of its own it loads neither ND4J's factory nor
 * a native library (which take most of a second to start), and prints the model as before.
 */
class InfoWithoutNativeLibraryTest {

    @TempDir
    Path dir;

    @Test
    void infoLoadsNoNativeLibrary() throws Exception {
        Path model = dir.resolve("m.zip");
        CliRun train = CliRun.of(
                "train",
                "--data",
                "8gaussians",
                "--out",
                model.toString(),
                "--iterations",
                "2",
                "--hidden",
                "4",
                "--no-baselines",
                "--quiet");
        assertEquals(0, train.code(), train.toString());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve("out.txt");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-verbose:class",
                        "-cp",
                        classpath,
                        "org.cnf4j.cli.CnfCommand",
                        "info",
                        "--model",
                        model.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "cnf info did not finish");
        String out = Files.readString(log);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("parameters: ") && out.contains("block 0: 2-4-2 concatsquash tanh"), out);
        assertFalse(out.contains("org.nd4j.linalg.factory.Nd4j "), "ND4J's factory was loaded");
        assertFalse(out.contains("org.bytedeco"), "a native library was loaded");
        assertFalse(CnfCommand.computes(new String[] {"info", "--model", "m.zip"}));
    }
}
