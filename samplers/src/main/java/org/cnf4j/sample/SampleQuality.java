package org.cnf4j.sample;

import java.util.SplittableRandom;

/**
 * How close a set of samples is to a set of data rows, on one scale (the caller's: cnf uses the
 * model's standardised scale, so that every column counts alike):
 * <ul>
 *   <li>the <b>energy distance</b> (Szekely and Rizzo 2013) {@code 2 E|X - Y| - E|X - X'| - E|Y - Y'|}
 *       with Euclidean norms, estimated with the unbiased (U-statistic) within-set means; 0 for equal
 *       distributions, in the data's (scaled) units; with a permutation test of equality;</li>
 *   <li>a <b>classifier two-sample test</b> (Lopez-Paz and Oquab 2017): a 1-nearest-neighbour
 *       classifier fitted on half of each set labels the other halves; its accuracy is 0.5 when the
 *       sets cannot be told apart, with the binomial standard error of the held-out rows.</li>
 * </ul>
 * Rows are row-major {@code double[n * dim]}; costs are quadratic in the rows.
 */
public final class SampleQuality {

    private SampleQuality() {}

    /** An energy distance with its permutation test. */
    public record EnergyDistance(double distance, double pValue, int permutations) {}

    /** A classifier two-sample test: held-out accuracy (0.5: chance), its standard error and the rows it scored. */
    public record ClassifierTest(double accuracy, double standardError, int heldOut) {}

    private static double distance(double[] a, int i, double[] b, int j, int dim) {
        double s = 0;
        for (int k = 0; k < dim; k++) {
            double d = a[i * dim + k] - b[j * dim + k];
            s += d * d;
        }
        return Math.sqrt(s);
    }

    /**
     * The energy distance of rows x [n, dim] and y [m, dim] (n, m at least 2).
     *
     * @return {@code 2 mean|x_i - y_j| - mean_{i != i'}|x_i - x_i'| - mean_{j != j'}|y_j - y_j'|}
     */
    public static double energyDistance(double[] x, double[] y, int dim) {
        int n = x.length / dim;
        int m = y.length / dim;
        if (n < 2 || m < 2) {
            throw new IllegalArgumentException(
                    "the energy distance needs at least 2 rows in each set, got " + n + " and " + m);
        }
        return 2 * crossMean(x, y, dim) - withinMean(x, dim) - withinMean(y, dim);
    }

    private static double crossMean(double[] x, double[] y, int dim) {
        int n = x.length / dim;
        int m = y.length / dim;
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < m; j++) {
                s += distance(x, i, y, j, dim);
            }
        }
        return s / ((double) n * m);
    }

    private static double withinMean(double[] x, int dim) {
        int n = x.length / dim;
        double s = 0;
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                s += distance(x, i, x, j, dim);
            }
        }
        return 2 * s / ((double) n * (n - 1));
    }

    /**
     * The energy distance and the p-value of a permutation test of equal distributions: the share
     * of {@code permutations} random relabellings of the pooled rows (from {@code seed}) whose
     * energy distance is at least the observed one, counting the observed labelling itself.
     */
    public static EnergyDistance energyTest(double[] x, double[] y, int dim, int permutations, long seed) {
        int n = x.length / dim;
        int m = y.length / dim;
        double observed = energyDistance(x, y, dim);
        int total = n + m;
        double[] pooled = new double[total * dim];
        System.arraycopy(x, 0, pooled, 0, x.length);
        System.arraycopy(y, 0, pooled, x.length, y.length);
        // the pairwise distances once; each permutation only relabels rows
        double[] d = new double[total * total];
        for (int i = 0; i < total; i++) {
            for (int j = i + 1; j < total; j++) {
                d[i * total + j] = distance(pooled, i, pooled, j, dim);
                d[j * total + i] = d[i * total + j];
            }
        }
        SplittableRandom random = new SplittableRandom(seed);
        int[] order = new int[total];
        for (int i = 0; i < total; i++) {
            order[i] = i;
        }
        int atLeast = 1;
        for (int p = 0; p < permutations; p++) {
            for (int i = total - 1; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int t = order[i];
                order[i] = order[j];
                order[j] = t;
            }
            if (permutedDistance(d, order, n, total) >= observed) {
                atLeast++;
            }
        }
        return new EnergyDistance(observed, (double) atLeast / (permutations + 1), permutations);
    }

    private static double permutedDistance(double[] d, int[] order, int n, int total) {
        int m = total - n;
        double cross = 0;
        double withinX = 0;
        double withinY = 0;
        for (int a = 0; a < total; a++) {
            int i = order[a];
            for (int b = a + 1; b < total; b++) {
                double v = d[i * total + order[b]];
                if (a < n && b < n) {
                    withinX += v;
                } else if (a >= n && b >= n) {
                    withinY += v;
                } else {
                    cross += v;
                }
            }
        }
        return 2 * cross / ((double) n * m)
                - 2 * withinX / ((double) n * (n - 1))
                - 2 * withinY / ((double) m * (m - 1));
    }

    /**
     * The 1-nearest-neighbour two-sample test: each set is shuffled (from {@code seed}), the larger
     * cut to the smaller's size, and each cut in halves; every row of the second halves takes the label of its nearest row among the first
     * halves, and the accuracy is the share labelled with its own set.
     */
    public static ClassifierTest classifierTest(double[] x, double[] y, int dim, long seed) {
        int n = x.length / dim;
        int m = y.length / dim;
        if (n < 4 || m < 4) {
            throw new IllegalArgumentException(
                    "the classifier test needs at least 4 rows in each set, got " + n + " and " + m);
        }
        SplittableRandom random = new SplittableRandom(seed);
        // the larger set is cut to the smaller's size, so that 0.5 is what chance scores
        int size = Math.min(n, m);
        int[] px = java.util.Arrays.copyOf(shuffled(n, random), size);
        int[] py = java.util.Arrays.copyOf(shuffled(m, random), size);
        int fitX = size / 2;
        int fitY = size / 2;
        int correct = 0;
        int scored = 0;
        for (int set = 0; set < 2; set++) {
            double[] rows = set == 0 ? x : y;
            int[] perm = set == 0 ? px : py;
            int from = set == 0 ? fitX : fitY;
            for (int q = from; q < perm.length; q++) {
                int i = perm[q];
                double bestX = Double.POSITIVE_INFINITY;
                for (int a = 0; a < fitX; a++) {
                    bestX = Math.min(bestX, distance(rows, i, x, px[a], dim));
                }
                double bestY = Double.POSITIVE_INFINITY;
                for (int b = 0; b < fitY; b++) {
                    bestY = Math.min(bestY, distance(rows, i, y, py[b], dim));
                }
                // a tie counts half
                boolean ownIsX = set == 0;
                if (bestX == bestY) {
                    correct += scored % 2 == 0 ? 1 : 0;
                } else if ((bestX < bestY) == ownIsX) {
                    correct++;
                }
                scored++;
            }
        }
        double accuracy = (double) correct / scored;
        return new ClassifierTest(accuracy, Math.sqrt(accuracy * (1 - accuracy) / scored), scored);
    }

    private static int[] shuffled(int n, SplittableRandom random) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
