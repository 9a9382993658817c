package org.cnf4j.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {

    @TempDir
    Path dir;

    private List<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void aWriteThatFailsHalfwayLeavesThePreviousFileAndNoTemporaryFile() throws IOException {
        Path target = dir.resolve("out.csv");
        AtomicFiles.writeString(target, "previous\n");
        // a disk that fills up after 100 kB of output
        IOException e = assertThrows(
                IOException.class,
                () -> AtomicFiles.write(target, out -> {
                    out.write(new byte[100_000]);
                    throw new IOException("No space left on device");
                }));
        assertEquals("cannot write " + target + " (No space left on device); nothing was written", e.getMessage());
        assertEquals("previous\n", Files.readString(target));
        assertEquals(List.of(target), files());
    }

    @Test
    void aFileWhereTheFolderShouldBeIsNamed() throws IOException {
        Path file = dir.resolve("plain");
        Files.writeString(file, "x");
        IOException e = assertThrows(IOException.class, () -> AtomicFiles.writeString(file.resolve("out.csv"), "y"));
        assertTrue(e.getMessage().startsWith("cannot write " + file.resolve("out.csv") + " ("), e.getMessage());
        assertTrue(e.getMessage().endsWith("; nothing was written"), e.getMessage());
        assertEquals(List.of(file), files());
    }
}
