package org.cnf4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes files so that a failure never leaves a half-written one: the content goes to a
 * temporary file in the same folder, which is then moved over the target (atomically where the
 * file system can).
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** Something that writes a file's content and may fail. */
    @FunctionalInterface
    public interface Writer {
        /** Writes the whole content to {@code out}. */
        void write(OutputStream out) throws IOException;
    }

    /** Writes {@code path} through {@code writer}, all or nothing. */
    public static void write(Path path, Writer writer) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
        try {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
            // temporary files are created owner-only; give the result the usual rw-r--r--
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Writes a text file (UTF-8), all or nothing. */
    public static void writeString(Path path, String text) throws IOException {
        write(path, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
