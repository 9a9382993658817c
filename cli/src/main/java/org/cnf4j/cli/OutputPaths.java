package org.cnf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.cnf4j.io.AtomicFiles;

/**
 * Checks an output path before any work: it must not be a folder, its parent must not be a file,
 * the nearest existing folder above it must be writable (a read-only file system included), and
 * it must not be one of the command's inputs (writing there would destroy the input), nor a device,
 * FIFO or socket (a symbolic link is written through to its target), nor another output of the
 * same command. Each
 * problem is one {@link IllegalArgumentException} naming the path (exit code 1).
 */
final class OutputPaths {

    private OutputPaths() {}

    /**
     * Refuses two outputs of one command that name the same file (after following symbolic links):
     * one would overwrite the other. Null paths are outputs not asked for.
     */
    static void distinct(String optionA, Path a, String optionB, Path b) {
        if (a == null || b == null || CsvOutput.isStdout(a) || CsvOutput.isStdout(b)) {
            return;
        }
        if (resolved(a).equals(resolved(b))) {
            throw new IllegalArgumentException(optionA + " " + a + " and " + optionB + " " + b
                    + " name the same file; one would overwrite the other, choose two names");
        }
    }

    private static Path resolved(Path p) {
        try {
            return AtomicFiles.target(p).normalize();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Checks an output folder (null: not asked for): not a file, and writable where it will be made. */
    static void checkFolder(String option, Path folder) {
        if (folder == null) {
            return;
        }
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw new IllegalArgumentException(option + " " + folder + " is a file; give a folder");
        }
        requireWritable(option, folder, folder.toAbsolutePath());
    }

    /** The nearest existing folder at or above {@code start} must be writable. */
    private static void requireWritable(String option, Path out, Path start) {
        Path folder = start;
        while (folder != null && !Files.exists(folder)) {
            folder = folder.getParent();
        }
        if (folder != null && !Files.isWritable(folder)) {
            throw new IllegalArgumentException(
                    option + " " + out + ": the folder " + folder + " is not writable; choose another output");
        }
    }

    /** Checks {@code out} (null: not asked for) against the inputs (null entries are skipped). */
    static void check(String option, Path out, Path... inputs) {
        if (out == null || CsvOutput.isStdout(out)) {
            return;
        }
        if (Files.isDirectory(out)) {
            throw new IllegalArgumentException(option + " " + out + " is a folder; give a file name");
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new IllegalArgumentException(option + " " + out + ": " + parent + " is a file, not a folder");
        }
        requireWritable(option, out, parent);
        try {
            AtomicFiles.target(out);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + e.getMessage().replaceFirst("^cannot write ", ""));
        }
        for (Path in : inputs) {
            if (in != null && Files.exists(in) && Files.exists(out)) {
                try {
                    if (Files.isSameFile(in, out)) {
                        throw new IllegalArgumentException(option + " " + out + " is the input file " + in
                                + "; writing it would destroy the input, choose another output");
                    }
                } catch (IOException e) {
                    throw new IllegalArgumentException(
                            option + " " + out + " cannot be checked (" + e.getMessage() + ")");
                }
            }
        }
    }
}
