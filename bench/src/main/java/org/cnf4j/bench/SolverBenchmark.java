package org.cnf4j.bench;

import java.nio.DoubleBuffer;
import java.util.concurrent.TimeUnit;
import org.cnf4j.linalg.NativeArrays;
import org.cnf4j.ode.OdeSolution;
import org.cnf4j.ode.OdeSolver;
import org.cnf4j.ode.OdeSystem;
import org.cnf4j.ode.RungeKuttaMethod;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Solver overhead: a dopri5 solve at rtol = atol = 1e-5 of a batched linear system
 * (512 states of the damped rotation y' = A y, A = [[-0.1, 1], [-1, -0.1]]) from 0 to 5.
 * {@code solve} times the whole solve, {@code rightHandSide} one evaluation alone; the solver's
 * own cost per evaluation is (solve - evaluations * rightHandSide) / evaluations, printed at
 * tear-down of {@code solve}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx2g", "--add-modules", "jdk.incubator.vector"})
public class SolverBenchmark {

    @Param({"DOUBLE", "FLOAT"})
    public String type;

    private OdeSystem system;
    private OdeSolver solver;
    private INDArray y0;
    private INDArray scratch;
    private int evaluations;

    /** y' = A y on each row [x, v] of a [512, 2] state, written on the raw buffers. */
    static OdeSystem linear(DataType t) {
        if (t == DataType.DOUBLE) {
            return (time, y, dy) -> {
                DoubleBuffer a = NativeArrays.doubles(y);
                DoubleBuffer d = NativeArrays.doubles(dy);
                for (int i = 0; i < a.capacity(); i += 2) {
                    double x = a.get(i);
                    double v = a.get(i + 1);
                    d.put(i, -0.1 * x + v);
                    d.put(i + 1, -x - 0.1 * v);
                }
            };
        }
        return (time, y, dy) -> {
            java.nio.FloatBuffer a = NativeArrays.floats(y);
            java.nio.FloatBuffer d = NativeArrays.floats(dy);
            for (int i = 0; i < a.capacity(); i += 2) {
                float x = a.get(i);
                float v = a.get(i + 1);
                d.put(i, -0.1f * x + v);
                d.put(i + 1, -x - 0.1f * v);
            }
        };
    }

    @Setup(Level.Trial)
    public void setUp() {
        DataType t = DataType.valueOf(type);
        system = linear(t);
        solver = OdeSolver.adaptive(RungeKuttaMethod.DOPRI5, 1e-5, 1e-5);
        y0 = Nd4j.rand(DataType.DOUBLE, 512, 2).castTo(t);
        scratch = y0.dup();
    }

    @Benchmark
    public INDArray solve() {
        OdeSolution sol = solver.solve(system, 0, 5, y0);
        evaluations = sol.stats().functionEvaluations();
        return sol.finalState();
    }

    @Benchmark
    public INDArray rightHandSide() {
        system.derivative(0.5, y0, scratch);
        return scratch;
    }

    @TearDown(Level.Trial)
    public void report() {
        if (evaluations > 0) {
            System.out.println("\n" + type + ": " + evaluations + " function evaluations per solve");
        }
    }
}
