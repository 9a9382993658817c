package org.cnf4j.nn;

import java.util.Locale;

/**
 * How a layer of a dynamics network sees time t (FFJORD's {@code --layer_type}). Every type is
 * affine in its input x: {@code out = (x W) * gamma(t) + beta(t)} with per-output gate gamma and
 * shift beta, W [in, out].
 */
public enum LayerType {

    /**
     * {@code out = (x W + b) * sigmoid(g t + c) + h t}: gamma = sigmoid(g t + c),
     * beta = b gamma + h t. Parameters W [in, out], b, g, c, h [out]. FFJORD's default.
     */
    CONCAT_SQUASH("concatsquash"),
    /** {@code out = [x, t] W' + b}: gamma = 1, beta = b + t w_t. Parameters W [in, out], w_t [out], b [out]. */
    CONCAT("concat"),
    /** {@code out = x W + b}, time ignored. Parameters W [in, out], b [out]. */
    IGNORE("ignore");

    private final String id;

    LayerType(String id) {
        this.id = id;
    }

    /** FFJORD's name for it. */
    public String id() {
        return id;
    }

    /** Number of parameters of a layer from {@code in} to {@code out} units. */
    public long parameterCount(int in, int out) {
        long w = (long) in * out;
        switch (this) {
            case CONCAT_SQUASH:
                return w + 4L * out;
            case CONCAT:
                return w + 2L * out;
            default:
                return w + out;
        }
    }

    /** The layer type of that name (concatsquash, concat, ignore), case-insensitive. */
    public static LayerType byName(String name) {
        String key = name.toLowerCase(Locale.ROOT).replace("_", "");
        for (LayerType t : values()) {
            if (t.id.equals(key)) {
                return t;
            }
        }
        throw new IllegalArgumentException(
                "unknown layer type '" + name + "'; expected concatsquash, concat or ignore");
    }
}
