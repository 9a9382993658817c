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
     * The share of a time budget the baselines fitted before a budgeted run may take
     * ({@link #beforeTraining}).
     */
    public static final double BUDGET_SHARE = 0.25;

    /** Training rows used at most (generators are sampled this many rows). */
    public static final int MAX_TRAINING_ROWS = 5_000;

    private Baselines() {
    }

    /** Fits both baselines to {@code data}'s training rows and scores its test rows. */
    public static BaselineSummary fit(TrainingData data) {
        return fit(data, 0);
    }

    /**
     * The baselines a training run reports, fitted before it: the conditional ones
     * ({@link ConditionalBaselines}) when {@code context} is not empty; under a time budget
     * ({@code budgetSeconds} not null) within {@link #BUDGET_SHARE} of it.
     *
     * @param dim the flow's dimension (the data's columns before the context's)
     */
    public static BaselineSummary beforeTraining(TrainingData data, int dim, List<ContextColumn> context,
            Double budgetSeconds) {
        double limit = budgetSeconds == null ? 0 : BUDGET_SHARE * budgetSeconds;
        return context.isEmpty() ? fit(data, limit) : ConditionalBaselines.fit(data, dim, context, limit);
    }

    /**
     * {@link #fit(TrainingData)} within about {@code seconds} (0: no limit): the mixture search stops
     * before a number of components whose fit, judged by the last one's time, would end after
     * that, keeping the best mixture so far (at least one component).
     */
    public static BaselineSummary fit(TrainingData data, double seconds) {
        long deadline = deadline(seconds);
        double[][] train = data.trainingSample(MAX_TRAINING_ROWS).toDoubleMatrix();
        double[][] validation = rows(data.validation(), train);
        double[][] test = rows(data.test(), validation);
        double logDet = data.standardizer().logDetJacobian();
        GaussianBaseline gaussian = GaussianBaseline.fit(train);
        GaussianMixtureBaseline best = bestMixture(train, validation, deadline);
        return new BaselineSummary(gaussian.meanNll(test) - logDet, best.meanNll(test) - logDet, best.components());
    }

    /**
     * The Gaussian mixture of 1..{@link #MAX_COMPONENTS} components (one for 1-D rows) fitted to {@code train} with the best NLL on {@code validation}.
     */
    static GaussianMixtureBaseline bestMixture(double[][] train, double[][] validation) {
        return bestMixture(train, validation, Long.MAX_VALUE);
    }

    /**
     * {@link #bestMixture(double[][], double[][])} that tries no more components once the next fit,
     * judged by the last one's time grown in proportion to the components, would end after
     * {@code deadline} ({@link System#nanoTime()}; {@link Long#MAX_VALUE}: none).
     */
    static GaussianMixtureBaseline bestMixture(double[][] train, double[][] validation, long deadline) {
        GaussianMixtureBaseline best = null;
        double bestValidation = Double.POSITIVE_INFINITY;
        int most = train[0].length < 2 ? 1 : MAX_COMPONENTS;
        long lastFit = 0;
        for (int k = 1; k <= most; k++) {
            long t0 = System.nanoTime();
            if (k > 1 && deadline != Long.MAX_VALUE && t0 + lastFit * k / (k - 1) > deadline) {
                break;
            }
            GaussianMixtureBaseline m;
            try {
                m = GaussianMixtureBaseline.fit(train, k);
            } catch (MathRuntimeException e) {
                // EM could not fit k components (a singular covariance): that k is not a candidate
                continue;
            } finally {
                lastFit = System.nanoTime() - t0;
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

    /** The {@link System#nanoTime()} deadline {@code seconds} from now, or {@link Long#MAX_VALUE} for 0 (none). */
    static long deadline(double seconds) {
        return seconds > 0 ? System.nanoTime() + (long) (seconds * 1e9) : Long.MAX_VALUE;
    }

    /** The rows of x, or {@code fallback} when x has none (a data set without that split). */
    private static double[][] rows(INDArray x, double[][] fallback) {
        return x.rows() > 0 ? x.toDoubleMatrix() : fallback;
    }
}
