package org.cnf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks an output path before any work: it must not be a folder, its parent must not be a file,
 * and it must not be one of the command's inputs (writing there would destroy the input). Each
 * problem is one {@link IllegalArgumentException} naming the path (exit code 1).
 */
final class OutputPaths {

    private OutputPaths() {
    }

    /** Checks {@code out} (null: not asked for) against the inputs (null entries are skipped). */
    static void check(String option, Path out, Path... inputs) {
        if (out == null) {
            return;
        }
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException(option + " " + out + " is a folder; give a file name");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + out + ": " + parent + " is a file, not a folder");
        }
        for (Path in : inputs) {
            if (in != null && Files.exists(in) && Files.exists(out)) {
                try {
                    if (Files.isSameFile(in, out)) {
                        throw new IllegalArgumentException(option + " " + out + " is the input file " + in
                                + "; writing it would destroy the input, choose another output");
                    }
                } catch (IOException e) {
                    throw new IllegalArgumentException(option + " " + out + " cannot be checked (" + e.getMessage() + ")");
                }
            }
        }
    }
}
