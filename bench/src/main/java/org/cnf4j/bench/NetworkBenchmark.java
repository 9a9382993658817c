package org.cnf4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.Cotangents;
import org.cnf4j.nn.LayerType;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.nn.MlpDynamics;
import org.cnf4j.trace.Probes;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One evaluation of FFJORD's toy network (2-64-64-64-2 concatsquash, tanh) on a batch: f alone,
 * f with the exact trace (2 probes), f with Hutchinson (1 probe), and the adjoint-side products
 * (f, trace, and the gradients of a . f + c trace with respect to z and theta). Multiply-adds per
 * sample of f: 8,448; a pass with K probes does (1 + K) times that in its gemms forwards, and the
 * backward pass twice that again. Matrix products in double or float ({@link MatrixPrecision}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 8, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public class NetworkBenchmark {

    @Param({"100", "1000"})
    public int batch;

    @Param({"DOUBLE", "FLOAT"})
    public MatrixPrecision precision;

    private MlpDynamics net;
    private INDArray z;
    private INDArray f;
    private INDArray trace;
    private INDArray cotangent;
    private INDArray weights;
    private INDArray gradZ;
    private INDArray gradTheta;
    private Probes exact;
    private Probes noise;

    @Setup(Level.Trial)
    public void setUp() {
        net = MlpDynamics.create(
                new int[] {2, 64, 64, 64, 2}, LayerType.CONCAT_SQUASH, Activation.TANH, new SplittableRandom(0));
        net.setPrecision(precision);
        SplittableRandom r = new SplittableRandom(1);
        z = ContinuousNormalizingFlow.standardNormal(batch, 2, r);
        cotangent = ContinuousNormalizingFlow.standardNormal(batch, 2, r);
        weights = Nd4j.ones(DataType.DOUBLE, batch);
        f = Nd4j.create(DataType.DOUBLE, batch, 2);
        trace = Nd4j.create(DataType.DOUBLE, batch);
        gradZ = Nd4j.create(DataType.DOUBLE, batch, 2);
        gradTheta = Nd4j.create(DataType.DOUBLE, net.parameterCount());
        exact = TraceEstimator.exact().draw(batch, 2, r);
        noise = TraceEstimator.hutchinson().draw(batch, 2, r);
    }

    @Benchmark
    public INDArray f() {
        net.forward(0.25, z, f);
        return f;
    }

    @Benchmark
    public INDArray fWithExactTrace() {
        net.forward(0.25, z, exact, f, trace, null);
        return trace;
    }

    @Benchmark
    public INDArray fWithHutchinson() {
        net.forward(0.25, z, noise, f, trace, null);
        return trace;
    }

    @Benchmark
    public INDArray adjointProductsExact() {
        net.backward(0.25, z, exact, new Cotangents(cotangent, null, weights, null), f, trace, null, gradZ, gradTheta);
        return gradTheta;
    }

    @Benchmark
    public INDArray adjointProductsHutchinson() {
        net.backward(0.25, z, noise, new Cotangents(cotangent, null, weights, null), f, trace, null, gradZ, gradTheta);
        return gradTheta;
    }
}
