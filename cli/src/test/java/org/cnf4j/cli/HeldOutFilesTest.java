package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --validation-data} and {@code --test-data}: held-out rows from files, no split of the training file for them. */
class HeldOutFilesTest {

    @TempDir
    Path dir;

    @Test
    void validationAndTestRowsFromFilesReplaceTheSplits() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("data", "geyser.csv"));
        // header + 299 rows: 200 to train, 49 to validate (read by name: columns in another order), 50 to test
        Files.write(dir.resolve("train.csv"), lines.subList(0, 201));
        List<String> validation = new java.util.ArrayList<>(List.of("duration,waiting"));
        for (String l : lines.subList(201, 250)) {
            String[] c = l.split(",");
            validation.add(c[1] + "," + c[0]);
        }
        Files.write(dir.resolve("validation.csv"), validation);
        List<String> test = new java.util.ArrayList<>(List.of(lines.get(0)));
        test.addAll(lines.subList(250, 300));
        Files.write(dir.resolve("test.csv"), test);
        Path model = dir.resolve("m.zip");
        CliRun train = CliRun.of(
                "train",
                "--data",
                dir.resolve("train.csv").toString(),
                "--validation-data",
                dir.resolve("validation.csv").toString(),
                "--test-data",
                dir.resolve("test.csv").toString(),
                "--out",
                model.toString(),
                "--iterations",
                "20",
                "--hidden",
                "8",
                "--no-baselines",
                "--quiet");
        assertEquals(0, train.code(), train.toString());
        CliRun info = CliRun.of("info", "--model", model.toString());
        assertTrue(
                info.out()
                        .contains("train.csv (200 rows x 2 columns: 200 train, 49 validation from validation.csv, "
                                + "50 test from test.csv)"),
                info.out());
        // the training file as its own validation rows is warned about
        CliRun same = CliRun.of(
                "train",
                "--data",
                dir.resolve("train.csv").toString(),
                "--validation-data",
                dir.resolve("train.csv").toString(),
                "--out",
                dir.resolve("s.zip").toString(),
                "--iterations",
                "2",
                "--hidden",
                "4",
                "--no-baselines",
                "--quiet");
        assertEquals(0, same.code(), same.toString());
        assertTrue(
                same.err().contains("warning: --validation-data " + dir.resolve("train.csv") + " is the training file"),
                same.err());
        CliRun toy = CliRun.of(
                "train",
                "--data",
                "8gaussians",
                "--validation-data",
                dir.resolve("test.csv").toString(),
                "--out",
                dir.resolve("t.zip").toString(),
                "--iterations",
                "2");
        assertEquals(2, toy.code(), toy.toString());
    }
}
