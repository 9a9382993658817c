package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --resume knows its data by content: other rows under the same file name are refused. */
class ResumeIdentityTest {

    @TempDir
    Path dir;

    private static String table(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        StringBuilder b = new StringBuilder("a,b\n");
        for (int i = 0; i < 200; i++) {
            b.append(r.nextGaussian()).append(',').append(2 * r.nextGaussian()).append('\n');
        }
        return b.toString();
    }

    @Test
    void otherRowsUnderTheSameNameAreRefusedAndTheSameRowsResume() throws IOException {
        Path data = Files.writeString(dir.resolve("t.csv"), table(1));
        Path model = dir.resolve("m.zip");
        CliRun first = CliRun.of(
                "train",
                "--data",
                data.toString(),
                "--out",
                model.toString(),
                "--iterations",
                "4",
                "--validation-interval",
                "2",
                "--hidden",
                "4",
                "--no-baselines",
                "--quiet");
        assertEquals(0, first.code(), first.toString());
        byte[] before = Files.readAllBytes(model);
        Files.writeString(data, table(2));
        CliRun other = CliRun.of(
                "train",
                "--data",
                data.toString(),
                "--out",
                model.toString(),
                "--iterations",
                "8",
                "--validation-interval",
                "2",
                "--hidden",
                "4",
                "--no-baselines",
                "--quiet",
                "--resume");
        assertEquals(1, other.code(), other.toString());
        assertTrue(other.err().contains("the checkpoint was trained on other rows than those of"), other.toString());
        assertArrayEquals(before, Files.readAllBytes(model), "the model is untouched");
        Files.writeString(data, table(1));
        CliRun same = CliRun.of(
                "train",
                "--data",
                data.toString(),
                "--out",
                model.toString(),
                "--iterations",
                "8",
                "--validation-interval",
                "2",
                "--hidden",
                "4",
                "--no-baselines",
                "--quiet",
                "--resume");
        assertEquals(0, same.code(), same.toString());
    }
}
