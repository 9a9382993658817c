package org.cnf4j.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.cnf4j.linalg.NativeArrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class DataTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(ToyDataset.class)
    void toyGeneratorsAreSeededAndFinite(ToyDataset toy) {
        INDArray a = toy.sample(1001, new SplittableRandom(3));
        INDArray b = toy.sample(1001, new SplittableRandom(3));
        INDArray c = toy.sample(1001, new SplittableRandom(4));
        assertEquals(a, b);
        assertTrue(a.sub(c).amaxNumber().doubleValue() > 0.1);
        assertArrayEquals(new long[] {1001, 2}, a.shape());
        for (double v : NativeArrays.toArray(a)) {
            assertTrue(Double.isFinite(v) && Math.abs(v) < 10);
        }
        assertEquals(toy, ToyDataset.byName(toy.id().toUpperCase()));
    }

    private static double[][] points(ToyDataset toy, int n) {
        double[] v = NativeArrays.toArray(toy.sample(n, new SplittableRandom(9)));
        double[][] p = new double[n][];
        for (int i = 0; i < n; i++) {
            p[i] = new double[] {v[2 * i], v[2 * i + 1]};
        }
        return p;
    }

    @Test
    void toyGeneratorsHaveTheirShapes() {
        // checkerboard: every point on a square of even parity in [-4, 4]^2
        for (double[] q : points(ToyDataset.CHECKERBOARD, 2000)) {
            assertTrue(Math.abs(q[0]) <= 4 && Math.abs(q[1]) <= 4);
            assertEquals(0, Math.floorMod((long) Math.floor(q[0] / 2) + (long) Math.floor(q[1] / 2), 2L));
        }
        // 8 gaussians: centres at radius 4 / 1.414, spread 0.5 / 1.414
        double meanRadius = 0;
        for (double[] q : points(ToyDataset.EIGHT_GAUSSIANS, 4000)) {
            meanRadius += Math.hypot(q[0], q[1]) / 4000;
        }
        assertEquals(4 / 1.414, meanRadius, 0.1);
        // rings: radii 3, 2.25, 1.5, 0.75
        for (double[] q : points(ToyDataset.RINGS, 2000)) {
            double r = Math.hypot(q[0], q[1]);
            double nearest = Math.min(
                    Math.min(Math.abs(r - 3), Math.abs(r - 2.25)), Math.min(Math.abs(r - 1.5), Math.abs(r - 0.75)));
            assertTrue(nearest < 0.45, "ring radius " + r);
        }
        // circles: radii 3 and 1.5, half the points on each
        int outer = 0;
        for (double[] q : points(ToyDataset.CIRCLES, 2000)) {
            double r = Math.hypot(q[0], q[1]);
            assertTrue(Math.abs(r - 3) < 1.2 || Math.abs(r - 1.5) < 1.2);
            outer += r > 2.25 ? 1 : 0;
        }
        assertEquals(1000, outer, 60);
        assertThrows(IllegalArgumentException.class, () -> ToyDataset.byName("9gaussians"));
    }

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content);
        return p;
    }

    @Test
    void csvFilesAreReadWithChosenColumns() throws IOException {
        Path f = write("a.csv", "waiting,duration,label\n80,4.0,1\n\n57,\"2.1\",0\n");
        Dataset all = CsvReader.read(f, null);
        assertEquals(List.of("waiting", "duration", "label"), all.columns());
        assertEquals(2, all.rows());
        Dataset two = CsvReader.read(f, List.of("duration", "0"));
        assertEquals(List.of("duration", "waiting"), two.columns());
        assertArrayEquals(new double[] {4.0, 80, 2.1, 57}, NativeArrays.toArray(two.values()), 0.0);
        Path tab = write("b.tsv", "x\ty\n1\t2\n3\t4\n");
        assertArrayEquals(
                new double[] {1, 2, 3, 4},
                NativeArrays.toArray(CsvReader.read(tab, null).values()),
                0.0);
    }

    @Test
    void badCsvFilesNameFileLineAndColumn() throws IOException {
        Path ragged = write("ragged.csv", "a,b\n1,2\n3\n");
        assertEquals(
                ragged + ", line 3: 1 values, but the header has 2 columns",
                assertThrows(DataException.class, () -> CsvReader.read(ragged, null))
                        .getMessage());
        Path word = write("word.csv", "a,b\n1,2\n3,four\n");
        assertEquals(
                word + ", line 3, column 2 (b): 'four' is not a number",
                assertThrows(DataException.class, () -> CsvReader.read(word, null))
                        .getMessage());
        Path nan = write("nan.csv", "a,b\n1,NaN\n");
        assertEquals(
                nan + ", line 2, column 2 (b): NaN is not a finite value (a missing value)",
                assertThrows(DataException.class, () -> CsvReader.read(nan, null))
                        .getMessage());
        Path inf = write("inf.csv", "a,b\n1,2\nInfinity,2\n");
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(inf, null))
                .getMessage()
                .contains("line 3, column 1"));
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(dir.resolve("no.csv"), null))
                .getMessage()
                .endsWith("no.csv: no such file"));
        Path empty = write("empty.csv", "");
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(empty, null))
                .getMessage()
                .contains("empty"));
        Path header = write("header.csv", "a,b\n");
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(header, null))
                .getMessage()
                .contains("no data rows"));
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(ragged, List.of("zz")))
                .getMessage()
                .contains("no column 'zz'"));
    }

    @Test
    void csvRowsStreamInChunksWithAnyLineEnd() throws IOException {
        Path f = write("ends.csv", "x,y\r\n1,2\r3,4\n\n5,6\r\n7,8");
        try (CsvRows rows = CsvRows.open(f)) {
            rows.select(List.of("y"));
            double[] buf = new double[3];
            assertEquals(3, rows.read(buf, 3));
            assertArrayEquals(new double[] {2, 4, 6}, buf, 0.0);
            assertEquals(1, rows.read(buf, 3));
            assertEquals(8, buf[0], 0.0);
            assertEquals(0, rows.read(buf, 3));
            assertEquals(4, rows.rowsRead());
            assertThrows(IllegalStateException.class, () -> rows.select(null));
        }
        // line numbers count every line end, blank lines included
        Path bad = write("bad.csv", "x,y\r\n1,2\r\n\r\n3,z\n");
        assertEquals(
                bad + ", line 4, column 2 (y): 'z' is not a number",
                assertThrows(DataException.class, () -> CsvReader.read(bad, null))
                        .getMessage());
    }

    @Test
    void csvRefusesLongLinesAndBytesThatAreNotUtf8() throws IOException {
        Path longLine = write("long.csv", "x\n" + "1".repeat(CsvRows.MAX_LINE_CHARS + 10));
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(longLine, null))
                .getMessage()
                .contains("line 2: longer than"));
        Path latin1 = dir.resolve("latin1.csv");
        Files.write(latin1, new byte[] {'x', '\n', '1', (byte) 0xe9, '\n'});
        assertTrue(assertThrows(DataException.class, () -> CsvReader.read(latin1, null))
                .getMessage()
                .contains("latin1.csv: bytes that are not UTF-8 text"));
    }

    @Test
    void setsLargerThanTheMemoryLimitAreRefusedBeforeUse() throws IOException {
        StringBuilder text = new StringBuilder("a,b\n");
        for (int i = 0; i < 10_000; i++) {
            text.append(i).append(',').append(-i).append('\n');
        }
        Path f = write("big.csv", text.toString());
        assertEquals(10_000, CsvReader.read(f, null, 160_000).rows());
        String msg = assertThrows(DataException.class, () -> CsvReader.read(f, null, 100_000))
                .getMessage();
        assertTrue(msg.startsWith(f + ": too large to hold in memory"), msg);
        Path npy = dir.resolve("big.npy");
        Files.write(npy, Nd4j.toNpyByteArray(Nd4j.zeros(DataType.DOUBLE, 100, 2)));
        String old = System.setProperty(DataMemory.PROPERTY, "1000");
        try {
            assertTrue(assertThrows(DataException.class, () -> NpyReader.read(npy))
                    .getMessage()
                    .contains("the 200 values its shape [100, 2] declares take"));
        } finally {
            if (old == null) {
                System.clearProperty(DataMemory.PROPERTY);
            } else {
                System.setProperty(DataMemory.PROPERTY, old);
            }
        }
    }

    @Test
    void npyFilesAreReadAndChecked() throws IOException {
        INDArray m = Nd4j.createFromArray(new double[][] {{1, 2}, {3, 4}, {5, 6}});
        Path f = dir.resolve("m.npy");
        Files.write(f, Nd4j.toNpyByteArray(m));
        assertEquals(m, NpyReader.read(f).values());
        Path flat = dir.resolve("v.npy");
        Files.write(flat, Nd4j.toNpyByteArray(Nd4j.createFromArray(1.0, 2.0)));
        assertTrue(assertThrows(DataException.class, () -> NpyReader.read(flat))
                .getMessage()
                .contains("2-D"));
        Path bad = dir.resolve("bad.npy");
        Files.write(bad, Nd4j.toNpyByteArray(Nd4j.createFromArray(new double[][] {{1, Double.NaN}})));
        assertTrue(assertThrows(DataException.class, () -> NpyReader.read(bad))
                .getMessage()
                .contains("row 0, column 1"));
        Path junk = write("junk.npy", "not numpy");
        assertThrows(DataException.class, () -> NpyReader.read(junk));
    }

    @Test
    void tablesSplitDeterministicallyAndWalkEpochs() {
        double[][] rows = new double[50][];
        for (int i = 0; i < 50; i++) {
            rows[i] = new double[] {i, (i * i) % 13 + 0.5};
        }
        Dataset ds = Dataset.of(Nd4j.create(rows).castTo(DataType.DOUBLE), "table");
        TableTrainingData a = new TableTrainingData(ds, 0.2, 0.2, 7, false, true);
        TableTrainingData b = new TableTrainingData(ds, 0.2, 0.2, 7, false, true);
        assertEquals(30, a.trainingRows());
        assertEquals(10, a.validation().rows());
        assertEquals(a.batch(5, 8), b.batch(5, 8));
        assertEquals(a.validation(), b.validation());
        // one epoch of batches covers every training row once
        Set<Long> seen = new HashSet<>();
        for (int it = 0; it < 3; it++) {
            double[] v = NativeArrays.toArray(a.standardizer().inverse(a.batch(it, 10)));
            for (int i = 0; i < v.length; i += 2) {
                seen.add(Math.round(v[i]));
            }
        }
        assertEquals(30, seen.size());
        // standardised training data have mean 0 and unit variance
        INDArray all = a.batch(0, 30);
        assertEquals(0, all.mean(0).amaxNumber().doubleValue(), 1e-12);
        assertEquals(1, all.std(false, 0).getDouble(0), 1e-12);
        assertTrue(assertThrows(DataException.class, () -> a.batch(0, 31))
                .getMessage()
                .contains("31"));
    }

    @Test
    void standardizerConvertsDensitiesBack() {
        INDArray x = Nd4j.createFromArray(new double[][] {{1, 10}, {3, 30}, {5, 20}});
        Standardizer s = Standardizer.fit(x);
        assertEquals(x, s.inverse(s.transform(x)));
        double[] std = s.std();
        assertEquals(-Math.log(std[0]) - Math.log(std[1]), s.logDetJacobian(), 1e-15);
        assertTrue(Standardizer.identity(3).isIdentity());
        Standardizer constant = Standardizer.fit(Nd4j.createFromArray(new double[][] {{1, 2}, {1, 3}}));
        assertEquals(1.0, constant.std()[0]);
    }

    @Test
    void dequantisationAddsUniformNoiseWithinEachBin() {
        double[][] rows = new double[40][];
        for (int i = 0; i < 40; i++) {
            rows[i] = new double[] {i % 5, i % 3};
        }
        TableTrainingData d = new TableTrainingData(
                Dataset.of(Nd4j.create(rows).castTo(DataType.DOUBLE), "ints"), 0.1, 0.1, 3, true, false);
        for (double v : NativeArrays.toArray(d.batch(2, 16))) {
            double frac = v - Math.floor(v);
            assertTrue(frac >= 0 && frac < 1 && v >= 0 && v < 5);
        }
        assertTrue(d.dequantized());
    }

    @Test
    void foldsHoldOutEveryTrainingAndValidationRowOnceAndNeverATestRow() {
        TableSplit split = new TableSplit(103, 0.1, 0.2, 9, "t");
        Set<Integer> pool = new HashSet<>();
        for (int r : split.train()) {
            pool.add(r);
        }
        for (int r : split.validation()) {
            pool.add(r);
        }
        Set<Integer> heldOut = new HashSet<>();
        for (int f = 0; f < 5; f++) {
            TableSplit fold = split.fold(f, 5);
            assertEquals(0, fold.test().length);
            Set<Integer> rows = new HashSet<>();
            for (int r : fold.train()) {
                rows.add(r);
            }
            for (int r : fold.validation()) {
                assertTrue(heldOut.add(r), "row " + r + " held out twice");
                rows.add(r);
            }
            assertEquals(pool, rows, "fold " + f + " covers the training and validation rows");
            assertTrue(Math.abs(fold.validation().length - pool.size() / 5.0) <= 1);
        }
        assertEquals(pool, heldOut);
        assertThrows(IllegalArgumentException.class, () -> split.fold(5, 5));
    }
}
