package org.cnf4j.sample;

import org.cnf4j.flow.FlowResult;

/**
 * Latent encoding in the data's units: {@code encode} standardises and maps data to the latent
 * z (approximately N(0, I) for a well-fitted model); {@code decode} maps back and
 * de-standardises. Decode(encode(x)) returns x up to the solver tolerances.
 */
public final class LatentCodec {

    private final DensityModel model;

    /** A codec for the model. */
    public LatentCodec(DensityModel model) {
        this.model = model;
    }

    /** Data [n, dim] (data units) to latent [n, dim]. */
    public FlowResult encode(org.nd4j.linalg.api.ndarray.INDArray x) {
        return model.flow().encode(model.standardizer().transform(x));
    }

    /** Latent [n, dim] to data [n, dim] (data units). */
    public FlowResult decode(org.nd4j.linalg.api.ndarray.INDArray z) {
        FlowResult r = model.flow().decode(z);
        return new FlowResult(model.standardizer().inverse(r.value()), r.stats());
    }
}
