package org.cnf4j.linalg;

/**
 * The path one {@link KernelFamily} runs on in this JVM and why.
 *
 * @param family the kernel family
 * @param vector true for the Vector API path, false for the plain one (scalar loops or BLAS)
 * @param reason why, in words (e.g. "faster", "vector code not compiled to vector instructions")
 * @param vectorGflops the vector path's speed on the calibration problem in GFLOP/s, or NaN when not measured
 * @param plainGflops the plain path's speed on the calibration problem in GFLOP/s, or NaN when not measured
 */
public record KernelChoice(
        KernelFamily family, boolean vector, String reason, double vectorGflops, double plainGflops) {

    /** The chosen path's name: "vector (N-bit)" or "plain". */
    public String path() {
        return vector ? "vector (" + KernelSelection.vectorBits() + "-bit)" : "plain";
    }

    /** The chosen path's measured GFLOP/s, or NaN. */
    public double gflops() {
        return vector ? vectorGflops : plainGflops;
    }
}
