package org.cnf4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import org.cnf4j.io.ModelFileException;

/** Reads an objective back from the settings a model file stores ({@link Objective#toJson()}). */
public final class Objectives {

    private Objectives() {}

    /**
     * The flow-matching settings stored in a model file, or null when the model was trained by
     * maximum likelihood (or the file predates objectives).
     *
     * @throws ModelFileException when the settings name an unknown objective or hold bad values
     */
    public static FlowMatching flowMatching(JsonNode settings) {
        if (settings == null || settings.isNull()) {
            return null;
        }
        String name = settings.path("name").asText("");
        if (name.equals(MaximumLikelihood.NAME)) {
            return null;
        }
        if (!name.equals(FlowMatching.NAME)) {
            throw new ModelFileException("unknown training objective '" + name + "' in the model file; expected "
                    + MaximumLikelihood.NAME + " or " + FlowMatching.NAME);
        }
        try {
            return new FlowMatching(
                    settings.path("sigmaMin").asDouble(0),
                    settings.path("otCoupling").asBoolean(false),
                    TimeSampling.byName(settings.path("timeSampling").asText("uniform")),
                    settings.path("contextDropout").asDouble(0));
        } catch (IllegalArgumentException e) {
            throw new ModelFileException("the model file's flow-matching settings are invalid: " + e.getMessage(), e);
        }
    }
}
