package org.cnf4j.io;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Reads a zip archive that is untrusted input (a model file, an FFJORD {@code .npz}) into memory
 * within limits checked while inflating, so a zip bomb stops at the limit instead of filling the
 * heap: at most {@link #MAX_ENTRIES} entries, {@link #MAX_ENTRY_BYTES} per entry and
 * {@link #MAX_TOTAL_BYTES} in all, and entry names that are relative, without {@code ..},
 * backslashes or NUL, and not repeated. Nothing is ever extracted to disk.
 */
public final class BoundedZip {

    /** Most entries. */
    public static final int MAX_ENTRIES = 1024;
    /** Most bytes of one entry once inflated (256 MiB). */
    public static final long MAX_ENTRY_BYTES = 256L << 20;
    /** Most bytes of all entries once inflated (1 GiB). */
    public static final long MAX_TOTAL_BYTES = 1L << 30;

    private BoundedZip() {}

    /**
     * The entries by name, in archive order.
     *
     * @throws IllegalArgumentException naming the limit or the entry name that was refused
     * @throws IOException when the archive cannot be read
     */
    public static Map<String, byte[]> read(InputStream in) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        long total = 0;
        byte[] buf = new byte[1 << 16];
        try (ZipInputStream zip = new ZipInputStream(in)) {
            ZipEntry e;
            while ((e = zip.getNextEntry()) != null) {
                String name = e.getName();
                checkName(name);
                if (entries.containsKey(name)) {
                    throw new IllegalArgumentException("the entry '" + name + "' appears twice");
                }
                if (entries.size() == MAX_ENTRIES) {
                    throw new IllegalArgumentException("more than " + MAX_ENTRIES + " entries");
                }
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                long size = 0;
                int n;
                while ((n = zip.read(buf)) > 0) {
                    size += n;
                    total += n;
                    if (size > MAX_ENTRY_BYTES) {
                        throw new IllegalArgumentException(
                                "the entry '" + name + "' inflates to more than " + MAX_ENTRY_BYTES + " bytes");
                    }
                    if (total > MAX_TOTAL_BYTES) {
                        throw new IllegalArgumentException(
                                "the entries inflate to more than " + MAX_TOTAL_BYTES + " bytes in all");
                    }
                    out.write(buf, 0, n);
                }
                entries.put(name, out.toByteArray());
            }
        }
        return entries;
    }

    private static void checkName(String name) {
        boolean bad = name.isEmpty()
                || name.startsWith("/")
                || name.contains("\\")
                || name.indexOf('\0') >= 0
                || (name.length() > 1 && name.charAt(1) == ':');
        for (String part : name.split("/")) {
            bad |= part.equals("..");
        }
        if (bad) {
            throw new IllegalArgumentException(
                    "the entry name '" + name.replace("\0", "\\0") + "' is not a plain relative path");
        }
    }
}
