package org.cnf4j.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.DoubleBuffer;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.stream.Stream;
import org.cnf4j.linalg.ComputeThreads;
import org.cnf4j.linalg.HeapGemm;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.trace.Probes;
import org.cnf4j.trace.TraceEstimator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every operation of the built-in network against central finite differences, double precision. */
class MlpDynamicsTest {

    static final double T = 0.37;
    static final int B = 4;
    static final int D = 3;
    static final double H = 1e-5;

    static Stream<Arguments> architectures() {
        Stream.Builder<Arguments> s = Stream.builder();
        for (LayerType type : LayerType.values()) {
            for (Activation act : Activation.values()) {
                s.add(Arguments.of(type, act));
            }
        }
        return s.build();
    }

    static INDArray random(SplittableRandom r, long... shape) {
        INDArray a = Nd4j.create(DataType.DOUBLE, shape);
        for (long i = 0; i < a.length(); i++) {
            a.putScalar(i, r.nextGaussian());
        }
        return a;
    }

    static MlpDynamics net(LayerType type, Activation act) {
        MlpDynamics net = MlpDynamics.create(new int[] {D, 7, 5, D}, type, act, new SplittableRandom(11));
        // larger weights than the default so that the nonlinearity and its derivatives matter
        net.parameters().muli(2.0);
        return net;
    }

    static double relativeError(INDArray got, INDArray want) {
        double diff = got.sub(want).norm2Number().doubleValue();
        return diff / Math.max(want.norm2Number().doubleValue(), 1e-12);
    }

    /** Central differences of a scalar function of an array, over every element. */
    static INDArray gradient(INDArray x, Function<INDArray, Double> fn) {
        INDArray g = Nd4j.create(DataType.DOUBLE, x.shape());
        for (long i = 0; i < x.length(); i++) {
            double v = x.getDouble(i);
            x.putScalar(i, v + H);
            double up = fn.apply(x);
            x.putScalar(i, v - H);
            double down = fn.apply(x);
            x.putScalar(i, v);
            g.putScalar(i, (up - down) / (2 * H));
        }
        return g;
    }

    /** f computed naively, sample by sample, from the documented parameter layout. */
    static INDArray naiveForward(MlpDynamics net, double t, INDArray z) {
        int[] dims = net.dims();
        INDArray p = net.parameters();
        INDArray x = z.dup();
        long off = 0;
        for (int l = 0; l < dims.length - 1; l++) {
            int in = dims[l];
            int n = dims[l + 1];
            INDArray out = Nd4j.create(DataType.DOUBLE, x.rows(), n);
            for (int b = 0; b < x.rows(); b++) {
                for (int j = 0; j < n; j++) {
                    double acc = 0;
                    for (int i = 0; i < in; i++) {
                        acc += x.getDouble(b, i) * p.getDouble(off + (long) i * n + j);
                    }
                    long v = off + (long) in * n;
                    double o;
                    switch (net.layerType()) {
                        case CONCAT_SQUASH: {
                            double gate =
                                    1 / (1 + Math.exp(-(p.getDouble(v + n + j) * t + p.getDouble(v + 2L * n + j))));
                            o = (acc + p.getDouble(v + j)) * gate + p.getDouble(v + 3L * n + j) * t;
                            break;
                        }
                        case CONCAT:
                            o = acc + p.getDouble(v + j) * t + p.getDouble(v + n + j);
                            break;
                        default:
                            o = acc + p.getDouble(v + j);
                    }
                    out.putScalar(b, j, l < dims.length - 2 ? net.activation().value(o) : o);
                }
            }
            off += net.layerType().parameterCount(in, n);
            x = out;
        }
        return x;
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void forwardMatchesANaiveImplementation(LayerType type, Activation act) {
        MlpDynamics net = net(type, act);
        INDArray z = random(new SplittableRandom(1), B, D);
        INDArray f = net.f(T, z);
        assertTrue(relativeError(f, naiveForward(net, T, z)) < 1e-12);
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void vectorJacobianProductsMatchFiniteDifferences(LayerType type, Activation act) {
        MlpDynamics net = net(type, act);
        SplittableRandom r = new SplittableRandom(2);
        INDArray z = random(r, B, D);
        INDArray v = random(r, B, D);
        Function<INDArray, Double> vDotF = zz -> net.f(T, zz).mul(v).sumNumber().doubleValue();
        assertTrue(relativeError(net.vjpZ(T, z, v), gradient(z, vDotF)) < 1e-6, "vjp z");
        INDArray theta = net.parameters();
        Function<INDArray, Double> vDotFTheta =
                th -> net.f(T, z).mul(v).sumNumber().doubleValue();
        assertTrue(relativeError(net.vjpTheta(T, z, v), gradient(theta, vDotFTheta)) < 1e-6, "vjp theta");
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void probeFormMatchesFiniteDifferencesOfF(LayerType type, Activation act) {
        MlpDynamics net = net(type, act);
        SplittableRandom r = new SplittableRandom(3);
        INDArray z = random(r, B, D);
        INDArray e = random(r, B, D);
        INDArray u = random(r, B, D);
        INDArray fd = net.f(T, z.add(u.mul(H)))
                .sub(net.f(T, z.sub(u.mul(H))))
                .div(2 * H)
                .mul(e)
                .sum(1);
        assertTrue(relativeError(net.probe(T, z, e, u), fd) < 1e-6);
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void probeGradientsMatchFiniteDifferences(LayerType type, Activation act) {
        MlpDynamics net = net(type, act);
        SplittableRandom r = new SplittableRandom(4);
        INDArray z = random(r, B, D);
        INDArray e = random(r, B, D);
        INDArray u = random(r, B, D);
        INDArray[] g = net.probeGradient(T, z, e, u);
        Function<INDArray, Double> total =
                any -> net.probe(T, z, e, u).sumNumber().doubleValue();
        assertTrue(relativeError(g[0], gradient(z, total)) < 1e-6, "d probe / dz");
        assertTrue(relativeError(g[1], gradient(net.parameters(), total)) < 1e-6, "d probe / dtheta");
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void combinedBackwardMatchesFiniteDifferencesWithExactAndNoiseProbes(LayerType type, Activation act) {
        MlpDynamics net = net(type, act);
        SplittableRandom r = new SplittableRandom(5);
        INDArray z = random(r, B, D);
        INDArray vf = random(r, B, D);
        INDArray vt = random(r, B);
        INDArray vj = random(r, B);
        INDArray vk = random(r, B);
        for (TraceEstimator est : new TraceEstimator[] {TraceEstimator.exact(), TraceEstimator.rademacher()}) {
            Probes probes = est.draw(B, D, new SplittableRandom(6));
            Function<INDArray, Double> s = any -> {
                INDArray f = Nd4j.create(DataType.DOUBLE, B, D);
                INDArray tr = Nd4j.create(DataType.DOUBLE, B);
                INDArray jq = Nd4j.create(DataType.DOUBLE, B);
                net.forward(T, z, probes, f, tr, jq);
                return f.mul(vf).sumNumber().doubleValue()
                        + tr.mul(vt).sumNumber().doubleValue()
                        + jq.mul(vj).sumNumber().doubleValue()
                        + f.mul(f).sum(1).mul(vk).sumNumber().doubleValue();
            };
            INDArray gz = Nd4j.create(DataType.DOUBLE, B, D);
            INDArray gt = Nd4j.create(DataType.DOUBLE, net.parameterCount());
            INDArray f = Nd4j.create(DataType.DOUBLE, B, D);
            INDArray tr = Nd4j.create(DataType.DOUBLE, B);
            net.backward(T, z, probes, new Cotangents(vf, vk, vt, vj), f, tr, null, gz, gt);
            assertTrue(relativeError(gz, gradient(z, s)) < 1e-6, est + " dS/dz");
            assertTrue(relativeError(gt, gradient(net.parameters(), s)) < 1e-6, est + " dS/dtheta");
            assertTrue(relativeError(f, net.f(T, z)) < 1e-14);
            if (est.isExact()) {
                // the exact estimate is the trace of the finite-difference Jacobian
                for (int b = 0; b < B; b++) {
                    double trace = 0;
                    for (int i = 0; i < D; i++) {
                        INDArray dz = Nd4j.zeros(DataType.DOUBLE, B, D);
                        dz.putScalar(b, i, H);
                        trace += (net.f(T, z.add(dz)).getDouble(b, i)
                                        - net.f(T, z.sub(dz)).getDouble(b, i))
                                / (2 * H);
                    }
                    assertEquals(trace, tr.getDouble(b), 1e-7 * Math.max(1, Math.abs(trace)));
                }
            }
        }
    }

    static double[] times(SplittableRandom r, int n) {
        double[] t = new double[n];
        for (int b = 0; b < n; b++) {
            t[b] = r.nextDouble(0, 1.5);
        }
        return t;
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void perRowTimesMatchTheOneTimePathRowByRow(LayerType type, Activation act) {
        MlpDynamics net = net(type, act);
        SplittableRandom r = new SplittableRandom(21);
        INDArray z = random(r, B, D);
        INDArray v = random(r, B, D);
        double[] t = times(r, B);
        INDArray f = Nd4j.create(DataType.DOUBLE, B, D);
        net.forwardAtTimes(t, z, f);
        INDArray gz = Nd4j.create(DataType.DOUBLE, B, D);
        INDArray gt = Nd4j.create(DataType.DOUBLE, net.parameterCount());
        INDArray f2 = Nd4j.create(DataType.DOUBLE, B, D);
        net.backwardAtTimes(t, z, v, f2, gz, gt);
        INDArray wantGt = Nd4j.zeros(DataType.DOUBLE, net.parameterCount());
        for (int b = 0; b < B; b++) {
            INDArray row = z.getRow(b).reshape(1, D).dup();
            INDArray vr = v.getRow(b).reshape(1, D).dup();
            INDArray want = naiveForward(net, t[b], row).reshape(D);
            assertTrue(relativeError(f.getRow(b), want) < 1e-12, "f row " + b);
            assertTrue(relativeError(f2.getRow(b), want) < 1e-12, "f of backward, row " + b);
            assertTrue(relativeError(gz.getRow(b), net.vjpZ(t[b], row, vr).reshape(D)) < 1e-12, "dz row " + b);
            wantGt.addi(net.vjpTheta(t[b], row, vr));
        }
        assertTrue(relativeError(gt, wantGt) < 1e-12, "dtheta");
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void perRowTimesAgreeOnHeapKernelsAndBlas(LayerType type, Activation act) {
        SplittableRandom r = new SplittableRandom(24);
        int n = 300;
        INDArray z = random(r, n, D);
        INDArray v = random(r, n, D);
        double[] t = times(r, n);
        INDArray[][] got = new INDArray[2][];
        for (int heap = 0; heap < 2; heap++) {
            MlpDynamics net = net(type, act);
            net.setHeapProducts(heap == 1);
            assertEquals(heap == 1 && HeapGemm.vectorized(), net.heapProducts());
            INDArray f = Nd4j.create(DataType.DOUBLE, n, D);
            INDArray gz = Nd4j.create(DataType.DOUBLE, n, D);
            INDArray gt = Nd4j.create(DataType.DOUBLE, net.parameterCount());
            net.backwardAtTimes(t, z, v, f, gz, gt);
            got[heap] = new INDArray[] {f, gz, gt};
            // rows on the heap and a row cotangent: the same gradient, bit for bit
            DoubleBuffer vb = NativeArrays.doubles(v);
            RowCotangent given = (first, rows, fv, out) -> vb.get(first * D, out, 0, rows * D);
            INDArray gtHeap = Nd4j.create(DataType.DOUBLE, net.parameterCount());
            net.backwardAtTimes(t, NativeArrays.toArray(z), given, gtHeap);
            assertEquals(gt, gtHeap, "rows given on the heap");
        }
        for (int i = 0; i < 3; i++) {
            assertTrue(relativeError(got[1][i], got[0][i]) < 1e-12, "output " + i);
        }
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void perRowTimesInFloatRunFloatProductsOnBothPaths(LayerType type, Activation act) {
        SplittableRandom r = new SplittableRandom(25);
        int n = 300;
        INDArray z = random(r, n, D);
        INDArray v = random(r, n, D);
        double[] t = times(r, n);
        INDArray[][] got = new INDArray[3][];
        for (int run = 0; run < 3; run++) {
            MlpDynamics net = net(type, act);
            if (run > 0) {
                net.setPrecision(MatrixPrecision.FLOAT);
            }
            net.setHeapProducts(run == 2);
            INDArray f = Nd4j.create(DataType.DOUBLE, n, D);
            INDArray gz = Nd4j.create(DataType.DOUBLE, n, D);
            INDArray gt = Nd4j.create(DataType.DOUBLE, net.parameterCount());
            net.backwardAtTimes(t, z, v, f, gz, gt);
            got[run] = new INDArray[] {f, gz, gt};
        }
        for (int run = 1; run < 3; run++) {
            for (int i = 0; i < 3; i++) {
                double err = relativeError(got[run][i], got[0][i]);
                // float products: within float's rounding of double, and not double's own result
                assertTrue(err < 1e-5 && err > 1e-12, (run == 2 ? "heap" : "BLAS") + " output " + i + ": " + err);
            }
        }
    }

    @ParameterizedTest
    @MethodSource("architectures")
    void perRowTimeGradientsMatchFiniteDifferences(LayerType type, Activation act) {
        MlpDynamics net = net(type, act);
        SplittableRandom r = new SplittableRandom(22);
        INDArray z = random(r, B, D);
        INDArray v = random(r, B, D);
        double[] t = times(r, B);
        Function<INDArray, Double> vDotF = zz -> {
            INDArray f = Nd4j.create(DataType.DOUBLE, B, D);
            net.forwardAtTimes(t, zz, f);
            return f.mul(v).sumNumber().doubleValue();
        };
        INDArray gz = Nd4j.create(DataType.DOUBLE, B, D);
        INDArray gt = Nd4j.create(DataType.DOUBLE, net.parameterCount());
        net.backwardAtTimes(t, z, v, null, gz, gt);
        assertTrue(relativeError(gz, gradient(z, vDotF)) < 1e-6, "dz");
        Function<INDArray, Double> vDotFTheta = th -> vDotF.apply(z);
        assertTrue(relativeError(gt, gradient(net.parameters(), vDotFTheta)) < 1e-6, "dtheta");
    }

    @Test
    void perRowTimesAreBitIdenticalWhateverTheNumberOfWorkersAndChunk() {
        MlpDynamics net = net(LayerType.CONCAT_SQUASH, Activation.TANH);
        SplittableRandom r = new SplittableRandom(23);
        int n = 1500;
        INDArray z = random(r, n, D);
        INDArray v = random(r, n, D);
        double[] t = times(r, n);
        int saved = ComputeThreads.workers();
        try {
            INDArray[] want = null;
            for (int workers : new int[] {1, 2, 3}) {
                ComputeThreads.setWorkers(workers);
                INDArray f = Nd4j.create(DataType.DOUBLE, n, D);
                INDArray gz = Nd4j.create(DataType.DOUBLE, n, D);
                INDArray gt = Nd4j.create(DataType.DOUBLE, net.parameterCount());
                net.backwardAtTimes(t, z, v, f, gz, gt);
                INDArray[] got = {f, gz, gt};
                if (want == null) {
                    want = got;
                    // the generic row-by-row default gives the same numbers to rounding
                    INDArray gt2 = Nd4j.create(DataType.DOUBLE, net.parameterCount());
                    Dynamics generic = new Dynamics() {
                        public int dim() {
                            return D;
                        }

                        public long parameterCount() {
                            return net.parameterCount();
                        }

                        public INDArray parameters() {
                            return net.parameters();
                        }

                        public void bindParameters(INDArray target) {
                            throw new UnsupportedOperationException();
                        }

                        public java.util.List<ParameterTensor> tensors() {
                            return net.tensors();
                        }

                        public String describe() {
                            return "generic";
                        }

                        public void forward(double tt, INDArray zz, INDArray ff) {
                            net.forward(tt, zz, ff);
                        }

                        public void forward(double tt, INDArray zz, Probes p, INDArray ff, INDArray tr, INDArray jq) {
                            net.forward(tt, zz, p, ff, tr, jq);
                        }

                        public void backward(
                                double tt,
                                INDArray zz,
                                Probes p,
                                Cotangents c,
                                INDArray ff,
                                INDArray tr,
                                INDArray jq,
                                INDArray gzz,
                                INDArray gtt) {
                            net.backward(tt, zz, p, c, ff, tr, jq, gzz, gtt);
                        }
                    };
                    INDArray small = z.get(
                                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20),
                                    org.nd4j.linalg.indexing.NDArrayIndex.all())
                            .dup();
                    INDArray vs = v.get(
                                    org.nd4j.linalg.indexing.NDArrayIndex.interval(0, 20),
                                    org.nd4j.linalg.indexing.NDArrayIndex.all())
                            .dup();
                    double[] ts = java.util.Arrays.copyOf(t, 20);
                    INDArray gtFast = Nd4j.create(DataType.DOUBLE, net.parameterCount());
                    net.backwardAtTimes(ts, small, vs, null, null, gtFast);
                    generic.backwardAtTimes(ts, small, vs, null, null, gt2);
                    assertTrue(relativeError(gt2, gtFast) < 1e-12, "generic default");
                } else {
                    for (int i = 0; i < got.length; i++) {
                        assertEquals(want[i], got[i], workers + " workers, output " + i);
                    }
                }
            }
        } finally {
            ComputeThreads.setWorkers(saved);
        }
    }

    @Test
    void largeBatchesAreProcessedInChunksWithTheSameResults() {
        MlpDynamics net = net(LayerType.CONCAT_SQUASH, Activation.TANH);
        int n = 5000;
        SplittableRandom r = new SplittableRandom(8);
        INDArray z = random(r, n, D);
        INDArray v = random(r, n, D);
        INDArray ones = Nd4j.ones(DataType.DOUBLE, n);
        Probes probes = TraceEstimator.exact().draw(n, D, r);
        INDArray f = Nd4j.create(DataType.DOUBLE, n, D);
        INDArray tr = Nd4j.create(DataType.DOUBLE, n);
        INDArray gz = Nd4j.create(DataType.DOUBLE, n, D);
        INDArray gt = Nd4j.create(DataType.DOUBLE, net.parameterCount());
        net.backward(T, z, probes, new Cotangents(v, null, ones, null), f, tr, null, gz, gt);
        assertTrue(n * (1 + D) > ChunkScheduler.CHUNK_ROWS, "the batch must span several chunks");
        INDArray gtSum = Nd4j.zeros(DataType.DOUBLE, net.parameterCount());
        for (int[] part : new int[][] {{0, 2500}, {2500, 5000}}) {
            int m = part[1] - part[0];
            org.nd4j.linalg.indexing.INDArrayIndex rows =
                    org.nd4j.linalg.indexing.NDArrayIndex.interval(part[0], part[1]);
            INDArray zp =
                    z.get(rows, org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
            INDArray vp =
                    v.get(rows, org.nd4j.linalg.indexing.NDArrayIndex.all()).dup();
            Probes pp = TraceEstimator.exact().draw(m, D, r);
            INDArray fp = Nd4j.create(DataType.DOUBLE, m, D);
            INDArray tp = Nd4j.create(DataType.DOUBLE, m);
            INDArray gzp = Nd4j.create(DataType.DOUBLE, m, D);
            INDArray gtp = Nd4j.create(DataType.DOUBLE, net.parameterCount());
            net.backward(
                    T, zp, pp, new Cotangents(vp, null, Nd4j.ones(DataType.DOUBLE, m), null), fp, tp, null, gzp, gtp);
            assertTrue(relativeError(f.get(rows, org.nd4j.linalg.indexing.NDArrayIndex.all()), fp) < 1e-14);
            assertTrue(relativeError(tr.get(rows), tp) < 1e-14);
            assertTrue(relativeError(gz.get(rows, org.nd4j.linalg.indexing.NDArrayIndex.all()), gzp) < 1e-13);
            gtSum.addi(gtp);
        }
        assertTrue(relativeError(gt, gtSum) < 1e-12);
        INDArray fOnly = Nd4j.create(DataType.DOUBLE, n, D);
        net.forward(T, z, fOnly);
        assertTrue(relativeError(fOnly, f) < 1e-14);
    }

    @Test
    void chunksAreEqualBoundedAndSplitTrainingBatches() {
        assertEquals(
                50, ChunkScheduler.chunkSamples(100, 2), "FFJORD's batch of 100 with the exact 2-D trace: two halves");
        assertEquals(10, ChunkScheduler.chunkSamples(10, 2), "30 rows stay one chunk");
        assertEquals(1, ChunkScheduler.chunkSamples(1, 0));
        for (int size : new int[] {43, 100, 777, 10_000, 123_457}) {
            for (int probes = 0; probes <= 3; probes++) {
                int chunk = ChunkScheduler.chunkSamples(size, probes);
                int chunks = (size + chunk - 1) / chunk;
                assertTrue(chunk * (1 + probes) <= ChunkScheduler.CHUNK_ROWS, size + "/" + probes);
                assertTrue(chunks >= (size * (1 + probes) >= ChunkScheduler.SPLIT_ROWS ? 2 : 1), size + "/" + probes);
                assertTrue(size - (chunks - 1) * chunk > 0 && size - (chunks - 1) * chunk <= chunk, "no empty chunk");
            }
        }
    }

    @Test
    void resultsAreBitIdenticalWhateverTheNumberOfWorkers() {
        MlpDynamics net = net(LayerType.CONCAT_SQUASH, Activation.TANH);
        SplittableRandom r = new SplittableRandom(10);
        int n = 3000;
        INDArray z = random(r, n, D);
        INDArray v = random(r, n, D);
        Probes probes = TraceEstimator.exact().draw(n, D, r);
        int saved = ComputeThreads.workers();
        try {
            ComputeThreads.setWorkers(1);
            INDArray[] one = combined(net, z, probes, v);
            for (int workers : new int[] {2, 3}) {
                ComputeThreads.setWorkers(workers);
                INDArray[] many = combined(net, z, probes, v);
                for (int i = 0; i < one.length; i++) {
                    assertEquals(one[i], many[i], workers + " workers, output " + i);
                }
            }
        } finally {
            ComputeThreads.setWorkers(saved);
        }
    }

    @Test
    void floatMatrixProductsAgreeWithDoubleToSinglePrecision() {
        for (LayerType type : LayerType.values()) {
            MlpDynamics net = net(type, Activation.TANH);
            SplittableRandom r = new SplittableRandom(12);
            INDArray z = random(r, 300, D);
            INDArray v = random(r, 300, D);
            Probes probes = TraceEstimator.exact().draw(300, D, r);
            INDArray[] ref = combined(net, z, probes, v);
            net.setPrecision(MatrixPrecision.FLOAT);
            INDArray[] single = combined(net, z, probes, v);
            net.setPrecision(MatrixPrecision.DOUBLE);
            for (int i = 0; i < ref.length; i++) {
                double err = relativeError(single[i], ref[i]);
                assertTrue(err < 1e-5 && err > 0, type + " output " + i + ": relative difference " + err);
            }
        }
    }

    @Test
    void theFloatForwardPassAgreesWithDoubleToSinglePrecision() {
        for (Activation activation : new Activation[] {Activation.TANH, Activation.SOFTPLUS}) {
            MlpDynamics net = MlpDynamics.create(
                    new int[] {D, 64, 64, 64, D}, LayerType.CONCAT_SQUASH, activation, new SplittableRandom(13));
            SplittableRandom r = new SplittableRandom(14);
            INDArray z = random(r, 700, D);
            Probes probes = TraceEstimator.exact().draw(700, D, r);
            INDArray f = Nd4j.create(DataType.DOUBLE, 700, D);
            INDArray tr = Nd4j.create(DataType.DOUBLE, 700);
            net.forward(T, z, probes, f, tr, null);
            net.setPrecision(MatrixPrecision.FLOAT);
            INDArray fs = Nd4j.create(DataType.DOUBLE, 700, D);
            INDArray trs = Nd4j.create(DataType.DOUBLE, 700);
            net.forward(T, z, probes, fs, trs, null);
            net.setPrecision(MatrixPrecision.DOUBLE);
            for (INDArray[] pair : new INDArray[][] {{fs, f}, {trs, tr}}) {
                double err = relativeError(pair[0], pair[1]);
                assertTrue(err < 1e-5 && err > 0, activation + ": relative difference " + err);
            }
        }
    }

    @Test
    void heapProductsAgreeWithNativeBlas() {
        assumeTrue(HeapGemm.vectorized(), "the heap kernels run only with the Vector API");
        for (MatrixPrecision precision : MatrixPrecision.values()) {
            for (LayerType type : LayerType.values()) {
                MlpDynamics net = net(type, Activation.TANH);
                net.setPrecision(precision);
                net.setHeapProducts(true);
                SplittableRandom r = new SplittableRandom(15);
                INDArray z = random(r, 700, D);
                INDArray v = random(r, 700, D);
                Probes probes = TraceEstimator.exact().draw(700, D, r);
                INDArray[] heap = evaluatedAndCombined(net, z, probes, v);
                net.setHeapProducts(false);
                INDArray[] blas = evaluatedAndCombined(net, z, probes, v);
                net.setHeapProducts(true);
                double tolerance = precision == MatrixPrecision.FLOAT ? 1e-5 : 1e-12;
                double largest = 0;
                for (int i = 0; i < heap.length; i++) {
                    double err = relativeError(heap[i], blas[i]);
                    assertTrue(
                            err < tolerance, precision + " " + type + " output " + i + ": relative difference " + err);
                    largest = Math.max(largest, err);
                }
                // the two paths round differently, so identical results would mean one path ran twice
                assertTrue(largest > 0, precision + " " + type + ": the heap and BLAS paths gave identical results");
            }
        }
    }

    /** f and the trace of an evaluation (700 rows: two chunks), then {@link #combined}. */
    private static INDArray[] evaluatedAndCombined(MlpDynamics net, INDArray z, Probes probes, INDArray v) {
        int n = z.rows();
        INDArray f = Nd4j.create(DataType.DOUBLE, n, D);
        INDArray tr = Nd4j.create(DataType.DOUBLE, n);
        net.forward(T, z, probes, f, tr, null);
        INDArray[] c = combined(net, z, probes, v);
        return new INDArray[] {f, tr, c[0], c[1], c[2], c[3]};
    }

    static INDArray[] combined(MlpDynamics net, INDArray z, Probes probes, INDArray v) {
        int n = z.rows();
        INDArray f = Nd4j.create(DataType.DOUBLE, n, D);
        INDArray tr = Nd4j.create(DataType.DOUBLE, n);
        INDArray gz = Nd4j.create(DataType.DOUBLE, n, D);
        INDArray gt = Nd4j.create(DataType.DOUBLE, net.parameterCount());
        net.backward(T, z, probes, new Cotangents(v, null, Nd4j.ones(DataType.DOUBLE, n), null), f, tr, null, gz, gt);
        return new INDArray[] {f, tr, gz, gt};
    }

    @Test
    void parameterLayoutAndInitialisation() {
        MlpDynamics net = MlpDynamics.create(
                new int[] {2, 64, 64, 64, 2}, LayerType.CONCAT_SQUASH, Activation.TANH, new SplittableRandom(0));
        assertEquals(2 * 64 + 4 * 64 + 2 * (64 * 64 + 4 * 64) + 64 * 2 + 4 * 2, net.parameterCount());
        assertEquals("2-64-64-64-2 concatsquash tanh", net.describe());
        // nn.Linear(64, 64) weights lie in +-1/8; the time layers (fan_in 1) in +-1
        ParameterTensor w1 = net.tensors().get(5);
        assertEquals("layers.1.weight", w1.name());
        double maxW = 0;
        for (long i = w1.offset(); i < w1.offset() + w1.length(); i++) {
            maxW = Math.max(maxW, Math.abs(net.parameters().getDouble(i)));
        }
        assertTrue(maxW <= 0.125 && maxW > 0.12);
        MlpDynamics same = MlpDynamics.create(
                new int[] {2, 64, 64, 64, 2}, LayerType.CONCAT_SQUASH, Activation.TANH, new SplittableRandom(0));
        assertEquals(net.parameters(), same.parameters());
    }

    @Test
    void boundParametersAreSharedAndCopied() {
        MlpDynamics net = net(LayerType.CONCAT_SQUASH, Activation.TANH);
        INDArray before = net.parameters().dup();
        INDArray big = Nd4j.zeros(DataType.DOUBLE, net.parameterCount() + 10);
        INDArray view = big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 5 + net.parameterCount()));
        net.bindParameters(view);
        assertEquals(before, big.get(org.nd4j.linalg.indexing.NDArrayIndex.interval(5, 5 + net.parameterCount())));
        INDArray z = random(new SplittableRandom(1), B, D);
        INDArray f1 = net.f(T, z);
        view.muli(0.5);
        assertTrue(relativeError(net.f(T, z), f1) > 1e-3);
        assertThrows(IllegalArgumentException.class, () -> net.bindParameters(Nd4j.zeros(DataType.DOUBLE, 3)));
    }

    @Test
    void badShapesAreRefused() {
        MlpDynamics net = net(LayerType.IGNORE, Activation.TANH);
        assertThrows(IllegalArgumentException.class, () -> net.f(T, Nd4j.zeros(DataType.DOUBLE, B, D + 1)));
        assertThrows(
                IllegalArgumentException.class,
                () -> new MlpDynamics(new int[] {2, 8, 3}, LayerType.IGNORE, Activation.TANH));
    }
}
