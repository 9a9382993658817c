package org.cnf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Resident memory of this process from /proc/self/status (Linux; -1 elsewhere) and ND4J's off-heap bytes. */
final class ProcessMemory {

    private ProcessMemory() {}

    /** Current resident set size in MB. */
    static double residentMb() {
        return field("VmRSS:");
    }

    /** Peak resident set size in MB. */
    static double peakResidentMb() {
        return field("VmHWM:");
    }

    /** Off-heap bytes held by ND4J arrays (javacpp's count of live native allocations), in MB. */
    static double offHeapMb() {
        return org.bytedeco.javacpp.Pointer.totalBytes() / 1048576.0;
    }

    private static double field(String name) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith(name)) {
                    String[] parts = line.substring(name.length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) / 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
