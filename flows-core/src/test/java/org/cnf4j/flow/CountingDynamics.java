package org.cnf4j.flow;

import org.cnf4j.nn.Cotangents;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.trace.Probes;
import org.nd4j.linalg.api.ndarray.INDArray;

/** A test decorator counting evaluations of the wrapped dynamics. */
final class CountingDynamics implements Dynamics {
    final Dynamics inner;
    int calls;

    CountingDynamics(Dynamics inner) {
        this.inner = inner;
    }

    @Override
    public int dim() {
        return inner.dim();
    }

    @Override
    public long parameterCount() {
        return inner.parameterCount();
    }

    @Override
    public INDArray parameters() {
        return inner.parameters();
    }

    @Override
    public void bindParameters(INDArray target) {
        inner.bindParameters(target);
    }

    @Override
    public java.util.List<org.cnf4j.nn.ParameterTensor> tensors() {
        return inner.tensors();
    }

    @Override
    public String describe() {
        return "counting " + inner.describe();
    }

    @Override
    public void forward(double t, INDArray z, INDArray f) {
        calls++;
        inner.forward(t, z, f);
    }

    @Override
    public void forward(double t, INDArray z, Probes probes, INDArray f, INDArray trace, INDArray jacobianSq) {
        calls++;
        inner.forward(t, z, probes, f, trace, jacobianSq);
    }

    @Override
    public void backward(
            double t,
            INDArray z,
            Probes probes,
            Cotangents weights,
            INDArray f,
            INDArray trace,
            INDArray jacobianSq,
            INDArray gradZ,
            INDArray gradTheta) {
        calls++;
        inner.backward(t, z, probes, weights, f, trace, jacobianSq, gradZ, gradTheta);
    }
}
