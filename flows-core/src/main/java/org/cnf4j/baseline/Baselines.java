package org.cnf4j.baseline;

import java.util.List;
import org.cnf4j.data.ContextColumn;
import org.cnf4j.data.TrainingData;
import org.cnf4j.io.BaselineSummary;
import org.hipparchus.exception.MathRuntimeException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The two baselines every training report shows beside the flow, fitted to the same standardised
 * training rows: a full-covariance Gaussian, and a Gaussian mixture whose number of components
 * (1..{@link #MAX_COMPONENTS}) has the best validation NLL. Test NLL in nats per row in the
 * data's original units (the standardiser's log-Jacobian applied, as for the flow).
 */
public final class Baselines {

    /** Most mixture components tried. */
    public static final int MAX_COMPONENTS = 10;

    /**
     * The work the mixture search before a training run may do, in row x component x dim^2 units
     * of EM ({@link #mostComponents}): at most about 20 s on an AMD EPYC with AVX2 (2026), where
     * the full search of 1 to 10 components on 4,800 rows of 10 columns (2.6e7 units) took 12 s and
     * on 30 columns (2.4e8 units) 38 s. A bound from the table's shape, not a clock, so the same
     * table gets the same baselines on any machine.
     */
    public static final double MIXTURE_WORK = 5e7;

    /** Training rows used at most (generators are sampled this many rows). */
    public static final int MAX_TRAINING_ROWS = 5_000;

    private Baselines() {}

    /** Fits both baselines to {@code data}'s training rows and scores its test rows. */
    public static BaselineSummary fit(TrainingData data) {
        return fit(data, 0.0);
    }

    /**
     * The baselines a training run reports, fitted before it: the conditional ones
     * ({@link ConditionalBaselines}) when {@code context} is not empty; the mixture search tries
     * up to {@link #mostComponents} components (the table's shape decides, not a clock).
     *
     * @param dim the flow's dimension (the data's columns before the context's)
     */
    public static BaselineSummary beforeTraining(TrainingData data, int dim, List<ContextColumn> context) {
        return context.isEmpty() ? fit(data, MIXTURE_WORK) : ConditionalBaselines.fit(data, dim, context, MIXTURE_WORK);
    }

    /**
     * The most components {@link #beforeTraining} tries for an unconditional flow of {@code dim}
     * columns on {@code data}.
     */
    public static int componentsBeforeTraining(TrainingData data, int dim) {
        long rows = data.trainingRows() < 0 ? MAX_TRAINING_ROWS : Math.min(data.trainingRows(), MAX_TRAINING_ROWS);
        return mostComponents(rows, dim, MIXTURE_WORK);
    }

    /**
     * {@link #fit(TrainingData)} with the mixture search bounded by {@code work} ({@link
     * #mostComponents}; 0: the full search).
     */
    public static BaselineSummary fit(TrainingData data, double work) {
        return fitted(data, work).summary();
    }

    /**
     * {@link #fit(TrainingData, double)} with the fitted models kept (to draw samples from them);
     * the search bounded as {@link #beforeTraining} bounds it with {@code work = }{@link #MIXTURE_WORK}.
     */
    public static FittedBaselines fitted(TrainingData data, double work) {
        double[][] train = data.trainingSample(MAX_TRAINING_ROWS).toDoubleMatrix();
        double[][] validation = rows(data.validation(), train);
        double[][] test = rows(data.test(), validation);
        double logDet = data.standardizer().logDetJacobian();
        GaussianBaseline gaussian = GaussianBaseline.fit(train);
        GaussianMixtureBaseline best =
                bestMixture(train, validation, mostComponents(train.length, train[0].length, work));
        return new FittedBaselines(
                gaussian,
                best,
                new BaselineSummary(gaussian.meanNll(test) - logDet, best.meanNll(test) - logDet, best.components()));
    }

    /**
     * The most mixture components {@code work} allows on {@code rows} rows of {@code dim} columns:
     * the largest K whose fits of 2..K components cost at most {@code work} row x component x
     * dim^2 units, at least 1 and at most {@link #MAX_COMPONENTS} (1 for 1-D rows; 0 work: no bound).
     */
    public static int mostComponents(long rows, int dim, double work) {
        if (dim < 2) {
            return 1;
        }
        if (work <= 0) {
            return MAX_COMPONENTS;
        }
        double perComponent = (double) rows * dim * dim;
        double spent = 0;
        int k = 1;
        while (k < MAX_COMPONENTS && spent + (k + 1) * perComponent <= work) {
            k++;
            spent += k * perComponent;
        }
        return k;
    }

    /**
     * The Gaussian mixture of 1..{@link #MAX_COMPONENTS} components (one for 1-D rows) fitted to {@code train} with the best NLL on {@code validation}.
     */
    static GaussianMixtureBaseline bestMixture(double[][] train, double[][] validation) {
        return bestMixture(train, validation, MAX_COMPONENTS);
    }

    /** {@link #bestMixture(double[][], double[][])} among 1..{@code most} components. */
    static GaussianMixtureBaseline bestMixture(double[][] train, double[][] validation, int most) {
        GaussianMixtureBaseline best = null;
        double bestValidation = Double.POSITIVE_INFINITY;
        int upTo = train[0].length < 2 ? 1 : Math.min(most, MAX_COMPONENTS);
        for (int k = 1; k <= upTo; k++) {
            GaussianMixtureBaseline m;
            try {
                m = GaussianMixtureBaseline.fit(train, k);
            } catch (MathRuntimeException e) {
                // EM could not fit k components (a singular covariance): that k is not a candidate
                continue;
            }
            double v = m.meanNll(validation);
            if (Double.isFinite(v) && v < bestValidation) {
                bestValidation = v;
                best = m;
            }
        }
        if (best == null) {
            best = GaussianMixtureBaseline.fit(train, 1);
        }
        return best;
    }

    /** The rows of x, or {@code fallback} when x has none (a data set without that split). */
    private static double[][] rows(INDArray x, double[][] fallback) {
        return x.rows() > 0 ? x.toDoubleMatrix() : fallback;
    }
}
