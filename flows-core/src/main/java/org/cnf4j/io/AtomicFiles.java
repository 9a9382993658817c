package org.cnf4j.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Writes files so that a failure never leaves a half-written one: the content goes to a
 * temporary file in the same folder, which is then moved over the target (atomically where the
 * file system can). A symbolic link is written through (its target is replaced, the link stays);
 * devices, FIFOs and sockets are refused; an interrupted JVM (SIGTERM, SIGINT) removes the
 * temporary files and says what was not written.
 */
public final class AtomicFiles {

    private AtomicFiles() {}

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
        Path abs = target(path);
        Path dir = abs.getParent();
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            Path tmp = Files.createTempFile(dir, "." + abs.getFileName(), ".tmp");
            PENDING.put(tmp, path);
            try {
                try (OutputStream out = Files.newOutputStream(tmp)) {
                    writer.write(out);
                }
                // temporary files are created owner-only; give the result the usual rw-r--r--
                if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                    Files.setPosixFilePermissions(
                            tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
                }
                try {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
                PENDING.remove(tmp);
            }
        } catch (FileSystemException e) {
            throw new IOException("cannot write " + path + " (" + reason(e) + "); nothing was written", e);
        } catch (IOException e) {
            throw new IOException("cannot write " + path + " (" + e.getMessage() + "); nothing was written", e);
        }
    }

    /**
     * The file that writing {@code path} replaces: {@code path} itself, or for a symbolic link the
     * file it points to (followed through chains of links; the links stay). A path that names a
     * device, a FIFO, a socket or a folder is refused before anything is written: replacing a
     * device or a FIFO by a regular file would break it.
     *
     * @throws IOException naming the path and what it is
     */
    public static Path target(Path path) throws IOException {
        Path abs = path.toAbsolutePath();
        for (int hops = 0; Files.isSymbolicLink(abs); hops++) {
            if (hops == 40) {
                throw new IOException(
                        "cannot write " + path + " (too many levels of symbolic links); nothing was written");
            }
            abs = abs.resolveSibling(Files.readSymbolicLink(abs)).normalize();
        }
        if (Files.exists(abs, LinkOption.NOFOLLOW_LINKS) && !Files.isRegularFile(abs, LinkOption.NOFOLLOW_LINKS)) {
            String what = Files.isDirectory(abs, LinkOption.NOFOLLOW_LINKS)
                    ? "a folder"
                    : "not a regular file (a device, FIFO or socket)";
            throw new IOException("cannot write " + path + (abs.equals(path.toAbsolutePath()) ? "" : " (" + abs + ")")
                    + ": it is " + what + "; choose a file name; nothing was written");
        }
        return abs;
    }

    /** Temporary files being written, with the path each will become, for the shutdown hook. */
    private static final Map<Path, Path> PENDING = pending();

    /**
     * On SIGTERM or SIGINT (or any exit while a file is being written) the temporary files are
     * removed and one line says what was not written.
     */
    private static Map<Path, Path> pending() {
        Map<Path, Path> map = new ConcurrentHashMap<>();
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            for (Map.Entry<Path, Path> e : map.entrySet()) {
                                try {
                                    Files.deleteIfExists(e.getKey());
                                } catch (IOException ignored) {
                                    // the JVM is going down: nothing more to do
                                }
                                System.err.println("interrupted; nothing was written to " + e.getValue());
                            }
                        },
                        "cnf4j-remove-temporary-files"));
        return map;
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
