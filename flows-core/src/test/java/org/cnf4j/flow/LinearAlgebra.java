package org.cnf4j.flow;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Small dense helpers for closed-form checks in tests. */
final class LinearAlgebra {

    private LinearAlgebra() {}

    /** e^M by scaling and squaring with a 30-term Taylor series (fine for small well-scaled M). */
    static INDArray expm(INDArray m) {
        int squarings = Math.max(
                0, (int) Math.ceil(Math.log(Math.max(1e-16, m.norm1Number().doubleValue())) / Math.log(2)) + 1);
        INDArray a = m.div(Math.pow(2, squarings));
        INDArray result = Nd4j.eye(m.rows()).castTo(DataType.DOUBLE);
        INDArray term = Nd4j.eye(m.rows()).castTo(DataType.DOUBLE);
        for (int k = 1; k <= 30; k++) {
            term = term.mmul(a).div(k);
            result.addi(term);
        }
        for (int i = 0; i < squarings; i++) {
            result = result.mmul(result);
        }
        return result;
    }

    static double trace(INDArray a) {
        double t = 0;
        for (int i = 0; i < a.rows(); i++) {
            t += a.getDouble(i, i);
        }
        return t;
    }
}
