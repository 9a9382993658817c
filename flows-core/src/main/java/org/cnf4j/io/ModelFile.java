package org.cnf4j.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.cnf4j.data.NpyArray;
import org.cnf4j.data.Standardizer;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.GaussianMixtureBase;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.flow.StandardNormal;
import org.cnf4j.nn.Activation;
import org.cnf4j.nn.Dynamics;
import org.cnf4j.nn.LayerType;
import org.cnf4j.nn.MlpDynamics;
import org.cnf4j.nn.ParameterTensor;
import org.cnf4j.ode.RungeKuttaMethod;
import org.cnf4j.trace.TraceEstimator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Model files: one zip holding {@code model.json} (format version, architecture, end times,
 * solver, trace estimator, standardiser, data description, training summary, tensor list) and
 * every parameter tensor as a NumPy {@code .npy} entry (DOUBLE, row-major; weights [in, out]),
 * plus optional {@code checkpoint/} entries for resuming training. The format is documented in
 * docs/file-formats.md. Writing goes to a temporary file in the same folder that is
 * then moved into place, so a failure never leaves a half-written model. Loading checks the
 * version and every shape and names exactly what is wrong.
 */
public final class ModelFile {

    /** The value of {@code format} in model.json. */
    public static final String FORMAT = "cnf4j-model";
    /** The version this code writes and reads. */
    public static final int VERSION = 1;
    /** Name of the JSON entry. */
    public static final String MODEL_JSON = "model.json";

    /** Most parameters one block of a model file may declare (checked before anything is allocated). */
    public static final long MAX_PARAMETERS = 50_000_000L;

    /** Most units a layer of a model file may declare. */
    public static final int MAX_WIDTH = 1 << 16;
    /** Components a base mixture may have. */
    public static final int MAX_BASE_COMPONENTS = 1024;
    /** The entry holding the {@link Provenance} (apart from the model, so it does not change the model's digest). */
    public static final String PROVENANCE_JSON = "provenance.json";
    /** The "kind" of a base mixture in {@code model.json}. */
    static final String MIXTURE_BASE = "gaussian-mixture";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ModelFile() {}

    /** A JSON parser's complaint on one line: its own message and where, without the parser's hints. */
    static String jsonProblem(java.io.IOException e) {
        if (e instanceof com.fasterxml.jackson.core.JsonProcessingException j) {
            String what = j.getOriginalMessage() == null
                    ? ""
                    : j.getOriginalMessage().lines().findFirst().orElse("");
            com.fasterxml.jackson.core.JsonLocation at = j.getLocation();
            return what + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr());
        }
        String m = String.valueOf(e.getMessage());
        return m.lines().findFirst().orElse(m);
    }

    /** Writes a model without a checkpoint. */
    public static void save(Path path, ContinuousNormalizingFlow flow, ModelMetadata metadata) {
        save(path, flow, metadata, null);
    }

    /**
     * Writes a model, atomically.
     *
     * @param checkpoint resume state to store with it, or null
     * @throws ModelFileException if a block is not built-in dynamics or the file cannot be written
     */
    public static void save(Path path, ContinuousNormalizingFlow flow, ModelMetadata metadata, Checkpoint checkpoint) {
        Map<String, byte[]> entries = new java.util.LinkedHashMap<>();
        ObjectNode root = JSON.createObjectNode();
        root.put("format", FORMAT);
        root.put("formatVersion", VERSION);
        root.put("dim", flow.dim());
        if (flow.contextDim() > 0) {
            if (metadata.contextDim() != flow.contextDim()) {
                throw new ModelFileException("the flow takes " + flow.contextDim() + " context values, the metadata's "
                        + "context columns " + metadata.context() + " give " + metadata.contextDim());
            }
            root.put("contextDim", flow.contextDim());
            if (flow.learnsUnconditional()) {
                root.put("learnsUnconditional", true);
            }
        }
        root.put("trainEndTime", flow.trainsEndTime());
        ArrayNode blocks = root.putArray("blocks");
        ArrayNode tensors = JSON.createArrayNode();
        for (int k = 0; k < flow.blockCount(); k++) {
            Dynamics d = flow.block(k);
            if (!(d instanceof MlpDynamics net)) {
                throw new ModelFileException(
                        "only built-in MlpDynamics blocks can be saved; block " + k + " is " + d.describe());
            }
            ObjectNode b = blocks.addObject();
            ArrayNode dims = b.putArray("dims");
            for (int v : net.dims()) {
                dims.add(v);
            }
            b.put("layerType", net.layerType().id());
            b.put("activation", net.activation().id());
            b.put("endTime", flow.endTime(k));
            b.put("sqrtEndTime", flow.parameters().getDouble(flow.endTimeIndex(k)));
            for (ParameterTensor t : net.tensors()) {
                String name = "blocks." + k + "." + t.name();
                String entry = "tensors/" + name + ".npy";
                ObjectNode tn = tensors.addObject();
                tn.put("name", name);
                tn.put("entry", entry);
                ArrayNode shape = tn.putArray("shape");
                for (long v : t.shape()) {
                    shape.add(v);
                }
                INDArray values = net.parameters()
                        .get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()))
                        .dup('c')
                        .reshape(t.shape());
                entries.put(entry, Nd4j.toNpyByteArray(values));
            }
        }
        if (flow.base() instanceof GaussianMixtureBase m) {
            ObjectNode bn = root.putObject("base");
            bn.put("kind", MIXTURE_BASE);
            bn.put("components", m.components());
            bn.put("logWeights", "base/logWeights.npy");
            bn.put("means", "base/means.npy");
            bn.put("lowerFactors", "base/lowerFactors.npy");
            entries.put("base/logWeights.npy", Nd4j.toNpyByteArray(Nd4j.createFromArray(m.logWeights())));
            entries.put("base/means.npy", Nd4j.toNpyByteArray(Nd4j.createFromArray(m.means())));
            entries.put("base/lowerFactors.npy", Nd4j.toNpyByteArray(Nd4j.createFromArray(m.lowerFactors())));
        }
        SolverConfig s = flow.solver();
        ObjectNode solver = root.putObject("solver");
        solver.put("method", s.method().id());
        solver.put("rtol", s.rtol());
        solver.put("atol", s.atol());
        solver.put("steps", s.steps());
        solver.put("maxSteps", s.maxSteps());
        if (s.maxEvaluations() > 0) {
            solver.put("maxEvaluations", s.maxEvaluations());
        }
        root.put("traceEstimator", flow.traceEstimator().toString());
        root.put("seed", flow.seed());
        ObjectNode st = root.putObject("standardizer");
        ArrayNode mean = st.putArray("mean");
        ArrayNode std = st.putArray("std");
        for (int j = 0; j < metadata.standardizer().dim(); j++) {
            mean.add(metadata.standardizer().mean()[j]);
            std.add(metadata.standardizer().std()[j]);
        }
        ObjectNode data = root.putObject("data");
        data.put("description", metadata.dataDescription());
        data.put("dequantized", metadata.dequantized());
        ArrayNode cols = data.putArray("columns");
        metadata.columns().forEach(cols::add);
        if (!metadata.context().isEmpty()) {
            ArrayNode ctx = data.putArray("context");
            for (org.cnf4j.data.ContextColumn c : metadata.context()) {
                ObjectNode cn = ctx.addObject();
                cn.put("name", c.name());
                ArrayNode levels = cn.putArray("levels");
                c.levels().forEach(levels::add);
                if (!c.counts().isEmpty()) {
                    ArrayNode counts = cn.putArray("counts");
                    c.counts().forEach(counts::add);
                }
            }
        }
        if (metadata.training() != null) {
            root.set("training", JSON.valueToTree(metadata.training().withoutTimings()));
        } else {
            root.putNull("training");
        }
        root.set("tensors", tensors);
        ImageLayout image = metadata.image();
        if (image != null) {
            ObjectNode im = root.putObject("image");
            im.put("height", image.height());
            im.put("width", image.width());
            im.put("black", image.black());
            im.put("white", image.white());
        }
        ReflowInfo reflow = metadata.reflow();
        if (reflow != null) {
            ObjectNode rf = root.putObject("reflow");
            rf.put("source", reflow.source());
            rf.put("sourceDigest", reflow.sourceDigest());
            rf.put("rounds", reflow.rounds());
            rf.put("pairs", reflow.pairs());
            rf.put("method", reflow.method().id());
            rf.put("steps", reflow.steps());
            rf.put("maxDeviation", reflow.maxDeviation());
        }
        if (checkpoint != null) {
            ObjectNode cp = root.putObject("checkpoint");
            cp.put("iteration", checkpoint.iteration());
            cp.put("parameters", "checkpoint/parameters.npy");
            cp.put("optimizerState", "checkpoint/optimizer.npy");
            cp.put("trainerState", "checkpoint/trainer.json");
            entries.put(
                    "checkpoint/parameters.npy",
                    Nd4j.toNpyByteArray(checkpoint.parameters().dup('c')));
            entries.put(
                    "checkpoint/optimizer.npy",
                    Nd4j.toNpyByteArray(checkpoint.optimizerState().dup('c')));
            entries.put("checkpoint/trainer.json", checkpoint.trainerState().getBytes(StandardCharsets.UTF_8));
        }
        if (metadata.provenance() != null) {
            try {
                entries.put(PROVENANCE_JSON, JSON.writeValueAsBytes(metadata.provenance()));
            } catch (IOException e) {
                throw new ModelFileException(path + ": the provenance cannot be written (" + e.getMessage() + ")", e);
            }
        }
        try {
            byte[] json = JSON.writeValueAsBytes(root);
            AtomicFiles.write(path, out -> {
                try (ZipOutputStream zip = new ZipOutputStream(out)) {
                    zip.putNextEntry(entry(MODEL_JSON));
                    zip.write(json);
                    zip.closeEntry();
                    for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                        zip.putNextEntry(entry(e.getKey()));
                        zip.write(e.getValue());
                        zip.closeEntry();
                    }
                }
            });
        } catch (IOException e) {
            throw new ModelFileException(path + ": cannot be written (" + e.getMessage() + ")", e);
        }
    }

    /**
     * A zip entry dated 1980-01-01 (the zip format's first day), so that the same model gives the
     * same file bytes whenever it is written.
     */
    private static ZipEntry entry(String name) {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(java.time.LocalDateTime.of(1980, 1, 1, 0, 0));
        return e;
    }

    /**
     * Reads a model.
     *
     * @throws ModelFileException naming the file and what is wrong: missing, not a zip, no or
     *     unreadable model.json, another format or version, a missing tensor, a wrong shape
     */
    public static LoadedModel load(Path path) {
        return parse(path.toString(), readZip(path));
    }

    /**
     * Reads a model from a stream (e.g. bytes broadcast to a worker, or a resource); {@code name}
     * stands for the file in messages. The stream is read to its end, not closed.
     *
     * @throws ModelFileException as {@link #load(Path)}
     */
    public static LoadedModel load(InputStream in, String name) {
        Map<String, byte[]> entries;
        try {
            entries = BoundedZip.read(in);
        } catch (IOException e) {
            throw new ModelFileException(name + ": not a readable model zip (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(name + ": refused: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new ModelFileException(name + ": not a model file (empty or not a zip)");
        }
        return parse(name, entries);
    }

    /** Reads a model from the bytes of a model file. */
    public static LoadedModel load(byte[] bytes, String name) {
        return load(new java.io.ByteArrayInputStream(bytes), name);
    }

    /** model.json of a model file's entries, its format and version checked. */
    private static JsonNode modelJson(String path, Map<String, byte[]> entries) {
        byte[] jsonBytes = entries.get(MODEL_JSON);
        if (jsonBytes == null) {
            throw new ModelFileException(path + ": not a model file (no " + MODEL_JSON + " inside)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(jsonBytes);
        } catch (IOException e) {
            throw new ModelFileException(path + ": " + MODEL_JSON + " is not valid JSON (" + jsonProblem(e) + ")", e);
        }
        Reader r = new Reader(path, root);
        if (!FORMAT.equals(r.text(root, "format"))) {
            throw new ModelFileException(
                    path + ": format is '" + root.path("format").asText() + "', expected " + FORMAT);
        }
        int version = r.integer(root, "formatVersion");
        if (version != VERSION) {
            throw new ModelFileException(
                    path + ": format version " + version + " is not supported (this is version " + VERSION + ")");
        }
        return root;
    }

    /**
     * What a model file says of itself, from its {@code model.json} alone (format, version,
     * architecture, solver and metadata checked as {@link #load(Path)} checks them; the tensors
     * are neither read nor loaded, so no native library is needed).
     *
     * @throws ModelFileException for a missing, truncated or corrupt file, or one of a newer format
     */
    public static ModelDescription describe(Path path) {
        String name = path.toString();
        Map<String, byte[]> entries = readZip(path);
        JsonNode root = modelJson(name, entries);
        Reader r = new Reader(name, root);
        int dim = r.integer(root, "dim");
        int contextDim = root.has("contextDim") ? r.integer(root, "contextDim") : 0;
        if (contextDim < 0 || contextDim > MAX_WIDTH) {
            throw new ModelFileException(name + ": contextDim " + contextDim + " is outside 0.." + MAX_WIDTH);
        }
        int blockContext =
                contextDim + (contextDim > 0 && root.path("learnsUnconditional").asBoolean(false) ? 1 : 0);
        List<ModelDescription.Block> blocks = new ArrayList<>();
        for (JsonNode b : r.array(root, "blocks")) {
            JsonNode dimsNode = r.array(b, "dims");
            int[] dims = new int[dimsNode.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = dimsNode.get(i).asInt();
            }
            try {
                blocks.add(new ModelDescription.Block(
                        MlpDynamics.describe(
                                dims,
                                LayerType.byName(r.text(b, "layerType")),
                                Activation.byName(r.text(b, "activation")),
                                blockContext),
                        r.number(b, "endTime")));
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(name + ": block " + blocks.size() + ": " + e.getMessage(), e);
            }
        }
        if (blocks.isEmpty()) {
            throw new ModelFileException(name + ": the model has no blocks");
        }
        long network = 0;
        for (JsonNode t : r.array(root, "tensors")) {
            long size = 1;
            for (JsonNode n : r.array(t, "shape")) {
                size *= n.asLong();
            }
            network += size;
        }
        JsonNode sv = r.object(root, "solver");
        String solver;
        String estimator;
        try {
            solver = solverConfig(r, sv).toString();
            estimator = TraceEstimator.byName(r.text(root, "traceEstimator")).name();
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(name + ": " + e.getMessage(), e);
        }
        Integer checkpoint = root.hasNonNull("checkpoint") ? r.integer(root.get("checkpoint"), "iteration") : null;
        String base = StandardNormal.INSTANCE.describe();
        if (root.hasNonNull("base")) {
            JsonNode bn = r.object(root, "base");
            int k = r.integer(bn, "components");
            if (k < 1 || k > MAX_BASE_COMPONENTS) {
                throw new ModelFileException(
                        name + ": base: " + k + " components; 1.." + MAX_BASE_COMPONENTS + " are read");
            }
            base = k == 1 ? "a full-covariance Gaussian" : "a mixture of " + k + " full-covariance Gaussians";
        }
        return new ModelDescription(
                dim,
                contextDim,
                blocks,
                root.path("trainEndTime").asBoolean(true),
                network,
                solver,
                estimator,
                base,
                metadata(name, root, dim, contextDim).withProvenance(provenance(name, entries)),
                checkpoint);
    }

    private static LoadedModel parse(String path, Map<String, byte[]> entries) {
        JsonNode root = modelJson(path, entries);
        Reader r = new Reader(path, root);
        int dim = r.integer(root, "dim");
        int contextDim = root.has("contextDim") ? r.integer(root, "contextDim") : 0;
        boolean learnsUnconditional =
                contextDim > 0 && root.path("learnsUnconditional").asBoolean(false);
        int blockContext = contextDim + (learnsUnconditional ? 1 : 0);
        if (contextDim < 0 || contextDim > MAX_WIDTH) {
            throw new ModelFileException(path + ": contextDim " + contextDim + " is outside 0.." + MAX_WIDTH);
        }
        JsonNode blocksNode = r.array(root, "blocks");
        if (blocksNode.size() == 0) {
            throw new ModelFileException(path + ": the model has no blocks");
        }
        Map<String, long[]> declared = new HashMap<>();
        Map<String, String> entryOf = new HashMap<>();
        for (JsonNode t : r.array(root, "tensors")) {
            String name = r.text(t, "name");
            JsonNode shape = r.array(t, "shape");
            long[] s = new long[shape.size()];
            for (int i = 0; i < s.length; i++) {
                s[i] = shape.get(i).asLong();
            }
            declared.put(name, s);
            entryOf.put(name, r.text(t, "entry"));
        }
        List<Dynamics> nets = new ArrayList<>();
        double[] times = new double[blocksNode.size()];
        for (int k = 0; k < blocksNode.size(); k++) {
            JsonNode b = blocksNode.get(k);
            JsonNode dimsNode = r.array(b, "dims");
            int[] dims = new int[dimsNode.size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = dimsNode.get(i).asInt();
            }
            if (dims.length < 2 || dims[0] != dim || dims[dims.length - 1] != dim) {
                throw new ModelFileException(path + ": block " + k + " has dims " + java.util.Arrays.toString(dims)
                        + ", which must start and end with the model dimension " + dim);
            }
            long declaredParameters = 0;
            for (int i = 0; i + 1 < dims.length; i++) {
                if (dims[i] < 1 || dims[i] > MAX_WIDTH) {
                    throw new ModelFileException(path + ": block " + k + " has a layer of " + dims[i]
                            + " units (at most " + MAX_WIDTH + ")");
                }
                declaredParameters += (long) dims[i] * dims[i + 1] + 4L * dims[i + 1] + 2L * blockContext * dims[i + 1];
            }
            if (declaredParameters > MAX_PARAMETERS) {
                throw new ModelFileException(path + ": block " + k + " declares about " + declaredParameters
                        + " parameters, more than a model file may hold (" + MAX_PARAMETERS + ")");
            }
            MlpDynamics net;
            try {
                net = new MlpDynamics(
                        dims,
                        LayerType.byName(r.text(b, "layerType")),
                        Activation.byName(r.text(b, "activation")),
                        blockContext);
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(path + ": block " + k + ": " + e.getMessage(), e);
            }
            times[k] = r.number(b, "endTime");
            for (ParameterTensor t : net.tensors()) {
                String name = "blocks." + k + "." + t.name();
                long[] want = t.shape();
                long[] says = declared.get(name);
                if (says == null) {
                    throw new ModelFileException(path + ": tensor " + name + " is missing from the tensor list");
                }
                if (!java.util.Arrays.equals(says, want)) {
                    throw new ModelFileException(
                            path + ": tensor " + name + " is declared with shape " + java.util.Arrays.toString(says)
                                    + ", the architecture needs " + java.util.Arrays.toString(want));
                }
                INDArray values = readNpy(path, entries, entryOf.get(name), name);
                if (!java.util.Arrays.equals(values.shape(), want)) {
                    throw new ModelFileException(path + ": tensor " + name + " has shape "
                            + java.util.Arrays.toString(values.shape()) + ", the architecture needs "
                            + java.util.Arrays.toString(want));
                }
                net.parameters()
                        .get(NDArrayIndex.interval(t.offset(), t.offset() + t.length()))
                        .assign(values.castTo(DataType.DOUBLE).dup('c').reshape(t.length()));
            }
            nets.add(net);
        }
        double[] sqrtTimes = new double[times.length];
        for (int k = 0; k < times.length; k++) {
            JsonNode b = blocksNode.get(k);
            sqrtTimes[k] = b.hasNonNull("sqrtEndTime") ? r.number(b, "sqrtEndTime") : Math.sqrt(times[k]);
        }
        JsonNode sv = r.object(root, "solver");
        SolverConfig solver;
        TraceEstimator estimator;
        ContinuousNormalizingFlow flow;
        try {
            solver = solverConfig(r, sv);
            estimator = TraceEstimator.byName(r.text(root, "traceEstimator"));
            flow = new ContinuousNormalizingFlow(
                    nets,
                    times,
                    root.path("trainEndTime").asBoolean(true),
                    solver,
                    estimator,
                    root.path("seed").asLong(0),
                    learnsUnconditional);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(path + ": " + e.getMessage(), e);
        }
        for (int k = 0; k < times.length; k++) {
            flow.parameters().putScalar(flow.endTimeIndex(k), sqrtTimes[k]);
        }
        if (root.hasNonNull("base")) {
            flow.setBase(base(path, entries, r, r.object(root, "base"), dim, contextDim));
        }
        ModelMetadata meta = metadata(path, root, dim, contextDim).withProvenance(provenance(path, entries));
        Checkpoint checkpoint = null;
        if (root.hasNonNull("checkpoint")) {
            JsonNode cp = root.get("checkpoint");
            INDArray params = readNpy(path, entries, r.text(cp, "parameters"), "checkpoint parameters");
            INDArray opt = readNpy(path, entries, r.text(cp, "optimizerState"), "checkpoint optimizer state");
            if (params.length() != flow.parameterCount() || opt.length() != 2 * flow.parameterCount()) {
                throw new ModelFileException(path + ": the checkpoint holds " + params.length() + " parameters and "
                        + opt.length() + " optimizer values; the model needs " + flow.parameterCount() + " and "
                        + 2 * flow.parameterCount());
            }
            byte[] trainer = entries.get(r.text(cp, "trainerState"));
            if (trainer == null) {
                throw new ModelFileException(path + ": checkpoint entry " + r.text(cp, "trainerState") + " is missing");
            }
            checkpoint = new Checkpoint(
                    params.castTo(DataType.DOUBLE).dup('c').reshape(params.length()),
                    opt.castTo(DataType.DOUBLE).dup('c').reshape(opt.length()),
                    r.integer(cp, "iteration"),
                    new String(trainer, StandardCharsets.UTF_8));
        }
        return new LoadedModel(flow, meta, checkpoint);
    }

    /**
     * The base mixture of {@code model.json}'s "base" field: log-weights [K], means [K, dim] and
     * lower Cholesky factors [K, dim, dim] in three {@code .npy} entries, checked as the mixture's
     * constructor checks them.
     */
    private static GaussianMixtureBase base(
            String path, Map<String, byte[]> entries, Reader r, JsonNode bn, int dim, int contextDim) {
        if (!MIXTURE_BASE.equals(r.text(bn, "kind"))) {
            throw new ModelFileException(path + ": base: kind '"
                    + bn.path("kind").asText() + "' is not known; " + MIXTURE_BASE + " is read");
        }
        if (contextDim > 0) {
            throw new ModelFileException(path + ": base: a conditional model's base is N(0, I); it takes no mixture");
        }
        int k = r.integer(bn, "components");
        if (k < 1 || k > MAX_BASE_COMPONENTS) {
            throw new ModelFileException(
                    path + ": base: " + k + " components; 1.." + MAX_BASE_COMPONENTS + " are read");
        }
        INDArray w = readNpy(path, entries, r.text(bn, "logWeights"), "base log-weights");
        INDArray mu = readNpy(path, entries, r.text(bn, "means"), "base means");
        INDArray l = readNpy(path, entries, r.text(bn, "lowerFactors"), "base factors");
        if (!java.util.Arrays.equals(w.shape(), new long[] {k})
                || !java.util.Arrays.equals(mu.shape(), new long[] {k, dim})
                || !java.util.Arrays.equals(l.shape(), new long[] {k, dim, dim})) {
            throw new ModelFileException(path + ": base: shapes " + java.util.Arrays.toString(w.shape()) + ", "
                    + java.util.Arrays.toString(mu.shape()) + " and " + java.util.Arrays.toString(l.shape()) + "; "
                    + k + " components of " + dim + " dimensions need [" + k + "], [" + k + ", " + dim + "] and [" + k
                    + ", " + dim + ", " + dim + "]");
        }
        double[] weights = w.castTo(DataType.DOUBLE).toDoubleVector();
        double[][] means = mu.castTo(DataType.DOUBLE).toDoubleMatrix();
        double[] flat =
                l.castTo(DataType.DOUBLE).dup('c').reshape((long) k * dim * dim).toDoubleVector();
        double[][][] lower = new double[k][dim][dim];
        for (int c = 0; c < k; c++) {
            for (int i = 0; i < dim; i++) {
                System.arraycopy(flat, (c * dim + i) * dim, lower[c][i], 0, dim);
            }
        }
        try {
            return new GaussianMixtureBase(weights, means, lower);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(path + ": base: " + e.getMessage(), e);
        }
    }

    /**
     * The solver settings of {@code model.json}'s "solver" object.
     *
     * @throws IllegalArgumentException for an unknown method or settings the solver refuses
     */
    private static SolverConfig solverConfig(Reader r, JsonNode sv) {
        return new SolverConfig(
                RungeKuttaMethod.byName(r.text(sv, "method")),
                r.number(sv, "rtol"),
                r.number(sv, "atol"),
                r.integer(sv, "steps"),
                r.integer(sv, "maxSteps"),
                sv.hasNonNull("maxEvaluations") ? r.integer(sv, "maxEvaluations") : 0);
    }

    /** The {@link #PROVENANCE_JSON} entry, or null when the file has none (written before it existed). */
    private static Provenance provenance(String path, Map<String, byte[]> entries) {
        byte[] json = entries.get(PROVENANCE_JSON);
        if (json == null) {
            return null;
        }
        try {
            Provenance p = JSON.readValue(json, Provenance.class);
            if (p == null || p.software() == null || p.created() == null || p.command() == null) {
                throw new ModelFileException(
                        path + ": " + PROVENANCE_JSON + " lacks its software, creation time or " + "command");
            }
            return p;
        } catch (IOException e) {
            throw new ModelFileException(
                    path + ": " + PROVENANCE_JSON + " is not a provenance record ("
                            + e.getMessage().lines().findFirst().orElse("") + ")",
                    e);
        }
    }

    /**
     * A SHA-256 digest of the model: every entry of the file but {@link #PROVENANCE_JSON}, by name
     * in order (each name, its length and its bytes), so two runs of the same command on the same
     * data give the same digest on any machine, whenever they ran.
     *
     * @throws ModelFileException for a file that is not a readable model zip
     */
    public static String modelDigest(Path path) {
        Map<String, byte[]> entries = readZip(path);
        java.security.MessageDigest sha;
        try {
            sha = java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        for (String name : new java.util.TreeSet<>(entries.keySet())) {
            if (name.equals(PROVENANCE_JSON)) {
                continue;
            }
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            byte[] data = entries.get(name);
            sha.update(java.nio.ByteBuffer.allocate(16)
                    .putLong(n.length)
                    .putLong(data.length)
                    .array());
            sha.update(n);
            sha.update(data);
        }
        return "sha256:" + java.util.HexFormat.of().formatHex(sha.digest());
    }

    /** The metadata of model.json: standardiser, columns, context, training summary, reflow record. */
    private static ModelMetadata metadata(String path, JsonNode root, int dim, int contextDim) {
        Reader r = new Reader(path, root);
        JsonNode st = r.object(root, "standardizer");
        double[] mean = r.doubles(st, "mean", dim + contextDim);
        double[] std = r.doubles(st, "std", dim + contextDim);
        Standardizer standardizer;
        try {
            standardizer = new Standardizer(mean, std);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(path + ": standardizer: " + e.getMessage(), e);
        }
        JsonNode data = root.path("data");
        List<String> columns = new ArrayList<>();
        data.path("columns").forEach(c -> columns.add(c.asText()));
        if (!columns.isEmpty() && columns.size() != dim) {
            // names that do not match the dimension would pair the wrong input columns by name
            throw new ModelFileException(path + ": model.json names " + columns.size() + " columns " + columns
                    + " for a " + dim + "-dimensional model");
        }
        if (new java.util.HashSet<>(columns).size() != columns.size()) {
            throw new ModelFileException(path + ": model.json names a column twice: " + columns);
        }
        if (columns.size() != dim) {
            columns.clear();
            for (int i = 0; i < dim; i++) {
                columns.add("x" + i);
            }
        }
        TrainingSummary training = null;
        if (root.hasNonNull("training")) {
            try {
                training = JSON.treeToValue(root.get("training"), TrainingSummary.class);
            } catch (IOException e) {
                throw new ModelFileException(path + ": the training summary is malformed (" + e.getMessage() + ")", e);
            }
        }
        List<org.cnf4j.data.ContextColumn> context = new ArrayList<>();
        for (JsonNode cn : data.path("context")) {
            List<String> levels = new ArrayList<>();
            cn.path("levels").forEach(l -> levels.add(l.asText()));
            List<Long> counts = new ArrayList<>();
            cn.path("counts").forEach(l -> counts.add(l.asLong()));
            try {
                context.add(new org.cnf4j.data.ContextColumn(r.text(cn, "name"), levels, counts));
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(path + ": " + e.getMessage(), e);
            }
        }
        if (org.cnf4j.data.ConditionalTable.contextDim(context) != contextDim) {
            throw new ModelFileException(path + ": the model takes " + contextDim + " context values, its context "
                    + "columns give " + org.cnf4j.data.ConditionalTable.contextDim(context));
        }
        ReflowInfo reflow = null;
        if (root.hasNonNull("reflow")) {
            JsonNode rf = r.object(root, "reflow");
            try {
                reflow = new ReflowInfo(
                        r.text(rf, "source"),
                        r.text(rf, "sourceDigest"),
                        r.integer(rf, "rounds"),
                        r.integer(rf, "pairs"),
                        RungeKuttaMethod.byName(r.text(rf, "method")),
                        r.integer(rf, "steps"),
                        r.number(rf, "maxDeviation"));
                // the recommended sampler is bounded like any solver a file asks for
                SolverConfig.fixed(reflow.method(), reflow.steps());
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(path + ": reflow: " + e.getMessage(), e);
            }
        }
        ImageLayout image = null;
        if (root.hasNonNull("image")) {
            JsonNode im = r.object(root, "image");
            try {
                image = new ImageLayout(
                        r.integer(im, "height"), r.integer(im, "width"), r.number(im, "black"), r.number(im, "white"));
            } catch (IllegalArgumentException e) {
                throw new ModelFileException(path + ": image: " + e.getMessage(), e);
            }
            if (image.pixels() != dim) {
                throw new ModelFileException(path + ": image: " + image.height() + "x" + image.width()
                        + " pixels for a " + dim + "-dimensional model");
            }
        }
        ModelMetadata meta = new ModelMetadata(
                standardizer,
                data.path("dequantized").asBoolean(false),
                data.path("description").asText("unknown"),
                columns,
                training,
                context,
                reflow,
                image);
        return meta;
    }

    private static Map<String, byte[]> readZip(Path path) {
        Map<String, byte[]> entries;
        try (InputStream in = Files.newInputStream(path)) {
            entries = BoundedZip.read(in);
        } catch (NoSuchFileException e) {
            throw new ModelFileException(path + ": no such file");
        } catch (IOException e) {
            throw new ModelFileException(path + ": not a readable model zip (" + e.getMessage() + ")", e);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(path + ": refused: " + e.getMessage(), e);
        }
        if (entries.isEmpty()) {
            throw new ModelFileException(path + ": not a model file (empty or not a zip)");
        }
        return entries;
    }

    private static INDArray readNpy(String path, Map<String, byte[]> entries, String entry, String what) {
        byte[] bytes = entries.get(entry);
        if (bytes == null) {
            throw new ModelFileException(path + ": entry " + entry + " (" + what + ") is missing");
        }
        INDArray values;
        try {
            values = NpyArray.read(bytes);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException(
                    path + ": entry " + entry + " (" + what + ") is refused: " + e.getMessage(), e);
        }
        if (values.length() > 0
                && !Double.isFinite(values.castTo(DataType.DOUBLE).sumNumber().doubleValue())) {
            throw new ModelFileException(path + ": entry " + entry + " (" + what + ") holds NaN or infinite values");
        }
        return values;
    }

    /** Field access with messages naming the file and the field. */
    private static final class Reader {
        private final String path;

        Reader(String path, JsonNode root) {
            this.path = path;
        }

        JsonNode field(JsonNode n, String name) {
            JsonNode v = n.get(name);
            if (v == null || v.isNull()) {
                throw new ModelFileException(path + ": " + MODEL_JSON + " lacks the field '" + name + "'");
            }
            return v;
        }

        String text(JsonNode n, String name) {
            JsonNode v = field(n, name);
            if (!v.isTextual()) {
                throw new ModelFileException(path + ": field '" + name + "' must be a string, is " + v);
            }
            return v.asText();
        }

        int integer(JsonNode n, String name) {
            JsonNode v = field(n, name);
            if (!v.canConvertToInt()) {
                throw new ModelFileException(path + ": field '" + name + "' must be an integer, is " + v);
            }
            return v.asInt();
        }

        double number(JsonNode n, String name) {
            JsonNode v = field(n, name);
            if (!v.isNumber()) {
                throw new ModelFileException(path + ": field '" + name + "' must be a number, is " + v);
            }
            return v.asDouble();
        }

        JsonNode array(JsonNode n, String name) {
            JsonNode v = field(n, name);
            if (!v.isArray()) {
                throw new ModelFileException(path + ": field '" + name + "' must be an array");
            }
            return v;
        }

        JsonNode object(JsonNode n, String name) {
            JsonNode v = field(n, name);
            if (!v.isObject()) {
                throw new ModelFileException(path + ": field '" + name + "' must be an object");
            }
            return v;
        }

        double[] doubles(JsonNode n, String name, int length) {
            JsonNode a = array(n, name);
            if (a.size() != length) {
                throw new ModelFileException(path + ": field '" + name + "' has " + a.size() + " values, the model has "
                        + length + " dimensions");
            }
            double[] out = new double[length];
            for (int i = 0; i < length; i++) {
                out[i] = a.get(i).asDouble();
            }
            return out;
        }
    }
}
