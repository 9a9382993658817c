package org.cnf4j.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Adam;

class LearningRateScheduleTest {

    @Test
    void linearDecaysToZeroOverTheRunAndConstantStays() {
        Adam linear = LearningRateSchedule.LINEAR.adam(2e-3, 1000);
        assertEquals(2e-3, linear.getLearningRate(0, 0), 1e-18);
        assertEquals(1e-3, linear.getLearningRate(500, 0), 1e-15);
        assertEquals(2e-6, linear.getLearningRate(999, 0), 1e-15);
        Adam constant = LearningRateSchedule.CONSTANT.adam(2e-3, 1000);
        assertEquals(2e-3, constant.getLearningRate(999, 0), 0.0);
        assertEquals(LearningRateSchedule.LINEAR, LearningRateSchedule.byName("Linear"));
        assertThrows(IllegalArgumentException.class, () -> LearningRateSchedule.byName("cosine"));
    }
}
