package org.cnf4j.ode;

/**
 * A continuous extension of a Runge-Kutta step: the state inside a step of size h from
 * {@code (t, y_0)} is {@code y(t + theta h) = y_0 + h * sum_i w_i(theta) K_i}, a fixed linear
 * combination of the stage derivatives.
 *
 * <p>The rows K_i are the s stages and, for a method that is not FSAL, one more row holding
 * {@code f(t + h, y_1)} (the first stage of the next step, so it costs nothing when
 * integration continues).
 */
@FunctionalInterface
public interface DenseOutput {

    /**
     * Writes the interpolation weights for {@code theta} in [0, 1].
     *
     * @param theta fraction of the step
     * @param tableau the method's tableau
     * @param weights output, one weight per row of the stage matrix
     */
    void weights(double theta, ButcherTableau tableau, double[] weights);

    /**
     * Cubic Hermite interpolation through y_0, y_1 and the derivatives f(t, y_0) = K_0 and
     * f(t + h, y_1): third order, available for every method. The end derivative is the last
     * stage of an FSAL method, else the extra row s.
     */
    DenseOutput HERMITE = (theta, tableau, w) -> {
        int s = tableau.stages();
        double t2 = theta * theta;
        double t3 = t2 * theta;
        double h01 = 3 * t2 - 2 * t3;
        double h10 = t3 - 2 * t2 + theta;
        double h11 = t3 - t2;
        double[] b = tableau.bWeights();
        for (int i = 0; i < s; i++) {
            w[i] = h01 * b[i];
        }
        w[0] += h10;
        int end = tableau.isFsal() ? s - 1 : s;
        if (end == s) {
            w[s] = 0;
        }
        w[end] += h11;
    };
}
