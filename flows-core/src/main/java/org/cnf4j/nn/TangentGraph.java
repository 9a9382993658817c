package org.cnf4j.nn;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.ops.ScalarOp;

/**
 * Forward-mode differentiation of a SameDiff graph written as ordinary graph ops: given the ops
 * of a graph computing f(z) and a tangent input u, adds ops computing J u = (df/dz) u. Because
 * the result is an ordinary graph, SameDiff's own (single-level) reverse mode can then
 * differentiate it, which gives the second derivatives of f that SameDiff cannot take of its own
 * gradients. Supports the ops dynamics networks are made of; any other op is refused by name.
 */
final class TangentGraph {

    /** Ops this class can carry a tangent through. */
    static final Set<String> SUPPORTED = new TreeSet<>(Set.of(
            "matmul",
            "add",
            "subtract",
            "multiply",
            "divide",
            "biasadd",
            "add_scalar",
            "sub_scalar",
            "mul_scalar",
            "div_scalar",
            "rsub_scalar",
            "rdiv_scalar",
            "neg",
            "tanh",
            "sigmoid",
            "softplus",
            "elu",
            "swish",
            "exp",
            "log",
            "square",
            "sqrt",
            "concat",
            "identity"));

    private TangentGraph() {}

    /**
     * Adds ops computing the tangent of {@code output} along {@code u} (a tangent of {@code z}).
     *
     * @param sd the graph
     * @param ops the ops computing output from z, in topological order (a snapshot taken before
     *     any tangent op was added)
     * @param z the input
     * @param u its tangent, same shape
     * @param output the function value f(z)
     * @return the tangent J u, shaped like output (zeros if output does not depend on z)
     */
    static SDVariable jvp(SameDiff sd, DifferentialFunction[] ops, SDVariable z, SDVariable u, SDVariable output) {
        Map<String, SDVariable> tangent = new HashMap<>();
        tangent.put(z.name(), u);
        for (DifferentialFunction op : ops) {
            SDVariable[] in = op.args();
            boolean depends = false;
            for (SDVariable v : in) {
                depends |= tangent.containsKey(v.name());
            }
            if (!depends) {
                continue;
            }
            SDVariable[] outs = op.outputVariables();
            if (outs.length != 1) {
                throw unsupported(op);
            }
            SDVariable o = outs[0];
            SDVariable x = in[0];
            SDVariable dx = tangent.get(x.name());
            SDVariable y = in.length > 1 ? in[1] : null;
            SDVariable dy = y == null ? null : tangent.get(y.name());
            tangent.put(o.name(), rule(sd, op, x, dx, y, dy, o, tangent));
        }
        SDVariable result = tangent.get(output.name());
        return result != null ? result : output.mul(0.0);
    }

    private static SDVariable rule(
            SameDiff sd,
            DifferentialFunction op,
            SDVariable x,
            SDVariable dx,
            SDVariable y,
            SDVariable dy,
            SDVariable o,
            Map<String, SDVariable> tangent) {
        Map<String, Object> props = op.propertiesForFunction();
        switch (op.opName()) {
            case "matmul": {
                boolean ta = Boolean.TRUE.equals(props.get("transposeA"));
                boolean tb = Boolean.TRUE.equals(props.get("transposeB"));
                boolean tr = Boolean.TRUE.equals(props.get("transposeResult"));
                SDVariable a = dx == null ? null : sd.mmul(dx, y, ta, tb, tr);
                SDVariable b = dy == null ? null : sd.mmul(x, dy, ta, tb, tr);
                return plus(a, b);
            }
            case "add":
                return plus(dx, dy);
            case "subtract":
                return dy == null ? dx : dx == null ? dy.neg() : dx.sub(dy);
            case "multiply":
                return plus(dx == null ? null : dx.mul(y), dy == null ? null : x.mul(dy));
            case "divide": {
                SDVariable a = dx == null ? null : dx.div(y);
                SDVariable b = dy == null ? null : o.mul(dy).div(y);
                return b == null ? a : a == null ? b.neg() : a.sub(b);
            }
            case "biasadd":
                if (dy != null) {
                    throw unsupported(op);
                }
                return dx;
            case "add_scalar":
            case "sub_scalar":
            case "identity":
                return dx;
            case "mul_scalar":
                return dx.mul(scalar(op));
            case "div_scalar":
                return dx.div(scalar(op));
            case "rsub_scalar":
            case "neg":
                return dx.neg();
            case "rdiv_scalar":
                return o.div(x).mul(dx).neg();
            case "tanh":
                return o.mul(o).rsub(1.0).mul(dx);
            case "sigmoid":
                return o.mul(o.rsub(1.0)).mul(dx);
            case "softplus":
                return sd.nn().sigmoid(x).mul(dx);
            case "elu": {
                Object alpha = props.get("alpha");
                if (alpha != null && ((Number) alpha).doubleValue() != 1.0) {
                    throw new IllegalArgumentException(
                            "SameDiffDynamics supports elu with alpha = 1 only, got " + alpha);
                }
                // elu'(x) = min(e^x, 1) = 1 - relu(1 - e^x)
                return sd.nn().relu(sd.math().exp(x).rsub(1.0), 0.0).rsub(1.0).mul(dx);
            }
            case "swish": {
                SDVariable s = sd.nn().sigmoid(x);
                return s.add(o.mul(s.rsub(1.0))).mul(dx);
            }
            case "exp":
                return o.mul(dx);
            case "log":
                return dx.div(x);
            case "square":
                return x.mul(2.0).mul(dx);
            case "sqrt":
                return dx.div(o.mul(2.0));
            case "concat": {
                int dim = ((Number) props.get("concatDimension")).intValue();
                SDVariable[] args = op.args();
                SDVariable[] parts = new SDVariable[args.length];
                for (int i = 0; i < args.length; i++) {
                    SDVariable t = tangent.get(args[i].name());
                    parts[i] = t != null ? t : args[i].mul(0.0);
                }
                return sd.concat(dim, parts);
            }
            default:
                throw unsupported(op);
        }
    }

    private static double scalar(DifferentialFunction op) {
        return ((ScalarOp) op).scalar().getDouble(0);
    }

    private static SDVariable plus(SDVariable a, SDVariable b) {
        return a == null ? b : b == null ? a : a.add(b);
    }

    private static IllegalArgumentException unsupported(DifferentialFunction op) {
        return new IllegalArgumentException("SameDiffDynamics cannot take second derivatives through op '" + op.opName()
                + "' (" + op.getClass().getSimpleName() + "); supported ops: " + SUPPORTED);
    }
}
