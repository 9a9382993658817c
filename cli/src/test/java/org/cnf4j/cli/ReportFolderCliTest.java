package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A report never overwrites the command's model or inputs, nor files it did not write. */
class ReportFolderCliTest {

    @TempDir
    Path dir;

    @Test
    void aModelNamedLikeAReportFileInTheReportFolderIsRefusedBeforeTraining() throws IOException {
        Path rep = dir.resolve("rep");
        CliRun r = CliRun.of(
                "train",
                "--data",
                "moons",
                "--out",
                rep.resolve("density.png").toString(),
                "--report",
                rep.toString(),
                "--iterations",
                "1",
                "--no-baselines",
                "--quiet");
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("has the name of a report file"), r.toString());
        assertFalse(Files.exists(rep.resolve("density.png")));
    }

    @Test
    void aReportNeverOverwritesItsModelAndRefusesOtherFilesUnlessForced() throws IOException {
        Path rep = dir.resolve("rep");
        Path model = rep.resolve("model.zip");
        CliRun train = CliRun.of(
                "train",
                "--data",
                "moons",
                "--out",
                model.toString(),
                "--report",
                rep.toString(),
                "--iterations",
                "2",
                "--hidden",
                "4",
                "--validation-interval",
                "0",
                "--no-baselines",
                "--quiet");
        assertEquals(0, train.code(), train.toString());
        assertTrue(Files.exists(rep.resolve("index.html")));
        // the model copied under a report file's name, then used as the report's input
        Path disguised = rep.resolve("samples.png");
        Files.copy(model, disguised, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        byte[] before = Files.readAllBytes(disguised);
        CliRun r = CliRun.of("report", "--model", disguised.toString(), "--data", "moons", "--out", rep.toString());
        assertEquals(1, r.code(), r.toString());
        assertTrue(r.err().contains("has the name of a report file"), r.toString());
        assertArrayEquals(before, Files.readAllBytes(disguised));
        // a folder with someone else's file: refused, then written beside it with --force
        Path other = Files.createDirectories(dir.resolve("other"));
        Files.writeString(other.resolve("notes.txt"), "mine");
        CliRun refused = CliRun.of("report", "--model", model.toString(), "--data", "moons", "--out", other.toString());
        assertEquals(1, refused.code(), refused.toString());
        assertTrue(refused.err().contains("holds files no cnf report wrote (notes.txt)"), refused.toString());
        assertFalse(Files.exists(other.resolve("index.html")));
        CliRun forced = CliRun.of(
                "report", "--model", model.toString(), "--data", "moons", "--out", other.toString(), "--force");
        assertEquals(0, forced.code(), forced.toString());
        assertEquals("mine", Files.readString(other.resolve("notes.txt")));
        assertTrue(Files.exists(other.resolve("index.html")));
        // a second report into the folder of the first is fine
        Files.delete(disguised);
        CliRun again = CliRun.of("report", "--model", model.toString(), "--data", "moons", "--out", rep.toString());
        assertEquals(0, again.code(), again.toString());
    }
}
