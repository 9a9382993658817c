package org.cnf4j.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.random.RandomGenerator;
import org.cnf4j.adjoint.GradientMethod;
import org.cnf4j.adjoint.GradientResult;
import org.cnf4j.adjoint.Regularizers;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Maximum likelihood: the mean negative log-likelihood of the batch (plus RNODE's regularisers),
 * its gradient from a {@link GradientMethod} with trace probes from the estimator, drawn from the
 * iteration's stream. For a conditional flow the rows are joint rows [x | c] and the likelihood is
 * log p(x | c).
 *
 * @param method adjoint or direct backpropagation
 * @param regularizers RNODE weights (0, 0 for plain likelihood)
 * @param estimator the training trace estimator
 */
public record MaximumLikelihood(GradientMethod method, Regularizers regularizers, TraceEstimator estimator)
        implements Objective {

    /** The name in model files and on the command line. */
    public static final String NAME = "mle";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String describe() {
        return NAME + "(" + method.name() + ", trace=" + estimator.name()
                + (regularizers.regularized()
                        ? ", kinetic=" + regularizers.kineticWeight() + ", jacobian=" + regularizers.jacobianWeight()
                        : "")
                + ")";
    }

    @Override
    public ObjectiveResult evaluate(ContinuousNormalizingFlow flow, INDArray x, RandomGenerator noise) {
        INDArray[] xc = flow.splitRows(x, "x");
        GradientResult g = flow.withContext(xc[1], () -> method.gradient(flow, xc[0], regularizers, estimator, noise));
        return new ObjectiveResult(
                g.loss(),
                g.nll(),
                g.kinetic(),
                g.jacobian(),
                g.parameterGradient(),
                g.forward().functionEvaluations(),
                g.backward().functionEvaluations());
    }

    @Override
    public boolean fitsEndTime() {
        return true;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode o = new ObjectMapper().createObjectNode();
        o.put("name", NAME);
        o.put("gradient", method.name());
        o.put("trace", estimator.name());
        o.put("kineticWeight", regularizers.kineticWeight());
        o.put("jacobianWeight", regularizers.jacobianWeight());
        return o;
    }
}
