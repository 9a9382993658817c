package org.cnf4j.io;

import java.util.List;

/**
 * What a model file says of itself, read from its {@code model.json} alone: no tensor is read and
 * no native library is loaded, so it is quick ({@code cnf info}). {@link ModelFile#load} reads and
 * checks the tensors as well.
 *
 * @param dim the data dimension
 * @param contextDim context values per row (0 for an unconditional model)
 * @param blocks each block's architecture and end time, data to latent
 * @param trainsEndTime whether training moved the end times
 * @param networkParameters the network weights the file declares (without the end times)
 * @param solver the solver settings, as {@code SolverConfig} prints them
 * @param traceEstimator the evaluation trace estimator's name
 * @param base the latent's distribution in words ({@code BaseDistribution#describe}), e.g. "N(0, I)"
 * @param metadata standardiser, columns, context, data description, training summary, reflow record
 * @param checkpointIteration the iteration of the resume state, or null when the file has none
 */
public record ModelDescription(
        int dim,
        int contextDim,
        List<Block> blocks,
        boolean trainsEndTime,
        long networkParameters,
        String solver,
        String traceEstimator,
        String base,
        ModelMetadata metadata,
        Integer checkpointIteration) {

    /**
     * One block of the flow.
     *
     * @param architecture layer widths, layer type and activation, e.g. {@code 2-64-64-64-2 concatsquash tanh}
     * @param endTime the block's end time T
     */
    public record Block(String architecture, double endTime) {}

    public ModelDescription {
        blocks = List.copyOf(blocks);
    }

    /** All parameters: the network weights and one end time per block. */
    public long parameterCount() {
        return networkParameters + blocks.size();
    }
}
