package org.cnf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cnf4j.data.DataException;
import org.cnf4j.train.TrainingListener;
import org.junit.jupiter.api.Test;

/** Validation rows given by the caller: used for the kept checkpoint, and no rows of the table held out for it. */
class ValidationRowsTest {

    private static double[][] gaussianRows(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[][] rows = new double[n][];
        for (int i = 0; i < rows.length; i++) {
            rows[i] = new double[] {r.nextGaussian(), 2 + 0.5 * r.nextGaussian()};
        }
        return rows;
    }

    @Test
    void theCallersRowsDecideTheKeptCheckpointAndTheTableIsNotSplitForThem() {
        double[][] validationRows = gaussianRows(60, 2);
        TrainOptions options = TrainOptions.builder()
                .iterations(200)
                .validationInterval(50)
                .hidden(16, 16)
                .testFraction(0)
                .baselines(false)
                .build();
        Flow flow = Flow.train(
                Table.of(gaussianRows(300, 1), "a", "b"),
                Table.of(validationRows, "a", "b"),
                options,
                TrainingListener.NONE);
        String described = flow.model().metadata().dataDescription();
        assertTrue(described.contains("300 train, 60 validation from"), described);
        assertTrue(described.contains(", 0 test"), described);
        // the kept parameters were chosen by their NLL on exactly these rows
        assertEquals(flow.summary().bestValidationNll(), -flow.score(validationRows), 1e-6);
    }

    @Test
    void validationRowsWithOtherColumnsAreRefused() {
        Table data = Table.of(gaussianRows(100, 1), "a", "b");
        DataException e = assertThrows(
                DataException.class,
                () -> Flow.train(
                        data, Table.of(gaussianRows(10, 2), "a", "c"), TrainOptions.defaults(), TrainingListener.NONE));
        assertEquals("the validation rows have columns [a, c], the training rows [a, b]", e.getMessage());
    }
}
