package org.cnf4j.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.GradientResult;
import org.cnf4j.adjoint.Regularizers;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.data.ToyTrainingData;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.FlowResult;
import org.cnf4j.flow.LogProbResult;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.trace.TraceEstimator;
import org.cnf4j.train.Trainer;
import org.cnf4j.train.TrainingConfig;
import org.nd4j.linalg.api.ndarray.INDArray;
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
 * The work {@code cnf bench} times, as JMH benchmarks on FFJORD's toy configuration
 * (2-64-64-64-2 concatsquash, tanh, exact trace, dopri5 at 1e-5) after 300 training iterations
 * on 8gaussians (seed 0): one adjoint gradient of a batch of 100 (the training iteration without
 * Adam), log p of 10,000 points, and 10,000 samples with their log p. Milliseconds per call; the
 * evaluation counts are those {@code cnf bench} prints for the same model.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g", "-Xmn32m", "--add-modules", "jdk.incubator.vector"})
public class FlowBenchmark {

    @Param({"DOUBLE", "FLOAT"})
    public MatrixPrecision precision;

    private ContinuousNormalizingFlow flow;
    private AdjointMethod adjoint;
    private INDArray batch;
    private INDArray points;
    private INDArray latent;

    @Setup(Level.Trial)
    public void setUp() {
        flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(64, 64, 64)
                .solver(SolverConfig.dopri5(1e-5, 1e-5))
                .traceEstimator(TraceEstimator.exact())
                .seed(0)
                .build();
        flow.setMatrixPrecision(precision);
        ToyTrainingData data = new ToyTrainingData(ToyDataset.EIGHT_GAUSSIANS, 0, 1000, 10_000);
        new Trainer(
                        flow,
                        data,
                        TrainingConfig.defaults()
                                .withIterations(300)
                                .withValidationInterval(0)
                                .withSeed(0))
                .train();
        adjoint = new AdjointMethod();
        batch = data.batch(300, 100);
        points = data.test();
        latent = ContinuousNormalizingFlow.standardNormal(10_000, 2, new SplittableRandom(2));
    }

    @Benchmark
    public GradientResult adjointGradientBatch100() {
        return adjoint.gradient(flow, batch, Regularizers.NONE, TraceEstimator.exact(), new SplittableRandom(3));
    }

    @Benchmark
    public LogProbResult logProb10k() {
        return flow.logProb(points);
    }

    @Benchmark
    public FlowResult sample10kWithLogProb() {
        return flow.decodeWithLogProb(latent, new SplittableRandom(4));
    }
}
