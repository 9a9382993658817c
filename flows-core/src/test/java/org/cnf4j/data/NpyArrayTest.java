package org.cnf4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.cnf4j.linalg.NativeArrays;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class NpyArrayTest {

    /** An .npy file (format 1.0) with the given header fields and raw data. */
    static byte[] npy(String descr, boolean fortran, String shape, byte[] data) {
        String dict = "{'descr': '" + descr + "', 'fortran_order': " + (fortran ? "True" : "False") + ", 'shape': "
                + shape + ", }";
        int pad = (64 - (10 + dict.length() + 1) % 64) % 64;
        byte[] header = (dict + " ".repeat(pad) + "\n").getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + header.length + data.length).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0})
                .putShort((short) header.length)
                .put(header)
                .put(data);
        return b.array();
    }

    private static byte[] bytes(ByteOrder order, int size, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * size).order(order);
        for (long v : values) {
            switch (size) {
                case 1 -> b.put((byte) v);
                case 2 -> b.putShort((short) v);
                case 4 -> b.putInt((int) v);
                default -> b.putLong(v);
            }
        }
        return b.array();
    }

    @Test
    void readsWhatNd4jWrites() {
        INDArray m = Nd4j.createFromArray(new double[][] {{1.5, -2}, {3, 4e-300}, {5, 6}});
        assertEquals(m, NpyArray.read(Nd4j.toNpyByteArray(m)));
        INDArray f = Nd4j.createFromArray(new float[][] {{1.25f, 2}, {3, 4}});
        assertEquals(f.castTo(DataType.DOUBLE), NpyArray.read(Nd4j.toNpyByteArray(f)));
    }

    @Test
    void decodesEveryPlainDtypeInEitherByteOrderAndFortranOrder() {
        ByteOrder le = ByteOrder.LITTLE_ENDIAN;
        ByteOrder be = ByteOrder.BIG_ENDIAN;
        assertArrayEquals(
                new double[] {-1, 2, 300, -4},
                NativeArrays.toArray(NpyArray.read(npy(">i4", false, "(2, 2)", bytes(be, 4, -1, 2, 300, -4)))),
                0);
        assertArrayEquals(
                new double[] {255, 1},
                NativeArrays.toArray(NpyArray.read(npy("|u1", false, "(1, 2)", bytes(le, 1, 255, 1)))),
                0);
        assertArrayEquals(
                new double[] {18446744073709551615.0, 65535},
                NativeArrays.toArray(NpyArray.read(npy("<u8", false, "(2,)", bytes(le, 8, -1, 65535)))),
                0);
        assertArrayEquals(
                new double[] {1, 0, 1},
                NativeArrays.toArray(NpyArray.read(npy("|b1", false, "(3,)", bytes(le, 1, 7, 0, 1)))),
                0);
        // binary16: 1.0, -2.5, the smallest subnormal, infinity
        assertArrayEquals(
                new double[] {1.0, -2.5, 0x1p-24, Double.POSITIVE_INFINITY},
                NativeArrays.toArray(
                        NpyArray.read(npy("<f2", false, "(4,)", bytes(le, 2, 0x3c00, 0xc100, 0x0001, 0x7c00)))),
                0);
        ByteBuffer d = ByteBuffer.allocate(16).order(be).putDouble(0.5).putDouble(-8);
        assertArrayEquals(
                new double[] {0.5, -8}, NativeArrays.toArray(NpyArray.read(npy(">f8", false, "(2,)", d.array()))), 0);
        // Fortran order: the data are column by column
        INDArray fortran = NpyArray.read(npy("<i8", true, "(2, 3)", bytes(le, 8, 1, 4, 2, 5, 3, 6)));
        assertEquals(Nd4j.createFromArray(new double[][] {{1, 2, 3}, {4, 5, 6}}), fortran);
        assertEquals(
                7.0,
                NpyArray.read(npy("<f8", false, "()", bytes(le, 8, Double.doubleToLongBits(7))))
                        .getDouble(0),
                0);
        assertEquals(0, NpyArray.read(npy("<f8", false, "(0, 3)", new byte[0])).length());
    }

    @Test
    void refusesWhatIsNotAPlainNumberArray() {
        for (String dtype : new String[] {"|O", "<f1", "|b2", "<c16", "<U5", "<f16", "<i3"}) {
            IllegalArgumentException e = assertThrows(
                    IllegalArgumentException.class,
                    () -> NpyArray.read(npy(dtype, false, "(1,)", new byte[16])),
                    dtype);
            assertTrue(e.getMessage().contains("not a plain number type"), e.getMessage());
        }
        assertTrue(assertThrows(
                        IllegalArgumentException.class, () -> NpyArray.read(npy("<f8", false, "(2, 2)", new byte[24])))
                .getMessage()
                .contains("needs 32 bytes of data, the file has 24"));
    }
}
