package org.cnf4j.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.cnf4j.data.Standardizer;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.ode.RungeKuttaMethod;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class SamplersTest {

    static DensityModel model(long seed) {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(12, 12)
                .blocks(2)
                .solver(SolverConfig.dopri5(1e-8, 1e-8))
                .seed(seed)
                .build();
        flow.parameters().muli(1.5);
        return new DensityModel(flow, new Standardizer(new double[] {1.0, -2.0}, new double[] {2.0, 0.5}));
    }

    @Test
    void samplesAreSeededAndIndependentOfTheChunkSize() throws Exception {
        Sampler s = new Sampler(model(1));
        INDArray whole = s.sample(50, 7).samples();
        List<INDArray> parts = new ArrayList<>();
        s.sample(50, 7, 1.0, false, 13, (x, l) -> parts.add(x.dup()), ProgressListener.NONE);
        assertEquals(4, parts.size());
        // the same latent draws; the decoded values agree to the solver tolerance (adaptive steps
        // depend on the whole chunk)
        assertTrue(Nd4j.vstack(parts.toArray(new INDArray[0]))
                        .sub(whole)
                        .amaxNumber()
                        .doubleValue()
                < 1e-6);
        assertEquals(whole, s.sample(50, 7).samples());
        assertTrue(s.sample(50, 8).samples().sub(whole).amaxNumber().doubleValue() > 0.1);
    }

    @Test
    void logDensitiesOfSamplesAreThoseOfTheModelInDataUnits() {
        DensityModel m = model(2);
        Sampler.SampleResult r = new Sampler(m).sample(40, 3, 1.0, true);
        INDArray direct = m.flow()
                .logProb(m.standardizer().transform(r.samples()))
                .logProb()
                .add(m.standardizer().logDetJacobian());
        assertTrue(r.logProb().sub(direct).amaxNumber().doubleValue() < 1e-5);
        // temperature scales the base noise: a colder model samples closer to the image of 0
        INDArray center =
                new LatentCodec(m).decode(Nd4j.zeros(DataType.DOUBLE, 1, 2)).value();
        double hot = new Sampler(m)
                .sample(200, 3, 1.0, false)
                .samples()
                .subRowVector(center)
                .norm2Number()
                .doubleValue();
        double cold = new Sampler(m)
                .sample(200, 3, 0.2, false)
                .samples()
                .subRowVector(center)
                .norm2Number()
                .doubleValue();
        assertTrue(cold < 0.5 * hot);
        assertThrows(IllegalArgumentException.class, () -> new Sampler(m).sample(10, 1, -1, false));
    }

    @Test
    void aMillionSamplesStreamInBoundedChunks() throws Exception {
        ContinuousNormalizingFlow flow = ContinuousNormalizingFlow.builder(2)
                .hiddenDims(4)
                .solver(SolverConfig.fixed(RungeKuttaMethod.EULER, 2))
                .seed(1)
                .build();
        long[] rows = {0};
        long[] largest = {0};
        long[] reported = {0};
        new Sampler(DensityModel.of(flow))
                .sample(
                        1_000_000,
                        1,
                        1.0,
                        false,
                        100_000,
                        (x, l) -> {
                            rows[0] += x.rows();
                            largest[0] = Math.max(largest[0], x.rows());
                        },
                        (done, total) -> reported[0] = done);
        assertEquals(1_000_000, rows[0]);
        assertEquals(100_000, largest[0]);
        assertEquals(1_000_000, reported[0]);
    }

    @Test
    void densityGridsMatchTheModelAndSliceHigherDimensions() {
        DensityModel m = model(4);
        GridSpec spec = new GridSpec(0, 1, -3, 4, -5, 1, 20, new double[] {0, 0});
        long[] progress = {0};
        DensityGrid g = DensityGrid.compute(m, spec, (d, t) -> progress[0] = d);
        assertEquals(400, progress[0]);
        INDArray point = Nd4j.createFromArray(new double[][] {{spec.x(3), spec.y(17)}});
        double direct =
                m.flow().logProb(m.standardizer().transform(point)).logProb().getDouble(0)
                        + m.standardizer().logDetJacobian();
        assertEquals(direct, g.logProb()[17][3], 1e-6);
        // a 3-D model sliced through an anchor: the fixed coordinate stays at the anchor
        ContinuousNormalizingFlow three =
                ContinuousNormalizingFlow.builder(3).hiddenDims(8).seed(5).build();
        GridSpec slice = new GridSpec(0, 2, -1, 1, -1, 1, 4, new double[] {0, 0.7, 0});
        DensityGrid gs = DensityGrid.compute(DensityModel.of(three), slice, ProgressListener.NONE);
        double at = three.logProb(Nd4j.createFromArray(new double[][] {{slice.x(1), 0.7, slice.y(2)}}))
                .logProb()
                .getDouble(0);
        assertEquals(at, gs.logProb()[2][1], 1e-6);
        GridSpec auto = GridSpec.around(Nd4j.createFromArray(new double[][] {{0, 0}, {10, 5}}), 0, 1, 10);
        assertEquals(-1.0, auto.xMin(), 1e-12);
        assertEquals(5.5, auto.yMax(), 1e-12);
    }

    @Test
    void trajectoriesRunFromDataToLatent() {
        DensityModel m = model(6);
        INDArray x = ContinuousNormalizingFlow.standardNormal(5, 2, new SplittableRandom(2));
        Trajectories tr = Trajectories.compute(m, x, 9);
        assertEquals(9, tr.states().length);
        assertEquals(m.flow().endTime(0) + m.flow().endTime(1), tr.times()[8], 1e-12);
        assertTrue(
                tr.states()[0].sub(m.standardizer().transform(x)).amaxNumber().doubleValue() < 1e-12);
        INDArray z = new LatentCodec(m).encode(x).value();
        assertTrue(tr.states()[8].sub(z).amaxNumber().doubleValue() < 1e-6);
    }

    @Test
    void encodeThenDecodeReturnsTheInputInDataUnits() {
        DensityModel m = model(7);
        INDArray x = ContinuousNormalizingFlow.standardNormal(30, 2, new SplittableRandom(3))
                .muli(2);
        LatentCodec c = new LatentCodec(m);
        assertTrue(c.decode(c.encode(x).value()).value().sub(x).amaxNumber().doubleValue() < 1e-6);
    }

    @Test
    void imagesAreArrangedInAGrid() {
        INDArray images = Nd4j.create(DataType.DOUBLE, 5, 6);
        for (int k = 0; k < 5; k++) {
            for (int p = 0; p < 6; p++) {
                images.putScalar(k, p, 10 * k + p);
            }
        }
        double[][] g = ImageGrid.arrange(images, 2, 3, 2);
        assertEquals(6, g.length);
        assertEquals(6, g[0].length);
        assertEquals(10 * 1 + 3 * 1 + 2, g[1][5], 0.0);
        assertEquals(10 * 4 + 4, g[5][1], 0.0);
        assertArrayEquals(new int[] {8, 8}, ImageGrid.parseShape("8x8"));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.parseShape("8by8"));
        assertThrows(IllegalArgumentException.class, () -> ImageGrid.arrange(images, 3, 3, 2));
    }
}
