package org.cnf4j.io;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cnf4j.data.NpyArray;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.nn.LayerType;
import org.cnf4j.nn.MlpDynamics;
import org.cnf4j.nn.ParameterTensor;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Reads a model trained with FFJORD (PyTorch) from its state dict saved with NumPy:
 * {@code np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})}.
 *
 * <p>Per block i: {@code chain.i.sqrt_end_time} (T is its square) and per layer k, under
 * {@code chain.i.odefunc.diffeq.layers.k.} (or {@code chain.i.odefunc.odefunc.diffeq.layers.k.},
 * as FFJORD's toy trainer saves): ConcatSquashLinear ({@code _layer.weight} [out, in],
 * {@code _layer.bias}, {@code _hyper_bias.weight} [out, 1], {@code _hyper_gate.weight} [out, 1],
 * {@code _hyper_gate.bias}), ConcatLinear ({@code _layer} with t as input column 0) or IgnoreLinear
 * ({@code _layer}). The activation sits between layers. Keys such as {@code _num_evals} are
 * ignored; batch-norm layers, other layer kinds or mixed kinds are refused with their names.
 * FFJORD's log p(x) = log N(z(T)) + integral of tr(df/dz) is this toolkit's convention.
 */
public final class FfjordImporter {

    private static final Pattern LAYER =
            Pattern.compile("chain\\.(\\d+)\\.odefunc\\.(?:odefunc\\.)?diffeq\\.layers\\.(\\d+)\\.(.+)");
    private static final Pattern TIME = Pattern.compile("chain\\.(\\d+)\\.sqrt_end_time");
    private static final Pattern IGNORED = Pattern.compile("chain\\.\\d+\\.odefunc\\.(?:odefunc\\.)?_num_evals");

    private FfjordImporter() {}

    /**
     * Reads the npz file.
     *
     * @param npz the state dict saved with numpy
     * @param activation the activation FFJORD was trained with (not stored in the state dict)
     * @param solver integration settings for the imported flow
     * @param defaultEndTime T for blocks without {@code sqrt_end_time}
     * @throws ModelFileException naming the file and what cannot be represented
     */
    public static ContinuousNormalizingFlow read(
            Path npz, Activation activation, SolverConfig solver, double defaultEndTime) {
        if (!Files.isRegularFile(npz)) {
            throw new ModelFileException(npz + ": no such file");
        }
        Map<String, INDArray> dict = new TreeMap<>();
        // an .npz is a zip of .npy entries (stored or deflated, as np.savez / np.savez_compressed write),
        // read as untrusted input: bounded inflation, plain numeric arrays only (no pickles)
        Map<String, byte[]> entries;
        try (java.io.InputStream in = Files.newInputStream(npz)) {
            entries = BoundedZip.read(in);
        } catch (java.io.IOException e) {
            throw new ModelFileException(npz + ": not a readable .npz file (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(npz + ": refused: " + e.getMessage(), e);
        }
        for (Map.Entry<String, byte[]> e : entries.entrySet()) {
            String entry = e.getKey();
            String name = entry.endsWith(".npy") ? entry.substring(0, entry.length() - 4) : entry;
            try {
                dict.put(name, NpyArray.read(e.getValue()));
            } catch (IllegalArgumentException ex) {
                throw new ModelFileException(npz + ": entry " + entry + " is refused: " + ex.getMessage(), ex);
            }
        }
        if (dict.isEmpty()) {
            throw new ModelFileException(npz + ": not an .npz file (no .npy entries)");
        }
        return fromStateDict(npz.toString(), dict, activation, solver, defaultEndTime);
    }

    private static boolean finite(INDArray a) {
        for (double v :
                org.cnf4j.linalg.NativeArrays.toArray(a.castTo(DataType.DOUBLE).dup('c'))) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** Builds the flow from state-dict entries (names as in PyTorch, values as arrays). */
    public static ContinuousNormalizingFlow fromStateDict(
            String source,
            Map<String, INDArray> dict,
            Activation activation,
            SolverConfig solver,
            double defaultEndTime) {
        Map<Integer, Map<Integer, Map<String, INDArray>>> layers = new TreeMap<>();
        Map<Integer, Double> times = new TreeMap<>();
        TreeSet<String> unknown = new TreeSet<>();
        for (Map.Entry<String, INDArray> e : dict.entrySet()) {
            String key = e.getKey().endsWith(".npy")
                    ? e.getKey().substring(0, e.getKey().length() - 4)
                    : e.getKey();
            Matcher m = LAYER.matcher(key);
            Matcher t = TIME.matcher(key);
            if ((m.matches() || t.matches()) && !finite(e.getValue())) {
                // every other command refuses a model with such weights: refuse it before it is written
                throw new ModelFileException(source + ": the entry " + e.getKey() + " holds NaN or infinite values");
            }
            if (m.matches()) {
                layers.computeIfAbsent(Integer.parseInt(m.group(1)), b -> new TreeMap<>())
                        .computeIfAbsent(Integer.parseInt(m.group(2)), l -> new TreeMap<>())
                        .put(m.group(3), e.getValue().castTo(DataType.DOUBLE));
            } else if (t.matches()) {
                double s = e.getValue().castTo(DataType.DOUBLE).getDouble(0);
                times.put(Integer.parseInt(t.group(1)), s * s);
            } else if (!IGNORED.matcher(key).matches()) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            boolean batchNorm = unknown.stream().anyMatch(k -> k.contains("running_mean") || k.contains("running_var"));
            throw new ModelFileException(source + ": "
                    + (batchNorm
                            ? "batch-norm layers cannot be represented"
                            : "entries that are not ODE blocks of supported layers")
                    + ": " + unknown);
        }
        if (layers.isEmpty()) {
            throw new ModelFileException(source + ": no chain.<i>.odefunc.diffeq.layers.<k> entries found");
        }
        List<Dynamics> blocks = new ArrayList<>();
        double[] endTimes = new double[layers.size()];
        int expectBlock = 0;
        for (Map.Entry<Integer, Map<Integer, Map<String, INDArray>>> b : layers.entrySet()) {
            if (b.getKey() != expectBlock) {
                throw new ModelFileException(source + ": chain." + expectBlock + " is missing or is not an ODE block");
            }
            blocks.add(block(source, b.getKey(), b.getValue(), activation));
            endTimes[expectBlock] = times.getOrDefault(b.getKey(), defaultEndTime);
            expectBlock++;
        }
        int dim = blocks.get(0).dim();
        return new ContinuousNormalizingFlow(
                blocks, endTimes, true, solver, ContinuousNormalizingFlow.defaultEvaluationEstimator(dim), 0);
    }

    private static MlpDynamics block(
            String source, int b, Map<Integer, Map<String, INDArray>> layers, Activation activation) {
        int count = layers.size();
        for (int k = 0; k < count; k++) {
            if (!layers.containsKey(k)) {
                throw new ModelFileException(source + ": block " + b + " lacks layer " + k);
            }
        }
        LayerType type = null;
        int[] dims = new int[count + 1];
        INDArray last = layers.get(count - 1).get("_layer.weight");
        if (last == null) {
            throw new ModelFileException(source + ": block " + b + " layer " + (count - 1) + " has no _layer.weight");
        }
        int dim = last.rows();
        dims[0] = dim;
        for (int k = 0; k < count; k++) {
            Map<String, INDArray> l = layers.get(k);
            INDArray w = l.get("_layer.weight");
            if (w == null || w.rank() != 2) {
                throw new ModelFileException(source + ": block " + b + " layer " + k
                        + " is not a ConcatSquashLinear, ConcatLinear or IgnoreLinear layer (keys " + l.keySet() + ")");
            }
            LayerType t;
            if (l.keySet()
                    .equals(new TreeSet<>(List.of(
                            "_layer.weight",
                            "_layer.bias",
                            "_hyper_bias.weight",
                            "_hyper_gate.weight",
                            "_hyper_gate.bias")))) {
                t = LayerType.CONCAT_SQUASH;
            } else if (l.keySet().equals(new TreeSet<>(List.of("_layer.weight", "_layer.bias")))) {
                t = w.columns() == dims[k] + 1 ? LayerType.CONCAT : LayerType.IGNORE;
            } else {
                throw new ModelFileException(source + ": block " + b + " layer " + k + " has keys " + l.keySet()
                        + ", not those of a ConcatSquashLinear, ConcatLinear or IgnoreLinear layer");
            }
            if (type != null && t != type) {
                throw new ModelFileException(source + ": block " + b + " mixes " + type.id() + " and " + t.id()
                        + " layers; cnf4j's networks use one layer kind");
            }
            type = t;
            long in = w.columns() - (t == LayerType.CONCAT ? 1 : 0);
            if (in != dims[k]) {
                throw new ModelFileException(source + ": block " + b + " layer " + k + " takes " + in
                        + " inputs, the previous layer gives " + dims[k]);
            }
            dims[k + 1] = w.rows();
        }
        if (dims[count] != dim) {
            throw new ModelFileException(
                    source + ": block " + b + " ends with " + dims[count] + " outputs, it must give " + dim);
        }
        MlpDynamics net = new MlpDynamics(dims, type, activation);
        INDArray p = net.parameters();
        for (ParameterTensor t : net.tensors()) {
            String[] parts = t.name().split("\\.");
            Map<String, INDArray> l = layers.get(Integer.parseInt(parts[1]));
            INDArray w = l.get("_layer.weight");
            INDArray value;
            switch (parts[2]) {
                case "weight":
                    value = type == LayerType.CONCAT
                            ? w.get(NDArrayIndex.all(), NDArrayIndex.interval(1, w.columns()))
                                    .transpose()
                            : w.transpose();
                    break;
                case "bias":
                    value = l.get("_layer.bias");
                    break;
                case "gate_weight":
                    value = l.get("_hyper_gate.weight");
                    break;
                case "gate_bias":
                    value = l.get("_hyper_gate.bias");
                    break;
                default:
                    value = type == LayerType.CONCAT
                            ? w.get(NDArrayIndex.all(), NDArrayIndex.point(0))
                            : l.get("_hyper_bias.weight");
            }
            if (value.length() != t.length()) {
                throw new ModelFileException(source + ": block " + b + " layer " + parts[1] + " " + parts[2] + " has "
                        + value.length() + " values, expected " + t.length());
            }
            p.get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()))
                    .assign(value.dup('c').reshape(t.length()));
        }
        return net;
    }
}
