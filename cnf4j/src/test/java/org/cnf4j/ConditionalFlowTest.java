package org.cnf4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.cnf4j.data.DataException;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.TimeSampling;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The facade's conditional flows: a table with a label column, training, scoring and sampling by context. */
class ConditionalFlowTest {

    @TempDir
    static Path dir;

    static Flow flow;

    @BeforeAll
    static void train() {
        SplittableRandom r = new SplittableRandom(1);
        double[][] rows = new double[900][];
        for (int i = 0; i < rows.length; i++) {
            int label = i % 3;
            rows[i] = new double[] {4 * label + r.nextGaussian(), r.nextGaussian(), label};
        }
        Table table = Table.of(rows, "a", "b", "label").withContext("label");
        assertEquals(List.of("a", "b"), table.columns());
        assertEquals(List.of("0", "1", "2"), table.context().get(0).levels());
        flow = Flow.train(
                table,
                TrainOptions.builder()
                        .iterations(400)
                        .hidden(32, 32)
                        .baselines(true)
                        .flowMatching(new FlowMatching(0, true, TimeSampling.UNIFORM, 0.2))
                        .build());
    }

    @Test
    void samplesFollowTheirContextAndScoresMatchTheLoadedModel() {
        for (int label = 0; label < 3; label++) {
            double[][] s = flow.sample(300, Map.of("label", label), 5);
            double mean = 0;
            for (double[] x : s) {
                mean += x[0] / s.length;
            }
            // the classes' means of column a are 0, 4 and 8, one unit of spread each
            assertEquals(4.0 * label, mean, 0.6, "label " + label);
        }
        double[][] x = {{0.1, 0.0}, {8.2, -0.3}};
        double[] right = flow.logDensity(x, new Object[][] {{0}, {2}});
        double[] wrong = flow.logDensity(x, new Object[][] {{2}, {0}});
        assertTrue(
                right[0] > wrong[0] + 3 && right[1] > wrong[1] + 3,
                java.util.Arrays.toString(right) + " vs " + java.util.Arrays.toString(wrong));
        Path file = dir.resolve("c.zip");
        flow.save(file);
        Flow back = Flow.load(file);
        assertEquals("label", back.context().get(0).name());
        assertArrayEquals(right, back.logDensity(x, new Object[][] {{"0"}, {"2.0"}}), 0.0);
        assertTrue(flow.summary().baselines() != null);
        double[][] guided = flow.sampleGuided(5, Map.of("label", 1), 2.0, 3);
        assertEquals(5, guided.length);
    }

    @Test
    void aConditionalFlowNeedsItsContext() {
        DataException plain = assertThrows(DataException.class, () -> flow.logDensity(new double[][] {{0, 0}}));
        assertTrue(plain.getMessage().contains("conditional on [label]"), plain.getMessage());
        assertThrows(DataException.class, () -> flow.sample(3, 1));
        DataException level = assertThrows(DataException.class, () -> flow.sample(3, Map.of("label", 7), 1));
        assertTrue(level.getMessage().contains("'7' is not a level"), level.getMessage());
        assertThrows(DataException.class, () -> flow.logDensity(new double[][] {{0, 0}}, new Object[][] {{0, 1}}));
    }
}
