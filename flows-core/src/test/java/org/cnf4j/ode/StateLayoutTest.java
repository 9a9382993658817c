package org.cnf4j.ode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class StateLayoutTest {

    @Test
    void partsAreStoredInOrderAndViewsWriteThrough() {
        StateLayout layout = StateLayout.builder()
                .add("z", 3, 2)
                .add("logp", 3)
                .add("theta", 5)
                .build();
        assertEquals(14, layout.size());
        assertEquals(6, layout.offset("logp"));
        assertEquals(9, layout.offset("theta"));
        INDArray y = layout.allocate(DataType.DOUBLE);
        INDArray z = layout.view(y, "z");
        assertArrayEquals(new long[] {3, 2}, z.shape());
        z.putScalar(2, 1, 7.0);
        layout.view(y, "logp").putScalar(0, -1.0);
        assertEquals(7.0, y.getDouble(5));
        assertEquals(-1.0, y.getDouble(6));
    }

    @Test
    void mistakesAreNamed() {
        StateLayout.Builder b = StateLayout.builder().add("z", 2);
        assertThrows(IllegalArgumentException.class, () -> b.add("z", 3));
        assertThrows(IllegalArgumentException.class, () -> b.add("w", 0));
        StateLayout layout = b.build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> layout.part("q"));
        assertEquals("no state part named 'q'; parts: [z]", e.getMessage());
        assertThrows(
                IllegalArgumentException.class,
                () -> layout.view(layout.allocate(DataType.DOUBLE).reshape(1, 2).repeat(0, 2), "z"));
    }
}
