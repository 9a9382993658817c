package org.cnf4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cnf4j.io.TrainingSummary;
import org.cnf4j.train.TrainingListener;
import org.junit.jupiter.api.Test;

/**
 * The smallest tables train with no setting given: the batch, the length and the validation follow
 * from the rows (a batch of 100 would refuse a 16-row training split; folds of fewer rows take
 * smaller batches), and a planned run ends with a finite test NLL and baselines beside it.
 */
class SmallTableTest {

    @Test
    void aTwentyRowTableTrainsWithTheDefaults() {
        SplittableRandom r = new SplittableRandom(20);
        double[][] rows = new double[20][];
        for (int i = 0; i < rows.length; i++) {
            double x = r.nextGaussian();
            rows[i] = new double[] {x, 0.5 * x + 0.3 * r.nextGaussian()};
        }
        // the defaults but a smaller network, for the build's time
        Flow flow = Flow.train(
                Table.of(rows, "a", "b"), TrainOptions.builder().hidden(16, 16).build(), TrainingListener.NONE);
        TrainingSummary s = flow.summary();
        // 16 training rows: a batch of all of them; 18 training and validation rows cut into 5 folds,
        // whose training rows (14 or 15) make the folds' batch, choose the length
        assertEquals(16, s.batchSize());
        assertTrue(s.selection().contains("5-fold cross-validation chose"), s.selection());
        assertTrue(s.iterations() >= 1 && s.iterations() <= 5000, s.toString());
        assertTrue(Double.isFinite(s.testNll()), s.toString());
        assertTrue(s.baselines() != null && Double.isFinite(s.baselines().mixtureTestNll()), s.toString());
        assertTrue(Double.isFinite(flow.logDensity(new double[][] {{0, 0}})[0]));
    }
}
