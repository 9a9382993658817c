package org.cnf4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports are written whole or not at all, and never over files no report wrote. */
class ReportFolderTest {

    @TempDir
    Path dir;

    private static Path report(Path folder, String... pngs) throws IOException {
        return ReportFolder.write(folder, d -> {
            for (String p : pngs) {
                Files.writeString(d.resolve(p), p);
            }
            Files.writeString(d.resolve("index.html"), String.join(",", pngs));
            return d.resolve("index.html");
        });
    }

    private List<String> names(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aSecondReportReplacesTheFirstAndItsStaleFiles() throws IOException {
        Path rep = dir.resolve("rep");
        report(rep, "a.png", "b.png");
        ReportFolder.check("--out", rep, false, List.of());
        report(rep, "a.png", "c.png");
        assertEquals(List.of(".cnf-report", "a.png", "c.png", "index.html"), names(rep));
        assertEquals("a.png,c.png", Files.readString(rep.resolve("index.html")));
        assertEquals(List.of("rep"), names(dir), "no hidden folder left");
    }

    @Test
    void aFailedReportLeavesTheFolderAsItWas() throws IOException {
        Path rep = dir.resolve("rep");
        report(rep, "a.png");
        assertThrows(
                IOException.class,
                () -> ReportFolder.write(rep, d -> {
                    Files.writeString(d.resolve("a.png"), "new");
                    throw new IOException("disk full");
                }));
        assertEquals("a.png", Files.readString(rep.resolve("a.png")));
        assertEquals(List.of("rep"), names(dir));
        Path fresh = dir.resolve("fresh");
        assertThrows(
                IOException.class,
                () -> ReportFolder.write(fresh, d -> {
                    throw new IOException("disk full");
                }));
        assertFalse(Files.exists(fresh));
    }

    @Test
    void otherFilesAreRefusedUnlessForcedAndThenKept() throws IOException {
        Path rep = Files.createDirectories(dir.resolve("rep"));
        Files.writeString(rep.resolve("notes.txt"), "mine");
        IllegalArgumentException e =
                assertThrows(IllegalArgumentException.class, () -> ReportFolder.check("--out", rep, false, List.of()));
        assertTrue(e.getMessage().contains("holds files no cnf report wrote (notes.txt)"), e.getMessage());
        assertTrue(e.getMessage().contains("--force"), e.getMessage());
        ReportFolder.check("--out", rep, true, List.of());
        report(rep, "a.png");
        assertEquals("mine", Files.readString(rep.resolve("notes.txt")));
    }

    @Test
    void theCommandsFilesMayStandInTheFolderButNotUnderAReportName() throws IOException {
        Path rep = Files.createDirectories(dir.resolve("rep"));
        Path model = Files.writeString(rep.resolve("model.zip"), "m");
        Files.writeString(rep.resolve(".model.zip.lock"), "");
        ReportFolder.check("--report", rep, false, List.of(model));
        Path png = rep.resolve("density.png");
        IllegalArgumentException e = assertThrows(
                IllegalArgumentException.class, () -> ReportFolder.check("--report", rep, true, List.of(png)));
        assertTrue(e.getMessage().contains("has the name of a report file"), e.getMessage());
    }
}
