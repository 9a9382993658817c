package org.cnf4j.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The SHA-256 digest of a table's content: its column names, context count and every value's bits. */
public final class ContentDigest {

    private ContentDigest() {}

    /**
     * The digest, as {@code sha256:} and 64 hex digits.
     *
     * @param values {@code [rows, columns]}
     */
    public static String of(List<String> columns, int contextColumns, INDArray values) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        for (String c : columns) {
            byte[] name = c.getBytes(StandardCharsets.UTF_8);
            sha.update(ByteBuffer.allocate(4).putInt(name.length).array());
            sha.update(name);
        }
        sha.update(ByteBuffer.allocate(20)
                .putInt(contextColumns)
                .putLong(values.rows())
                .putLong(values.columns())
                .array());
        double[] v = NativeArrays.toArray(
                values.dataType() == DataType.DOUBLE && values.ordering() == 'c'
                        ? values
                        : values.castTo(DataType.DOUBLE).dup('c'));
        ByteBuffer buffer = ByteBuffer.allocate(8 * 4096);
        for (int i = 0; i < v.length; i++) {
            buffer.putLong(Double.doubleToLongBits(v[i]));
            if (!buffer.hasRemaining()) {
                sha.update(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        }
        sha.update(buffer.array(), 0, buffer.position());
        return "sha256:" + HexFormat.of().formatHex(sha.digest());
    }
}
