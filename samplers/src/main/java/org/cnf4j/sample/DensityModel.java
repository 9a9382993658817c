package org.cnf4j.sample;

import org.cnf4j.data.Standardizer;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.io.LoadedModel;

/**
 * A flow together with the standardiser that maps the data's units to the flow's space: the
 * samplers take and return values in the data's units and report log-densities in them
 * ({@code log p(x) = log p_flow((x - mean) / std) - sum log std}).
 *
 * @param flow the flow
 * @param standardizer the map from data units to flow space
 */
public record DensityModel(ContinuousNormalizingFlow flow, Standardizer standardizer) {

    /** The flow of a loaded model file with its standardiser. */
    public static DensityModel of(LoadedModel model) {
        return new DensityModel(model.flow(), model.metadata().standardizer());
    }

    /** A flow whose space is the data's (identity standardiser). */
    public static DensityModel of(ContinuousNormalizingFlow flow) {
        return new DensityModel(flow, Standardizer.identity(flow.inputColumns()));
    }

    /** Data dimension. */
    public int dim() {
        return flow.dim();
    }
}
