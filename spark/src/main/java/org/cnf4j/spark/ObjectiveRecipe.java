package org.cnf4j.spark;

import java.io.Serializable;
import org.cnf4j.adjoint.AdjointMethod;
import org.cnf4j.adjoint.DirectBackprop;
import org.cnf4j.adjoint.GradientMethod;
import org.cnf4j.adjoint.Regularizers;
import org.cnf4j.trace.TraceEstimator;
import org.cnf4j.train.FlowMatching;
import org.cnf4j.train.MaximumLikelihood;
import org.cnf4j.train.Objective;
import org.cnf4j.train.TimeSampling;

/**
 * The settings of a training objective, sent to the executors, which build the objective from
 * them once per thread (an objective keeps solver caches and is not shipped itself).
 *
 * @param flowMatching whether the objective is flow matching (else maximum likelihood)
 * @param sigmaMin flow matching's path end width
 * @param timeSampling flow matching's time sampling id
 * @param gradient maximum likelihood's gradient method: "adjoint" or "direct"
 * @param backwardRtol the adjoint's backward relative tolerance, NaN for the forward one
 * @param backwardAtol the adjoint's backward absolute tolerance, NaN for the forward one
 * @param seminorm whether the adjoint's backward error norm leaves the parameter adjoints out
 * @param kinetic kinetic-energy regulariser weight
 * @param jacobian Jacobian-norm regulariser weight
 * @param trace the trace estimator as its toString gives it (with its probe count, e.g. hutchinsonx4)
 * @param contextDropout flow matching's share of rows that train the unconditional field (a
 *     conditional flow's guidance), 0 for none
 */
record ObjectiveRecipe(
        boolean flowMatching,
        double sigmaMin,
        String timeSampling,
        String gradient,
        double backwardRtol,
        double backwardAtol,
        boolean seminorm,
        double kinetic,
        double jacobian,
        String trace,
        double contextDropout)
        implements Serializable {

    /**
     * The recipe of an objective.
     *
     * @throws IllegalArgumentException for flow matching with OT coupling (it pairs a whole batch in
     *     one place) or an objective this module does not know
     */
    static ObjectiveRecipe of(Objective objective) {
        if (objective instanceof FlowMatching fm) {
            if (fm.otCoupling()) {
                throw new IllegalArgumentException(
                        "training on Spark cannot use the OT coupling: it pairs a whole " + "batch in one place");
            }
            return new ObjectiveRecipe(
                    true,
                    fm.sigmaMin(),
                    fm.timeSampling().id(),
                    null,
                    Double.NaN,
                    Double.NaN,
                    false,
                    0,
                    0,
                    null,
                    fm.contextDropout());
        }
        if (objective instanceof MaximumLikelihood ml) {
            double rtol = Double.NaN;
            double atol = Double.NaN;
            boolean seminorm = false;
            if (ml.method() instanceof AdjointMethod a) {
                seminorm = a.seminorm();
                if (a.backwardTolerances() != null) {
                    rtol = a.backwardTolerances().rtol();
                    atol = a.backwardTolerances().atol();
                }
            }
            return new ObjectiveRecipe(
                    false,
                    0,
                    null,
                    ml.method().name(),
                    rtol,
                    atol,
                    seminorm,
                    ml.regularizers().kineticWeight(),
                    ml.regularizers().jacobianWeight(),
                    ml.estimator().toString(),
                    0);
        }
        throw new IllegalArgumentException(
                "training on Spark takes flow matching or maximum likelihood; got " + objective.describe());
    }

    /** A new objective of these settings. */
    Objective build() {
        if (flowMatching) {
            return new FlowMatching(sigmaMin, false, TimeSampling.byName(timeSampling), contextDropout);
        }
        GradientMethod method = gradient.equals("direct")
                ? new DirectBackprop()
                : new AdjointMethod(
                        Double.isNaN(backwardRtol)
                                ? null
                                : new AdjointMethod.BackwardTolerances(backwardRtol, backwardAtol),
                        seminorm);
        return new MaximumLikelihood(method, new Regularizers(kinetic, jacobian), TraceEstimator.byName(trace));
    }
}
