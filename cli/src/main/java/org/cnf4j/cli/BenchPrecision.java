package org.cnf4j.cli;

import java.util.Locale;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.nn.MatrixPrecision;
import org.cnf4j.nn.MlpDynamics;

/** Sets the precision of the matrix products of a flow's built-in networks ("double" or "float"). */
final class BenchPrecision {

    private BenchPrecision() {
    }

    static void apply(ContinuousNormalizingFlow flow, String precision) {
        MatrixPrecision p;
        try {
            p = MatrixPrecision.valueOf(precision.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown precision '" + precision + "'; expected double or float");
        }
        for (Dynamics d : flow.blocks()) {
            if (d instanceof MlpDynamics m) {
                m.setPrecision(p);
            }
        }
    }
}
