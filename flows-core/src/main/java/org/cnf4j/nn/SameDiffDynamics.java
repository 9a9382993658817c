package org.cnf4j.nn;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.cnf4j.trace.Probes;
import org.nd4j.autodiff.functions.DifferentialFunction;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Dynamics written by the user as a SameDiff graph, for architectures the built-in layers do not
 * cover: a {@link GraphBuilder} receives placeholders named {@code z} [batch, dim] and {@code t}
 * [1, 1] (DOUBLE) and returns dz/dt [batch, dim]; its trainable variables ({@code sd.var(...)},
 * DOUBLE) are the parameters, ordered by name in the flat array (see {@link #tensors()}). Names
 * starting with {@code cnf4j_} are reserved.
 *
 * <p>A conditional graph ({@link ConditionalGraphBuilder}, context dimension above zero) also
 * receives a placeholder {@code c} [batch, contextDim], the rows' contexts bound with
 * {@link #setContext}; the trace and every tangent are still taken with respect to z only.
 *
 * <p>It provides every operation of {@link Dynamics}: the probe tangents J u are built as
 * ordinary graph ops by forward-mode rules ({@link TangentGraph}), and SameDiff's reverse mode
 * differentiates the resulting scalar, which yields the second derivatives of f exactly. One
 * graph per probe count is built (by calling the builder again) and cached. This is the generic
 * path: several times slower than {@link MlpDynamics}. Not thread-safe.
 */
public final class SameDiffDynamics implements Dynamics {

    /** Builds f(z, t) in a graph. */
    @FunctionalInterface
    public interface GraphBuilder {
        /**
         * @param sd the graph to add ops and variables to
         * @param z placeholder [batch, dim]
         * @param t placeholder [1, 1], the time
         * @return dz/dt, [batch, dim]
         */
        SDVariable build(SameDiff sd, SDVariable z, SDVariable t);
    }

    /** Builds a conditional f(z, t, c) in a graph. */
    @FunctionalInterface
    public interface ConditionalGraphBuilder {
        /**
         * @param sd the graph to add ops and variables to
         * @param z placeholder [batch, dim]
         * @param t placeholder [1, 1], the time
         * @param c placeholder [batch, contextDim], the rows' contexts
         * @return dz/dt, [batch, dim]
         */
        SDVariable build(SameDiff sd, SDVariable z, SDVariable t, SDVariable c);
    }

    private static final String VF = "cnf4j_vf";
    private static final String VK = "cnf4j_vk";
    private static final String VT = "cnf4j_vt";
    private static final String VJ = "cnf4j_vj";
    private static final String U = "cnf4j_u";
    private static final String E = "cnf4j_e";
    private static final String W = "cnf4j_w";

    private final int dim;
    private final int contextDim;
    private INDArray context;
    private final ConditionalGraphBuilder builder;
    private final List<ParameterTensor> tensors = new ArrayList<>();
    private final Map<Integer, Graph> graphs = new HashMap<>();
    private final String description;
    private INDArray params;

    /**
     * Builds the graph once to find its parameters, whose initial values become the starting
     * parameters.
     *
     * @param dim state dimension D
     * @param builder the graph of f
     * @param description a short text for reports, e.g. "2-32-32-2 SameDiff MLP"
     */
    public SameDiffDynamics(int dim, GraphBuilder builder, String description) {
        this(dim, 0, (sd, z, t, c) -> builder.build(sd, z, t), description);
    }

    /**
     * Conditional dynamics f(z, t, c) written as a SameDiff graph, built once to find its parameters.
     *
     * @param dim state dimension D
     * @param contextDim context values per row (above zero)
     * @param builder the graph of f, given the placeholders z, t and c
     * @param description a short text for reports
     */
    public SameDiffDynamics(int dim, int contextDim, ConditionalGraphBuilder builder, String description) {
        if (contextDim < 0) {
            throw new IllegalArgumentException("context dimension must not be negative: " + contextDim);
        }
        this.dim = dim;
        this.contextDim = contextDim;
        this.builder = builder;
        this.description = description;
        Graph g = graph(0);
        long offset = 0;
        List<SDVariable> vars = new ArrayList<>();
        for (SDVariable v : g.sd.variables()) {
            if (v.getVariableType() == VariableType.VARIABLE) {
                vars.add(v);
            }
        }
        vars.sort((a, b) -> a.name().compareTo(b.name()));
        for (SDVariable v : vars) {
            INDArray arr = v.getArr();
            if (arr.dataType() != DataType.DOUBLE) {
                throw new IllegalArgumentException("variable '" + v.name() + "' must be DOUBLE, is " + arr.dataType());
            }
            tensors.add(new ParameterTensor(v.name(), offset, arr.shape()));
            offset += arr.length();
        }
        params = Nd4j.zeros(DataType.DOUBLE, offset);
        for (ParameterTensor t : tensors) {
            slice(params, t).assign(g.sd.getVariable(t.name()).getArr().reshape(t.length()));
        }
    }

    /** The graph's variables as named tensors of the flat array (sorted by name). */
    @Override
    public List<ParameterTensor> tensors() {
        return List.copyOf(tensors);
    }

    private static INDArray slice(INDArray flat, ParameterTensor t) {
        return flat.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()));
    }

    @Override
    public int dim() {
        return dim;
    }

    @Override
    public int contextDim() {
        return contextDim;
    }

    @Override
    public void setContext(INDArray c) {
        if (c == null) {
            context = null;
            return;
        }
        if (contextDim == 0) {
            throw new IllegalArgumentException("these dynamics (" + description + ") take no context");
        }
        if (c.rank() != 2 || c.columns() != contextDim) {
            throw new IllegalArgumentException(
                    "context must be [rows, " + contextDim + "], got " + java.util.Arrays.toString(c.shape()));
        }
        context = c.castTo(DataType.DOUBLE).dup('c');
    }

    @Override
    public long parameterCount() {
        return params.length();
    }

    @Override
    public INDArray parameters() {
        return params;
    }

    @Override
    public void bindParameters(INDArray target) {
        if (target.dataType() != DataType.DOUBLE || target.length() != params.length()) {
            throw new IllegalArgumentException("parameters must be a DOUBLE array of " + params.length() + " elements");
        }
        if (target != params) {
            target.assign(params.reshape(target.shape()));
        }
        params = target;
    }

    @Override
    public String describe() {
        return description;
    }

    @Override
    public void forward(double t, INDArray z, INDArray f) {
        Graph g = graph(0);
        Map<String, INDArray> ph = g.placeholders(t, z, null, null);
        f.assign(g.sd.output(ph, g.f).get(g.f));
    }

    @Override
    public void forward(double t, INDArray z, Probes probes, INDArray f, INDArray trace, INDArray jacobianSq) {
        if (probes == null) {
            forward(t, z, f);
            return;
        }
        Graph g = graph(probes.count());
        Map<String, INDArray> ph = g.placeholders(t, z, probes, null);
        Map<String, INDArray> out = g.sd.output(ph, g.f, g.trace, g.jac);
        f.assign(out.get(g.f));
        if (trace != null) {
            trace.assign(out.get(g.trace).reshape(trace.shape()));
        }
        if (jacobianSq != null) {
            jacobianSq.assign(out.get(g.jac).reshape(jacobianSq.shape()));
        }
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
        if (f != null || trace != null || jacobianSq != null) {
            forward(t, z, probes, f == null ? Nd4j.create(DataType.DOUBLE, z.rows(), dim) : f, trace, jacobianSq);
        }
        if (gradZ == null && gradTheta == null) {
            return;
        }
        Graph g = graph(probes == null ? 0 : probes.count());
        Map<String, INDArray> ph = g.placeholders(t, z, probes, weights);
        List<String> wanted = new ArrayList<>();
        wanted.add("z");
        for (ParameterTensor p : tensors) {
            wanted.add(p.name());
        }
        Map<String, INDArray> grads = g.sd.calculateGradients(ph, wanted);
        if (gradZ != null) {
            gradZ.assign(grads.get("z"));
        }
        if (gradTheta != null) {
            for (ParameterTensor p : tensors) {
                INDArray gp = grads.get(p.name());
                slice(gradTheta, p)
                        .assign(gp == null ? Nd4j.zeros(DataType.DOUBLE, p.length()) : gp.reshape(p.length()));
            }
        }
    }

    private Graph graph(int probes) {
        return graphs.computeIfAbsent(probes, k -> new Graph(k));
    }

    /** One graph: f, the probe tangents for K probes, and the scalar whose gradient backward needs. */
    private final class Graph {
        final SameDiff sd = SameDiff.create();
        final int probes;
        final String f;
        String trace;
        String jac;

        Graph(int probes) {
            this.probes = probes;
            SDVariable z = sd.placeHolder("z", DataType.DOUBLE, -1, dim);
            SDVariable t = sd.placeHolder("t", DataType.DOUBLE, 1, 1);
            SDVariable c = contextDim > 0 ? sd.placeHolder("c", DataType.DOUBLE, -1, contextDim) : null;
            SDVariable out = builder.build(sd, z, t, c);
            this.f = out.name();
            DifferentialFunction[] userOps = sd.ops();
            SDVariable vf = sd.placeHolder(VF, DataType.DOUBLE, -1, dim);
            SDVariable vk = sd.placeHolder(VK, DataType.DOUBLE, -1, 1);
            SDVariable loss = sd.sum(vf.mul(out)).add(sd.sum(vk.mul(sd.sum(out.mul(out), true, 1))));
            if (probes > 0) {
                SDVariable traceSum = null;
                SDVariable jacSum = null;
                for (int k = 0; k < probes; k++) {
                    SDVariable u = sd.placeHolder(U + k, DataType.DOUBLE, -1, dim);
                    SDVariable e = sd.placeHolder(E + k, DataType.DOUBLE, -1, dim);
                    SDVariable w = sd.placeHolder(W + k, DataType.DOUBLE, 1, 1);
                    SDVariable ju = TangentGraph.jvp(sd, userOps, z, u, out);
                    SDVariable tr = sd.sum(e.mul(ju), true, 1).mul(w);
                    SDVariable jq = sd.sum(ju.mul(ju), true, 1).mul(w);
                    traceSum = traceSum == null ? tr : traceSum.add(tr);
                    jacSum = jacSum == null ? jq : jacSum.add(jq);
                }
                trace = traceSum.name();
                jac = jacSum.name();
                SDVariable vt = sd.placeHolder(VT, DataType.DOUBLE, -1, 1);
                SDVariable vj = sd.placeHolder(VJ, DataType.DOUBLE, -1, 1);
                loss = loss.add(sd.sum(vt.mul(traceSum))).add(sd.sum(vj.mul(jacSum)));
            }
            sd.setLossVariables(loss);
            // createGradFunction prints "Added differentiated op ..." to stdout; keep it off
            PrintStream stdout = System.out;
            System.setOut(new PrintStream(new ByteArrayOutputStream()));
            try {
                sd.createGradFunction("z");
            } finally {
                System.setOut(stdout);
            }
        }

        Map<String, INDArray> placeholders(double t, INDArray z, Probes pr, Cotangents weights) {
            INDArray vf = weights == null ? null : weights.f();
            INDArray vk = weights == null ? null : weights.kinetic();
            INDArray vt = weights == null ? null : weights.trace();
            INDArray vj = weights == null ? null : weights.jacobian();
            if (params != null) {
                for (ParameterTensor p : tensors) {
                    INDArray arr = sd.getVariable(p.name()).getArr();
                    arr.assign(slice(params, p).reshape(arr.shape()));
                }
            }
            long b = z.rows();
            Map<String, INDArray> ph = new HashMap<>();
            ph.put("z", z.castTo(DataType.DOUBLE).dup('c'));
            ph.put("t", Nd4j.createFromArray(new double[][] {{t}}));
            if (contextDim > 0) {
                if (context == null || context.rows() != b) {
                    throw new IllegalStateException(
                            context == null
                                    ? "these dynamics are conditional: bind a context of [" + b + ", " + contextDim
                                            + "] with setContext first"
                                    : "the bound context has " + context.rows() + " rows, the call " + b);
                }
                ph.put("c", context);
            }
            ph.put(
                    VF,
                    vf == null
                            ? Nd4j.zeros(DataType.DOUBLE, b, dim)
                            : vf.castTo(DataType.DOUBLE).dup('c'));
            ph.put(
                    VK,
                    vk == null
                            ? Nd4j.zeros(DataType.DOUBLE, b, 1)
                            : vk.reshape(b, 1).dup('c'));
            if (probes > 0) {
                for (int k = 0; k < probes; k++) {
                    ph.put(U + k, pr.right(k).dup('c'));
                    ph.put(E + k, pr.left(k).dup('c'));
                    ph.put(W + k, Nd4j.createFromArray(new double[][] {{pr.weight(k)}}));
                }
                ph.put(
                        VT,
                        vt == null
                                ? Nd4j.zeros(DataType.DOUBLE, b, 1)
                                : vt.reshape(b, 1).dup('c'));
                ph.put(
                        VJ,
                        vj == null
                                ? Nd4j.zeros(DataType.DOUBLE, b, 1)
                                : vj.reshape(b, 1).dup('c'));
            }
            return ph;
        }
    }
}
