package org.cnf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.cnf4j.linalg.KernelSelection;

/** One line naming the CPU, its vector extensions and the JVM, for benchmark figures. */
final class CpuDescription {

    private CpuDescription() {}

    /** e.g. "AMD EPYC, 2 cores, avx2 fma, Java 17.0.15, 256-bit vector kernels". */
    static String describe() {
        String model = System.getProperty("os.arch");
        TreeSet<String> extensions = new TreeSet<>();
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            for (String line : lines) {
                if (line.startsWith("model name") && model.equals(System.getProperty("os.arch"))) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                } else if (line.startsWith("flags") && extensions.isEmpty()) {
                    for (String flag :
                            line.substring(line.indexOf(':') + 1).trim().split("\\s+")) {
                        if (flag.equals("avx2") || flag.equals("fma") || flag.equals("avx512f")) {
                            extensions.add(flag);
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the architecture alone
        }
        int bits = KernelSelection.vectorBits();
        return String.format(
                Locale.ROOT,
                "%s, %d cores, %s, Java %s, %s",
                model,
                Runtime.getRuntime().availableProcessors(),
                extensions.isEmpty() ? "no avx2" : String.join(" ", extensions),
                System.getProperty("java.version"),
                bits == 0 ? "no vector kernels" : bits + "-bit vector kernels");
    }
}
