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

    private ColumnChecks() {}

    /**
     * Refuses constant and linearly dependent columns of {@code x} [rows, dim].
     *
     * @param columns the column names, in order
     * @param source the data's name for messages
     * @throws DataException naming the first such column and how to leave it out
     */
    public static void requireVaried(INDArray x, List<String> columns, String source) {
        int n = x.rows();
        int d = x.columns();
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
        requireNotConstant(min, max, columns, source);
        // the covariance of the range-scaled columns: values near 1e300 or 1e-300 neither
        // overflow nor underflow when squared
        double[] range = new double[d];
        for (int j = 0; j < d; j++) {
            range[j] = max[j] - min[j];
        }
        double[] scaled = new double[d * d];
        double[] a = new double[d];
        for (int r = 0; r < n; r++) {
            for (int i = 0; i < d; i++) {
                a[i] = (v[r * d + i] - mean[i]) / range[i];
                for (int j = 0; j <= i; j++) {
                    scaled[i * d + j] += a[i] * a[j] / n;
                }
            }
        }
        requireIndependent(scaled, columns, source);
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
        requireNotConstant(min, max, columns, source);
        double[] c = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                c[i * d + j] = covariance[i * d + j] / ((max[i] - min[i]) * (max[j] - min[j]));
            }
        }
        requireIndependent(c, columns, source);
    }

    private static void requireNotConstant(double[] min, double[] max, List<String> columns, String source) {
        int d = min.length;
        for (int j = 0; j < d; j++) {
            double magnitude = Math.max(Math.abs(min[j]), Math.abs(max[j]));
            double spread = max[j] - min[j];
            if (spread <= RELATIVE_SPREAD * magnitude || spread < Double.MIN_NORMAL) {
                throw new DataException(String.format(
                        Locale.ROOT,
                        "%s: the column '%s' is %s in the training rows "
                                + "(%s); leave it out (--exclude-columns %s, or --columns without it)",
                        source,
                        columns.get(j),
                        spread == 0 ? "constant" : "constant to within rounding",
                        spread == 0 ? "every value " + min[j] : "values from " + min[j] + " to " + max[j],
                        columns.get(j)));
            }
        }
    }

    /**
     * Cholesky of the covariance [d, d] (lower triangle) of the range-scaled columns: each pivot is
     * the share of a column's variance left after regressing it on the columns before it.
     */
    private static void requireIndependent(double[] c, List<String> columns, String source) {
        int d = columns.size();
        double[] l = new double[d * d];
        for (int i = 0; i < d; i++) {
            for (int j = 0; j <= i; j++) {
                double s = c[i * d + j];
                for (int k = 0; k < j; k++) {
                    s -= l[i * d + k] * l[j * d + k];
                }
                if (i == j) {
                    if (!(s > RESIDUAL_SHARE * c[i * d + i])) {
                        throw new DataException(String.format(
                                Locale.ROOT,
                                "%s: the column '%s' is a linear combination"
                                        + " of the columns %s before it in the training rows (their covariance is singular); "
                                        + "leave it out (--exclude-columns %s, or --columns without it)",
                                source,
                                columns.get(i),
                                columns.subList(0, i),
                                columns.get(i)));
                    }
                    l[i * d + i] = Math.sqrt(s);
                } else {
                    l[i * d + j] = s / l[j * d + j];
                }
            }
        }
    }

    /** The most distinct values a column may hold to look like a class label. */
    static final int LABEL_MAX_LEVELS = 10;

    private static final java.util.regex.Pattern LABEL_NAME =
            java.util.regex.Pattern.compile("(?i).*(class|label|target|species|category|group|type|outcome|cluster)s?");

    /**
     * The columns of a table that look like a class label rather than a measurement: integers with
     * 2 to {@value #LABEL_MAX_LEVELS} distinct values whose name says so (class, label, target,
     * species...) or that stand out among mostly non-integer columns. A flow models such a column
     * as a continuous value (samples fall between and beyond its levels), so commands name each
     * one in a warning before they fit anything.
     *
     * @param x the table [rows, dim]
     * @return one description per such column, e.g. {@code "'class' (3 distinct integers: 0, 1, 2)"},
     *     as a map from the column's name; empty when none
     */
    public static java.util.Map<String, String> labelLike(INDArray x, List<String> columns) {
        int n = x.rows();
        int d = x.columns();
        double[] v = NativeArrays.toArray(x.dup('c'));
        boolean[] integer = new boolean[d];
        List<java.util.TreeSet<Double>> levels = new java.util.ArrayList<>();
        int integerColumns = 0;
        for (int j = 0; j < d; j++) {
            java.util.TreeSet<Double> seen = new java.util.TreeSet<>();
            boolean allInteger = true;
            for (int r = 0; r < n && allInteger; r++) {
                double a = v[r * d + j];
                allInteger = a == Math.rint(a);
                if (seen.size() <= LABEL_MAX_LEVELS) {
                    seen.add(a);
                }
            }
            integer[j] = allInteger;
            integerColumns += allInteger ? 1 : 0;
            levels.add(seen);
        }
        java.util.Map<String, String> found = new java.util.LinkedHashMap<>();
        for (int j = 0; j < d; j++) {
            int k = levels.get(j).size();
            if (!integer[j] || k < 2 || k > LABEL_MAX_LEVELS || n < 2 * k) {
                continue;
            }
            boolean named = LABEL_NAME.matcher(columns.get(j)).matches();
            boolean standsOut = 2 * (integerColumns - 1) < d - 1;
            if (named || standsOut) {
                StringBuilder list = new StringBuilder();
                for (double a : levels.get(j)) {
                    list.append(list.length() == 0 ? "" : ", ").append((long) a);
                }
                found.put(
                        columns.get(j),
                        String.format(Locale.ROOT, "'%s' (%d distinct integers: %s)", columns.get(j), k, list));
            }
        }
        return found;
    }

    /**
     * Refuses dequantisation of a column that does not hold integers: uniform noise on [0, 1)
     * turns integer counts into a continuous density; on other values it silently changes the data.
     *
     * @throws DataException naming the first column with a non-integer value, and the value
     */
    public static void requireIntegers(INDArray x, List<String> columns, String source) {
        int d = x.columns();
        double[] v = NativeArrays.toArray(x.dup('c'));
        for (int i = 0; i < v.length; i++) {
            if (v[i] != Math.rint(v[i])) {
                throw new DataException(String.format(
                        Locale.ROOT,
                        "%s: --dequantize adds uniform [0, 1) noise to "
                                + "integer data, but the column '%s' holds %s; leave --dequantize out, or leave the column out "
                                + "(--exclude-columns %s)",
                        source,
                        columns.get(i % d),
                        v[i],
                        columns.get(i % d)));
            }
        }
    }
}
