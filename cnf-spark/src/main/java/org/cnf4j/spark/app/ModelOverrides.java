package org.cnf4j.spark.app;

import java.io.IOException;
import org.cnf4j.cli.EvaluationOptions;
import org.cnf4j.io.ModelFile;

/** A model file's bytes with {@code cnf-spark}'s evaluation options written into it. */
final class ModelOverrides {

    private ModelOverrides() {}

    /**
     * The model file with cnf's evaluation overrides (solver, tolerances, steps, trace estimator,
     * evaluation cap) written into it, so the executors load the settings asked for; the bytes as
     * they are when nothing is overridden. Precision is not stored in model files: it travels in
     * the scoring and sampling options.
     */
    static byte[] withOverrides(byte[] model, EvaluationOptions evaluation) {
        org.cnf4j.io.LoadedModel m = ModelFile.load(model, "the model file");
        org.cnf4j.flow.SolverConfig before = m.flow().solver();
        org.cnf4j.trace.TraceEstimator traceBefore = m.flow().traceEstimator();
        evaluation.apply(m.flow());
        if (before.equals(m.flow().solver())
                && traceBefore.toString().equals(m.flow().traceEstimator().toString())) {
            return model;
        }
        try {
            java.nio.file.Path tmp = java.nio.file.Files.createTempFile("cnf-spark-model", ".zip");
            try {
                ModelFile.save(tmp, m.flow(), m.metadata(), m.checkpoint());
                return java.nio.file.Files.readAllBytes(tmp);
            } finally {
                java.nio.file.Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
