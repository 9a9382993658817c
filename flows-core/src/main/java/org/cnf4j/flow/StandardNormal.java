package org.cnf4j.flow;

import java.util.random.RandomGenerator;

/** N(0, I) of any dimension: FFJORD's base distribution and the default of every flow. */
public final class StandardNormal implements BaseDistribution {

    /** The one instance. */
    public static final StandardNormal INSTANCE = new StandardNormal();

    private static final double LOG_2PI = Math.log(2 * Math.PI);

    private StandardNormal() {}

    @Override
    public double logDensity(double[] z, int offset, int dim) {
        double s = 0;
        for (int j = 0; j < dim; j++) {
            s += z[offset + j] * z[offset + j];
        }
        return -0.5 * s - 0.5 * dim * LOG_2PI;
    }

    @Override
    public void logDensityGradient(double[] z, int offset, int dim, double[] gradient) {
        for (int j = 0; j < dim; j++) {
            gradient[offset + j] = -z[offset + j];
        }
    }

    @Override
    public void draw(RandomGenerator random, double temperature, double[] out, int offset, int dim) {
        for (int j = 0; j < dim; j++) {
            out[offset + j] = random.nextGaussian() * temperature;
        }
    }

    @Override
    public String describe() {
        return "N(0, I)";
    }

    @Override
    public String toString() {
        return describe();
    }
}
