package org.cnf4j.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.cnf4j.io.AtomicFiles;

/**
 * A report folder written as a model file is: the whole report is made in a hidden folder beside
 * it, and only a finished report is moved into place (into a new folder in one move; into an
 * existing one file by file, the page last, after which the files of the previous report that the
 * new one does not have are removed). A folder holding files that no cnf report wrote is refused
 * unless the caller forces it, and no file of the command (its model, its inputs) may have a
 * report file's name in it. The files of a report are listed in {@value #MANIFEST}.
 */
public final class ReportFolder {

    /** The list of a report's files, written into its folder. */
    public static final String MANIFEST = ".cnf-report";

    /** Hidden folders being written, with the folder each will become, for the shutdown hook. */
    private static final Map<Path, Path> STAGING = staging();

    private ReportFolder() {}

    /**
     * Checks a report folder before any work.
     *
     * @param option the option that names it, in messages ({@code --report}, {@code --out})
     * @param folder the report folder
     * @param force whether a folder with other files may be written into (beside them)
     * @param commandFiles the command's other files (model, inputs, outputs): they may stand in the
     *     folder, but not under a report file's name ({@code *.png}, {@code *.html})
     * @throws IllegalArgumentException naming what is in the way
     */
    public static void check(String option, Path folder, boolean force, Collection<Path> commandFiles) {
        Path dir = folder.toAbsolutePath().normalize();
        Set<String> own = new LinkedHashSet<>();
        for (Path f : commandFiles) {
            if (f == null) {
                continue;
            }
            Path abs = real(f);
            if (dir.equals(abs)) {
                throw new IllegalArgumentException(
                        option + " " + folder + " is also the file " + f + "; choose another folder");
            }
            if (dir.equals(abs.getParent())) {
                String name = abs.getFileName().toString();
                if (isReportName(name)) {
                    throw new IllegalArgumentException(option + " " + folder + ": " + f + " has the name of a report "
                            + "file and would be overwritten; choose another name or folder");
                }
                own.add(name);
                own.add("." + name + ".lock");
            }
        }
        if (!Files.isDirectory(dir) || force) {
            return;
        }
        Set<String> reported = new LinkedHashSet<>(previousFiles(dir));
        List<String> foreign = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.map(p -> p.getFileName().toString()).sorted().forEach(name -> {
                boolean ours = name.equals(MANIFEST)
                        || reported.contains(name)
                        || own.contains(name)
                        || name.startsWith(".") && name.endsWith(".tmp");
                if (!ours) {
                    foreign.add(name);
                }
            });
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + folder + " cannot be read (" + e.getMessage() + ")");
        }
        if (!foreign.isEmpty()) {
            throw new IllegalArgumentException(option + " " + folder + " holds files no cnf report wrote ("
                    + String.join(", ", foreign.subList(0, Math.min(5, foreign.size())))
                    + (foreign.size() > 5 ? ", ..." : "") + "); choose a new or empty folder, or give --force to write "
                    + "the report beside them");
        }
    }

    private static boolean isReportName(String name) {
        String lower = name.toLowerCase(java.util.Locale.ROOT);
        return lower.endsWith(".png") || lower.endsWith(".html") || name.equals(MANIFEST);
    }

    private static Path real(Path p) {
        try {
            return AtomicFiles.target(p).normalize();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    /** Something that writes a whole report into a folder and returns its page. */
    @FunctionalInterface
    public interface Writer {
        /** Writes the report's files into {@code dir}. */
        Path write(Path dir) throws IOException;
    }

    /**
     * Writes a report: {@code writer} fills a hidden folder beside {@code folder}, which is then
     * moved into place. An interrupted JVM (SIGTERM, SIGINT) before the move removes the hidden
     * folder and leaves {@code folder} as it was.
     *
     * @return the page, {@code folder/index.html}
     */
    public static Path write(Path folder, Writer writer) throws IOException {
        Path dir = folder.toAbsolutePath().normalize();
        Path parent = dir.getParent();
        Files.createDirectories(parent);
        Path staging = Files.createTempDirectory(parent, "." + dir.getFileName() + ".");
        STAGING.put(staging, folder);
        try {
            Path page = writer.write(staging);
            List<String> files = new ArrayList<>();
            try (Stream<Path> entries = Files.list(staging)) {
                entries.map(p -> p.getFileName().toString()).sorted().forEach(files::add);
            }
            Files.writeString(staging.resolve(MANIFEST), String.join("\n", files) + "\n");
            if (!Files.exists(dir)) {
                move(staging, dir);
            } else {
                List<String> before = previousFiles(dir);
                String pageName = page.getFileName().toString();
                for (String f : files) {
                    if (!f.equals(pageName)) {
                        move(staging.resolve(f), dir.resolve(f));
                    }
                }
                move(staging.resolve(pageName), dir.resolve(pageName));
                move(staging.resolve(MANIFEST), dir.resolve(MANIFEST));
                for (String f : before) {
                    if (!files.contains(f) && !f.contains("/") && isReportName(f)) {
                        Files.deleteIfExists(dir.resolve(f));
                    }
                }
            }
            return dir.resolve(page.getFileName().toString());
        } finally {
            deleteTree(staging);
            STAGING.remove(staging);
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The files the folder's last report listed (none without a list). */
    private static List<String> previousFiles(Path dir) {
        Path manifest = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(manifest)) {
            return List.of();
        }
        try {
            return Files.readAllLines(manifest).stream()
                    .map(String::strip)
                    .filter(s -> !s.isEmpty())
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> all = Files.walk(root)) {
            all.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // a hidden folder left behind holds no part of the report in place
        }
    }

    private static Map<Path, Path> staging() {
        Map<Path, Path> map = new ConcurrentHashMap<>();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (Map.Entry<Path, Path> e : map.entrySet()) {
                                deleteTree(e.getKey());
                                System.err.println("interrupted; nothing was written to " + e.getValue());
                            }
                        },
                        "cnf4j-remove-report-staging"));
        return map;
    }
}
