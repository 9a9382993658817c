package org.cnf4j.adjoint;

/**
 * The weights of the regularisers added to maximum likelihood's loss (the mean negative
 * log-likelihood of the batch in nats): RNODE's regularisers (Finlay et al. 2020, "How to train your neural ODE"):
 * {@code kineticWeight * mean_b sum_blocks int ||f||^2 dt} and
 * {@code jacobianWeight * mean_b sum_blocks int ||J e||^2 dt} (the Frobenius norm of df/dz,
 * estimated with the trace probes). Both weights 0 (the default) turns them off.
 *
 * @param kineticWeight weight of the kinetic-energy integral
 * @param jacobianWeight weight of the Jacobian Frobenius-norm integral
 */
public record Regularizers(double kineticWeight, double jacobianWeight) {

    /** No regulariser: plain maximum likelihood. */
    public static final Regularizers NONE = new Regularizers(0, 0);

    /** Validates. */
    public Regularizers {
        org.cnf4j.settings.SettingCheck.nonNegative("kineticWeight", kineticWeight);
        org.cnf4j.settings.SettingCheck.nonNegative("jacobianWeight", jacobianWeight);
    }

    /** True when a regulariser is on (the ODE state then carries the two integrals). */
    public boolean regularized() {
        return kineticWeight > 0 || jacobianWeight > 0;
    }
}
