package org.cnf4j.sample;

import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A regular 2-D grid in the data's units: coordinates {@code dimX} and {@code dimY} vary over
 * [xMin, xMax] x [yMin, yMax] at {@code resolution} cells a side (values at the cell centres);
 * for data of more than two dimensions every other coordinate is held at {@code anchor} (a
 * slice through that point).
 *
 * @param dimX index of the coordinate on the x axis
 * @param dimY index of the coordinate on the y axis
 * @param xMin left edge
 * @param xMax right edge
 * @param yMin bottom edge
 * @param yMax top edge
 * @param resolution cells a side
 * @param anchor the point the slice goes through, length = data dimension
 */
public record GridSpec(
        int dimX, int dimY, double xMin, double xMax, double yMin, double yMax, int resolution, double[] anchor) {

    /** Validates. */
    public GridSpec {
        if (resolution < 2) {
            throw new IllegalArgumentException("the grid needs a resolution of at least 2, got " + resolution);
        }
        if (!(xMax > xMin) || !(yMax > yMin)) {
            throw new IllegalArgumentException("the grid range must have max > min");
        }
        if (dimX == dimY || dimX < 0 || dimY < 0 || dimX >= anchor.length || dimY >= anchor.length) {
            throw new IllegalArgumentException("grid coordinates must be two different indices below " + anchor.length);
        }
        anchor = anchor.clone();
    }

    /**
     * A square-cell grid covering the data's extent in the two coordinates plus a margin of 10%,
     * sliced through the data's mean.
     */
    public static GridSpec around(INDArray data, int dimX, int dimY, int resolution) {
        int d = data.columns();
        double[] v = NativeArrays.toArray(data.castTo(DataType.DOUBLE).dup('c'));
        int n = v.length / d;
        double[] mean = new double[d];
        double xmin = Double.POSITIVE_INFINITY;
        double xmax = Double.NEGATIVE_INFINITY;
        double ymin = Double.POSITIVE_INFINITY;
        double ymax = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                mean[j] += v[i * d + j] / n;
            }
            xmin = Math.min(xmin, v[i * d + dimX]);
            xmax = Math.max(xmax, v[i * d + dimX]);
            ymin = Math.min(ymin, v[i * d + dimY]);
            ymax = Math.max(ymax, v[i * d + dimY]);
        }
        double mx = 0.1 * Math.max(xmax - xmin, 1e-6);
        double my = 0.1 * Math.max(ymax - ymin, 1e-6);
        return new GridSpec(dimX, dimY, xmin - mx, xmax + mx, ymin - my, ymax + my, resolution, mean);
    }

    /** A grid over [lo, hi]^2 on the first two coordinates through the origin. */
    public static GridSpec square(int dim, double lo, double hi, int resolution) {
        return new GridSpec(0, 1, lo, hi, lo, hi, resolution, new double[dim]);
    }

    /** Cell centre i on the x axis. */
    public double x(int i) {
        return xMin + (i + 0.5) * (xMax - xMin) / resolution;
    }

    /** Cell centre j on the y axis. */
    public double y(int j) {
        return yMin + (j + 0.5) * (yMax - yMin) / resolution;
    }

    /** Width of a cell. */
    public double cellWidth() {
        return (xMax - xMin) / resolution;
    }

    /** Height of a cell. */
    public double cellHeight() {
        return (yMax - yMin) / resolution;
    }
}
