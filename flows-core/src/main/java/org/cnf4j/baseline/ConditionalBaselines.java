package org.cnf4j.baseline;

import java.util.ArrayList;
import java.util.List;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.data.TrainingData;
import org.cnf4j.io.BaselineSummary;
import org.hipparchus.exception.MathRuntimeException;
import org.hipparchus.linear.MatrixUtils;
import org.hipparchus.linear.QRDecomposition;
import org.hipparchus.linear.RealMatrix;

/**
 * The baselines of a conditional task p(x | c), fitted to the same standardised joint training rows
 * [x | c] as the flow: a linear-Gaussian regression {@code x | c ~ N(W c + b, Sigma)} (least
 * squares, Sigma the residuals' covariance) in the Gaussian's place; in the mixture's place, for a
 * context that is one categorical column, one Gaussian mixture per class (its components chosen
 * on that class's validation rows), and otherwise a Gaussian mixture of the regression's residuals
 * ({@code x - W c - b}). Test NLL in nats per row in the data's original units.
 */
public final class ConditionalBaselines {

    private ConditionalBaselines() {}

    /**
     * The baselines' test NLL, and for a context of one categorical column the test accuracy of the
     * per-class mixtures as a classifier (arg-max of p_k(x) times the class's share of the training
     * rows; NaN otherwise).
     */
    public record Result(BaselineSummary summary, double classAccuracy) {}

    /**
     * Fits both to the training rows of {@code data} (joint rows, the last {@code contextDim}
     * columns the context) and scores its test rows.
     */
    public static BaselineSummary fit(TrainingData data, int dim, List<ContextColumn> context) {
        return fitWithAccuracy(data, dim, context, 0).summary();
    }

    /**
     * {@link #fit(TrainingData, int, List)} with the mixture searches bounded by {@code work} (0: no
     * bound), as {@link Baselines#fit(TrainingData, double)}; per-class mixtures share it equally.
     */
    public static BaselineSummary fit(TrainingData data, int dim, List<ContextColumn> context, double work) {
        return fitWithAccuracy(data, dim, context, work).summary();
    }

    /** {@link #fit} with the per-class mixtures' accuracy as a classifier. */
    public static Result fitWithAccuracy(TrainingData data, int dim, List<ContextColumn> context) {
        return fitWithAccuracy(data, dim, context, 0);
    }

    private static Result fitWithAccuracy(TrainingData data, int dim, List<ContextColumn> context, double work) {
        int cd = data.dim() - dim;
        double[][] train = data.trainingSample(Baselines.MAX_TRAINING_ROWS).toDoubleMatrix();
        double[][] validation = data.validation().rows() > 0 ? data.validation().toDoubleMatrix() : train;
        double[][] test = data.test().rows() > 0 ? data.test().toDoubleMatrix() : validation;
        double logDet = data.standardizer().head(dim).logDetJacobian();
        double[][] coef = regression(train, dim, cd);
        double[][] trainRes = residuals(train, coef, dim, cd);
        GaussianBaseline noise = GaussianBaseline.fit(trainRes);
        double gaussian = noise.meanNll(residuals(test, coef, dim, cd));
        boolean byClass = context.size() == 1 && context.get(0).categorical();
        double mixture;
        int components;
        double accuracy = Double.NaN;
        if (byClass) {
            double sum = 0;
            components = 0;
            GaussianMixtureBaseline[] perClass = new GaussianMixtureBaseline[cd];
            double[] logPrior = new double[cd];
            for (int k = 0; k < cd; k++) {
                double[][] tr = ofClass(train, dim, k);
                logPrior[k] = Math.log(Math.max(tr.length, 0.5) / train.length);
                if (tr.length == 0) {
                    // a class without training rows has no model: its test rows, if any, cannot be scored
                    sum += ofClass(test, dim, k).length > 0 ? Double.POSITIVE_INFINITY : 0;
                    continue;
                }
                double[][] va = ofClass(validation, dim, k);
                perClass[k] = Baselines.bestMixture(
                        tr, va.length > 0 ? va : tr, Baselines.mostComponents(tr.length, dim, work / cd));
                components += perClass[k].components();
                double[][] te = ofClass(test, dim, k);
                if (te.length > 0) {
                    sum += perClass[k].meanNll(te) * te.length;
                }
            }
            mixture = sum / test.length;
            int right = 0;
            for (double[] row : test) {
                double[] x = java.util.Arrays.copyOf(row, dim);
                int best = -1;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int k = 0; k < cd; k++) {
                    double score =
                            perClass[k] == null ? Double.NEGATIVE_INFINITY : perClass[k].logDensity(x) + logPrior[k];
                    if (best < 0 || score > bestScore) {
                        best = k;
                        bestScore = score;
                    }
                }
                right += row[dim + best] > 0 ? 1 : 0;
            }
            accuracy = (double) right / test.length;
        } else {
            GaussianMixtureBaseline m = Baselines.bestMixture(
                    trainRes,
                    residuals(validation, coef, dim, cd),
                    Baselines.mostComponents(trainRes.length, dim, work));
            mixture = m.meanNll(residuals(test, coef, dim, cd));
            components = m.components();
        }
        return new Result(new BaselineSummary(gaussian - logDet, mixture - logDet, components), accuracy);
    }

    /** Least-squares coefficients [cd + 1][dim] of x on [c, 1]. */
    static double[][] regression(double[][] rows, int dim, int cd) {
        int n = rows.length;
        double[][] design = new double[n][cd + 1];
        double[][] target = new double[n][dim];
        for (int i = 0; i < n; i++) {
            System.arraycopy(rows[i], dim, design[i], 0, cd);
            design[i][cd] = 1;
            System.arraycopy(rows[i], 0, target[i], 0, dim);
        }
        RealMatrix a = MatrixUtils.createRealMatrix(design);
        RealMatrix b = MatrixUtils.createRealMatrix(target);
        try {
            return new QRDecomposition(a, 1e-10).getSolver().solve(b).getData();
        } catch (MathRuntimeException e) {
            // collinear contexts (e.g. every one-hot level with the intercept): the minimum-norm
            // least-squares solution through the normal equations with a small ridge
            RealMatrix ata = a.transpose().multiply(a);
            for (int j = 0; j <= cd; j++) {
                ata.addToEntry(j, j, 1e-8 * n);
            }
            return new QRDecomposition(ata)
                    .getSolver()
                    .solve(a.transpose().multiply(b))
                    .getData();
        }
    }

    /** x - W c - b of every row. */
    static double[][] residuals(double[][] rows, double[][] coef, int dim, int cd) {
        double[][] out = new double[rows.length][dim];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < dim; j++) {
                double p = coef[cd][j];
                for (int k = 0; k < cd; k++) {
                    p += rows[i][dim + k] * coef[k][j];
                }
                out[i][j] = rows[i][j] - p;
            }
        }
        return out;
    }

    /**
     * The x of the rows whose one-hot context marks level k: its standardised value is above 0
     * exactly when the level's indicator is 1 (the standardiser subtracts the level's share).
     */
    static double[][] ofClass(double[][] rows, int dim, int k) {
        List<double[]> out = new ArrayList<>();
        for (double[] r : rows) {
            if (r[dim + k] > 0) {
                out.add(java.util.Arrays.copyOf(r, dim));
            }
        }
        return out.toArray(new double[0][]);
    }
}
