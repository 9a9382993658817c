package org.cnf4j.data;

import java.util.List;
import java.util.Locale;
import org.cnf4j.linalg.NativeArrays;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks the training rows of a table before anything is fitted to them: a column that does not
 * vary (or varies only in its last bits) and a column that is a linear combination of others
 * leave a density with no finite value (a singular covariance), so each is refused with a message
 * naming the column, instead of a failure deep inside a fit or a silent change of scale.
 */
public final class ColumnChecks {

    /** Spread, relative to the column's magnitude, under which a column counts as constant. */
    static final double RELATIVE_SPREAD = 1e-12;
    /** Share of a column's variance left after regressing it on the columns before it, under which it is dependent. */
    static final double RESIDUAL_SHARE = 1e-10;

    private ColumnChecks() {
    }

    /**
     * Refuses constant and linearly dependent columns of {@code x} [rows, dim].
     *
     * @param columns the column names, in order
     * @param source the data's name for messages
     * @throws DataException naming the first such column and how to leave it out
     */
    public static void requireVaried(INDArray x, List<String> columns, String source) {
        int n = (int) x.rows();
        int d = (int) x.columns();
        if (n < 2) {
            return;
        }
        double[] v = NativeArrays.toArray(x.dup('c'));
        double[] min = new double[d];
        double[] max = new double[d];
        double[] mean = new double[d];
        java.util.Arrays.fill(min, Double.POSITIVE_INFINITY);
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        for (int r = 0; r < n; r++) {
            for (int j = 0; j < d; j++) {
                double a = v[r * d + j];
                min[j] = Math.min(min[j], a);
                max[j] = Math.max(max[j], a);
                mean[j] += a / n;
            }
        }
        double[] covariance = new double[d * d];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < d; i++) {
                double a = v[r * d + i] - mean[i];
                for (int j = 0; j <= i; j++) {
                    covariance[i * d + j] += a * (v[r * d + j] - mean[j]) / n;
                }
            }
        }
        check(min, max, covariance, columns, source);
    }

    /**
     * The same checks from the columns' statistics (for data spread over machines).
     *
     * @param min per-column minimum [d]
     * @param max per-column maximum [d]
     * @param covariance the covariance matrix [d, d] row-major (the lower triangle is read)
     * @throws DataException naming the first constant or dependent column
     */
    public static void check(double[] min, double[] max, double[] covariance, List<String> columns, String source) {
        int d = min.length;
        for (int j = 0; j < d; j++) {
            double magnitude = Math.max(Math.abs(min[j]), Math.abs(max[j]));
            double spread = max[j] - min[j];
            if (spread <= RELATIVE_SPREAD * magnitude || spread < Double.MIN_NORMAL) {
                throw new DataException(String.format(Locale.ROOT, "%s: the column '%s' is %s in the training rows "
                        + "(%s); leave it out (--exclude-columns %s, or --columns without it)", source, columns.get(j),
                        spread == 0 ? "constant" : "constant to within rounding",
                        spread == 0 ? "every value " + min[j] : "values from " + min[j] + " to " + max[j], columns.get(j)));
            }
        }
        // Cholesky of the covariance of the range-scaled columns: each pivot is the share of a
        // column's variance left after regressing it on the columns before it
        double[] c = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                c[i * d + j] = covariance[i * d + j] / ((max[i] - min[i]) * (max[j] - min[j]));
            }
        }
        double[] l = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = c[i * d + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * d + k] * l[j * d + k];
                }
                if (i == j) {
                    if (!(s > RESIDUAL_SHARE * c[i * d + i])) {
                        throw new DataException(String.format(Locale.ROOT, "%s: the column '%s' is a linear combination"
                                + " of the columns %s before it in the training rows (their covariance is singular); "
                                + "leave it out (--exclude-columns %s, or --columns without it)", source, columns.get(i),
                                columns.subList(0, i), columns.get(i)));
                    }
                    l[i * d + i] = Math.sqrt(s);
                } else {
                    l[i * d + j] = s / l[j * d + j];
                }
            }
        }
    }
}
