package org.cnf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.SplittableRandom;
import org.cnf4j.data.DataException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The library's answers to bad or empty input: one exception naming the problem, never an internal one. */
class LibraryInputTest {

    static Flow flow;

    @BeforeAll
    static void train() {
        SplittableRandom r = new SplittableRandom(1);
        double[][] rows = new double[200][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {r.nextGaussian(), r.nextGaussian()};
        }
        flow = Flow.train(
                Table.of(rows, "a", "b"),
                TrainOptions.builder().iterations(5).hidden(4).baselines(false).build());
    }

    @Test
    void settingsAreFiniteAndInRange() {
        IllegalArgumentException lr = assertThrows(
                IllegalArgumentException.class,
                () -> TrainOptions.builder()
                        .learningRate(Double.POSITIVE_INFINITY)
                        .build());
        assertEquals("learningRate must be a finite number above 0 (got Infinity)", lr.getMessage());
        IllegalArgumentException budget = assertThrows(
                IllegalArgumentException.class,
                () -> TrainOptions.builder()
                        .timeBudget(Duration.ofDays(365_000))
                        .build());
        assertTrue(
                budget.getMessage().startsWith("timeBudget must be above 0 and at most 366 days"), budget.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> TrainOptions.builder().weightDecay(Double.NaN).build());
        assertThrows(
                IllegalArgumentException.class,
                () -> TrainOptions.builder().testFraction(1.5).build());
    }

    @Test
    void noRowsGiveNoAnswersAndNegativeCountsAreRefused() {
        assertEquals(0, flow.logDensity(new double[0][]).length);
        assertEquals(0, flow.sample(0, 1).length);
        IllegalArgumentException n = assertThrows(IllegalArgumentException.class, () -> flow.sample(-1, 1));
        assertEquals("n must be at least 0 (got -1)", n.getMessage());
    }

    @Test
    void nullRowsAreDataErrors() {
        assertEquals(
                "row 1 is null",
                assertThrows(DataException.class, () -> flow.logDensity(new double[][] {{0, 0}, null}))
                        .getMessage());
        assertEquals(
                "no rows (null)",
                assertThrows(DataException.class, () -> flow.logDensity((double[][]) null))
                        .getMessage());
    }

    @Test
    void tablesNeedANameForEveryColumnAndEachNameOnce() {
        double[][] rows = {{1, 2}, {3, 4}};
        assertEquals(
                "the table: the column 'a' is named twice",
                assertThrows(DataException.class, () -> Table.of(rows, "a", "a"))
                        .getMessage());
        assertEquals(
                "the table: column 2 has no name; every column needs one",
                assertThrows(DataException.class, () -> Table.of(rows, "a", " "))
                        .getMessage());
    }
}
