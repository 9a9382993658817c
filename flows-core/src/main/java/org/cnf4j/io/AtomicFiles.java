package org.cnf4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
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

    /**
     * Writes {@code path} through {@code writer}, all or nothing.
     *
     * @throws IOException "cannot write PATH (reason); nothing was written" when the folder cannot
     *     be created or written (permission denied, read-only, full); the previous file at
     *     {@code path}, if any, is left as it was and no temporary file remains
     */
    public static void write(Path path, Writer writer) throws IOException {
        Path abs = path.toAbsolutePath();
        Path dir = abs.getParent();
        try {
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
        } catch (FileSystemException e) {
            throw new IOException("cannot write " + path + " (" + reason(e) + "); nothing was written", e);
        } catch (IOException e) {
            throw new IOException("cannot write " + path + " (" + e.getMessage() + "); nothing was written", e);
        }
    }

    private static String reason(FileSystemException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied for " + e.getFile();
        }
        if (e instanceof FileAlreadyExistsException) {
            return e.getFile() + " exists and is not a folder";
        }
        return e.getReason() != null ? e.getReason() + " at " + e.getFile() : e.getMessage();
    }

    /** Writes a text file (UTF-8), all or nothing. */
    public static void writeString(Path path, String text) throws IOException {
        write(path, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
