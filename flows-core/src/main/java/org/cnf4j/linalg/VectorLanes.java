package org.cnf4j.linalg;

import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector width every Vector API kernel uses: the CPU's preferred one (256 bits with AVX2,
 * 512 with AVX-512), or the width that {@code -Dcnf4j.vector.bits=128|256|512} asks for. Only
 * loaded when the module {@code jdk.incubator.vector} is present. The species are constants, as
 * the JIT needs them to compile the kernels to vector instructions.
 */
final class VectorLanes {

    /** Double lanes of the chosen width. */
    static final VectorSpecies<Double> DOUBLES = VectorSpecies.of(double.class, shape());
    /** Float lanes of the chosen width. */
    static final VectorSpecies<Float> FLOATS = VectorSpecies.of(float.class, shape());

    private VectorLanes() {}

    private static VectorShape shape() {
        String value = System.getProperty(KernelSelection.BITS_PROPERTY, "").trim();
        return switch (value) {
            case "", "0" -> VectorShape.preferredShape();
            case "128", "256", "512" -> VectorShape.forBitSize(Integer.parseInt(value));
            default ->
                throw new IllegalArgumentException(
                        KernelSelection.BITS_PROPERTY + " must be 128, 256 or 512, got '" + value + "'");
        };
    }
}
