package org.cnf4j.linalg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kernel choice follows from the CPU and the JVM, not from timings: a fresh JVM with two
 * threads spinning beside it (a busy machine) chooses what an idle one chooses, family by family.
 * No time is asserted.
 */
class KernelChoiceUnderLoadTest {

    private static List<String> choicesInFreshJvm(int spinners) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-modules",
                "jdk.incubator.vector",
                "-Xmx512m",
                "-cp",
                System.getProperty("java.class.path"),
                KernelChoiceProbe.class.getName(),
                Integer.toString(spinners)));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(3, TimeUnit.MINUTES) && p.exitValue() == 0, output);
        List<String> choices = new ArrayList<>();
        for (String line : output.split("\\R")) {
            if (line.startsWith(KernelChoiceProbe.PREFIX)) {
                choices.add(line.substring(KernelChoiceProbe.PREFIX.length()));
            }
        }
        assertEquals(KernelFamily.values().length, choices.size(), output);
        return choices;
    }

    @Test
    void aBusyMachineChoosesTheKernelsAnIdleOneChooses() throws IOException, InterruptedException {
        assumeTrue(HeapGemm.vectorized(), "the Vector API module is not present");
        List<String> idle = choicesInFreshJvm(0);
        List<String> busy = choicesInFreshJvm(2);
        assertEquals(idle, busy);
    }
}
