package org.cnf4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A model file written before conditional flows existed (cnf4j 0.3.0, commit bb05860, fixture in
 * {@code src/test/resources/fixtures}) loads as an unconditional model and scores and samples bit
 * for bit as that version did. Both sides run the plain kernels ({@code -Dcnf4j.vector=false}):
 * the measured choice of kernels may differ between JVMs, and the paths agree to 1e-12, not in
 * every bit; so the check runs in a JVM of its own started with that flag.
 */
class SavedModelCompatibilityTest {

    /** Prints, in the fixture's format, what this version computes from the fixture's model file. */
    public static void main(String[] args) throws Exception {
        LoadedModel m = ModelFile.load(Path.of(args[0]));
        ContinuousNormalizingFlow flow = m.flow();
        if (flow.contextDim() != 0 || !m.metadata().context().isEmpty()) {
            throw new AssertionError("an old model must load as unconditional");
        }
        double[] logp = flow.logProb(
                        Nd4j.createFromArray(new double[][] {{0.1, 0.2}, {-1.3, 0.7}, {2.5, -0.4}, {0.0, 0.0}}))
                .logProb()
                .toDoubleVector();
        double[] sample = flow.sample(3, 5).value().dup().data().asDouble();
        for (double v : logp) {
            System.out.println("logp " + Long.toHexString(Double.doubleToLongBits(v)));
        }
        for (double v : sample) {
            System.out.println("sample " + Long.toHexString(Double.doubleToLongBits(v)));
        }
    }

    @Test
    void aModelFileOfTheUnconditionalVersionScoresAndSamplesBitForBit(@TempDir Path dir) throws Exception {
        Path fixtures = Path.of("src", "test", "resources", "fixtures");
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        Path log = dir.resolve("out.txt");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g",
                        "-Dcnf4j.vector=false",
                        "-cp",
                        classpath,
                        SavedModelCompatibilityTest.class.getName(),
                        fixtures.resolve("unconditional-0.3.0.zip").toString())
                .redirectOutput(log.toFile())
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        assertTrue(p.waitFor(2, TimeUnit.MINUTES), "the check did not finish");
        assertEquals(0, p.exitValue(), Files.readString(dir.resolve("err.txt")));
        List<String> want = new ArrayList<>();
        for (String line : Files.readAllLines(fixtures.resolve("unconditional-0.3.0.txt"))) {
            if (!line.startsWith("#")) {
                want.add(line);
            }
        }
        List<String> got = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.startsWith("logp ") || line.startsWith("sample ")) {
                got.add(line);
            }
        }
        assertEquals(10, want.size());
        assertEquals(want, got);
    }
}
