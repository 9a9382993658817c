package org.cnf4j;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.cnf4j.data.ToyDataset;
import org.cnf4j.train.ProgressLog;
import org.junit.jupiter.api.Test;

/** The library's ready progress listener writes plain lines a log or a notebook shows. */
class ProgressLogTest {

    @Test
    void trainingWritesItsProgressLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        Flow.train(
                ToyDataset.MOONS,
                TrainOptions.builder()
                        .hidden(4)
                        .iterations(40)
                        .validationInterval(20)
                        .baselines(false)
                        .build(),
                new ProgressLog(out));
        String text = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("training iterations 1 to 40"), text);
        assertTrue(text.contains("iteration 2/40: loss ") && text.contains("iteration 40/40: loss "), text);
        assertTrue(text.contains("validation at iteration 20: NLL "), text);
        assertTrue(text.contains("training finished: 40 iterations in "), text);
    }
}
