package org.cnf4j.sample;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.cnf4j.data.Standardizer;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The principal plane of rows: its axes, shares of variance, projection and way back to data rows. */
class PrincipalPlaneTest {

    /** Rows x = m + s * (A z) for z ~ N(0, diag(9, 1, 0.01)) and a rotation A in the first two coordinates. */
    private static INDArray rows(int n, double angle, double[] m, double[] s) {
        SplittableRandom r = new SplittableRandom(5);
        double[] v = new double[3 * n];
        for (int i = 0; i < n; i++) {
            double a = 3 * r.nextGaussian();
            double b = r.nextGaussian();
            double c = 0.1 * r.nextGaussian();
            double[] y = {Math.cos(angle) * a - Math.sin(angle) * b, Math.sin(angle) * a + Math.cos(angle) * b, c};
            for (int j = 0; j < 3; j++) {
                v[3 * i + j] = m[j] + s[j] * y[j];
            }
        }
        return Nd4j.create(v, new long[] {n, 3}, DataType.DOUBLE);
    }

    @Test
    void theAxesAreTheDirectionsOfMostVarianceOnTheStandardisedScale() {
        double angle = 0.5;
        double[] m = {10, -4, 2};
        double[] s = {100, 0.01, 7};
        INDArray x = rows(20_000, angle, m, s);
        // the model's scale undoes the columns' units, so the plane is that of the rotated z
        PrincipalPlane plane = PrincipalPlane.fit(x, new Standardizer(m, s));
        assertArrayEquals(new double[] {Math.cos(angle), Math.sin(angle), 0}, plane.axis(0), 0.02);
        assertArrayEquals(new double[] {-Math.sin(angle), Math.cos(angle), 0}, plane.axis(1), 0.02);
        assertEquals(9 / 10.01, plane.explained(0), 0.01);
        assertEquals(1 / 10.01, plane.explained(1), 0.005);
        // the largest loading of each axis is positive: the picture does not flip between runs
        assertTrue(plane.axis(0)[0] > 0 && plane.axis(1)[1] > 0);
    }

    @Test
    void aPointOfThePlaneProjectsBackToItsCoordinates() {
        double[] m = {1, 2, 3};
        double[] s = {2, 0.5, 10};
        INDArray x = rows(500, 1.1, m, s);
        PrincipalPlane plane = PrincipalPlane.fit(x, new Standardizer(m, s));
        double[] p = plane.point(1.5, -0.25);
        INDArray uv = plane.project(Nd4j.create(p, new long[] {1, 3}, DataType.DOUBLE));
        assertEquals(1.5, uv.getDouble(0, 0), 1e-9);
        assertEquals(-0.25, uv.getDouble(0, 1), 1e-9);
        // the rows' own coordinates are centred: their mean is (0, 0)
        INDArray all = plane.project(x);
        assertEquals(0, all.getColumn(0).meanNumber().doubleValue(), 1e-9);
        assertEquals(0, all.getColumn(1).meanNumber().doubleValue(), 1e-9);
    }
}
