package org.cnf4j.data;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The header of a NumPy {@code .npy} array, read and checked before anything is allocated: the
 * magic string, the version, a plain numeric dtype (bool, integers, floats; object arrays, which
 * numpy pickles, are refused, so nothing is ever unpickled), the shape, and that the data that
 * follows has exactly the bytes the shape declares. A file of 1 KB declaring 10^12 elements is
 * refused here instead of reaching an allocation.
 *
 * @param dtype numpy's type string, e.g. {@code <f8}
 * @param fortranOrder whether the data are column-major
 * @param shape the declared shape
 * @param dataOffset where the data start in the file
 */
public record NpyHeader(String dtype, boolean fortranOrder, long[] shape, int dataOffset) {

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern FORTRAN = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    /** Number of elements the shape declares. */
    public long elements() {
        long n = 1;
        for (long d : shape) {
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Parses and checks the header of {@code bytes} (a whole .npy file).
     *
     * @throws IllegalArgumentException naming what is wrong: not an .npy, an unsupported dtype (an
     *     object array among them), a negative or overflowing shape, or a data size that does not
     *     match the shape
     */
    public static NpyHeader check(byte[] bytes) {
        return check(bytes, bytes.length);
    }

    /**
     * The same check from the first bytes of a file ({@code head}, at least its whole header) and
     * the file's length, for files too large to read whole.
     */
    public static NpyHeader check(byte[] head, long fileLength) {
        byte[] bytes = head;
        if (bytes.length < 10) {
            throw new IllegalArgumentException("too short for an .npy array (" + bytes.length + " bytes)");
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (bytes[i] != MAGIC[i]) {
                throw new IllegalArgumentException("not an .npy array (no \\x93NUMPY magic)");
            }
        }
        int major = bytes[6] & 0xff;
        long headerLength;
        int start;
        if (major == 1) {
            headerLength = (bytes[8] & 0xff) | (bytes[9] & 0xff) << 8;
            start = 10;
        } else if (major == 2 || major == 3) {
            if (bytes.length < 12) {
                throw new IllegalArgumentException("truncated .npy header");
            }
            headerLength = (bytes[8] & 0xffL)
                    | (bytes[9] & 0xffL) << 8
                    | (bytes[10] & 0xffL) << 16
                    | (bytes[11] & 0xffL) << 24;
            start = 12;
        } else {
            throw new IllegalArgumentException(".npy format version " + major + " is not supported");
        }
        if (start + headerLength > Math.min(bytes.length, fileLength)) {
            throw new IllegalArgumentException("the .npy header declares " + headerLength + " bytes, the file has "
                    + (Math.min(bytes.length, fileLength) - start) + " after the preamble");
        }
        String header = new String(bytes, start, (int) headerLength, StandardCharsets.ISO_8859_1);
        String dtype = group(DESCR, header, "descr");
        int itemSize = itemSize(dtype);
        boolean fortran = group(FORTRAN, header, "fortran_order").equals("True");
        String dims = group(SHAPE, header, "shape").trim();
        String[] parts = dims.isEmpty() ? new String[0] : dims.split(",");
        int rank = 0;
        long[] shape = new long[parts.length];
        for (String p : parts) {
            String s = p.trim();
            if (s.isEmpty()) {
                continue;
            }
            long d;
            try {
                d = Long.parseLong(s.endsWith("L") ? s.substring(0, s.length() - 1) : s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("the .npy shape (" + dims + ") is not a tuple of integers");
            }
            if (d < 0) {
                throw new IllegalArgumentException("the .npy shape (" + dims + ") has a negative dimension");
            }
            shape[rank++] = d;
        }
        shape = java.util.Arrays.copyOf(shape, rank);
        NpyHeader h = new NpyHeader(dtype, fortran, shape, (int) (start + headerLength));
        long data;
        try {
            data = Math.multiplyExact(h.elements(), (long) itemSize);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("the .npy shape (" + dims + ") overflows");
        }
        long have = fileLength - h.dataOffset();
        if (data != have) {
            throw new IllegalArgumentException("the .npy shape (" + dims + ") of " + dtype + " needs " + data
                    + " bytes of data, the file has " + have);
        }
        return h;
    }

    private static String group(Pattern p, String header, String what) {
        Matcher m = p.matcher(header);
        if (!m.find()) {
            throw new IllegalArgumentException("the .npy header has no '" + what + "'");
        }
        return m.group(1);
    }

    /**
     * Bytes per element of a plain numeric dtype (b1; i1, i2, i4, i8; u1, u2, u4, u8; f2, f4, f8 in
     * either byte order); anything else (objects, strings, records, complex) is refused.
     */
    private static int itemSize(String dtype) {
        String d = dtype.toLowerCase(Locale.ROOT);
        if (d.matches("[<>|=](b1|[iu][1248]|f[248])")) {
            return Integer.parseInt(d.substring(2));
        }
        throw new IllegalArgumentException("the .npy dtype '" + dtype + "' is not a plain number type"
                + (d.contains("o") ? " (object arrays are pickles and are never read)" : ""));
    }
}
