package org.cnf4j.cli;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.cnf4j.flow.ContinuousNormalizingFlow;
import org.cnf4j.flow.SolverConfig;
import org.cnf4j.io.FfjordImporter;
import org.cnf4j.io.ModelFile;
import org.cnf4j.io.ModelMetadata;
import org.cnf4j.nn.Activation;
import org.cnf4j.ode.RungeKuttaMethod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cnf import-ffjord}: converts an FFJORD (PyTorch) state dict saved with numpy into a model file. */
@Command(
        name = "import-ffjord",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        sortOptions = false,
        description = {
            "Converts a model trained with FFJORD into a cnf4j model file.",
            "Export its weights in Python with",
            "  np.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})",
            "Supported: ConcatSquashLinear, ConcatLinear or IgnoreLinear ODE nets (one kind per block), any number "
                    + "of blocks; batch-norm layers are refused."
        })
public final class ImportFfjordCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--state-dict", required = true, description = "The .npz file.")
    Path stateDict;

    @Option(
            names = "--activation",
            required = true,
            converter = Converters.ActivationConverter.class,
            description = "FFJORD's --nonlinearity: tanh, softplus, elu or swish.")
    Activation activation;

    @Option(names = "--out", required = true, description = "Model file to write.")
    Path out;

    @Option(
            names = "--time",
            defaultValue = "0.5",
            description = "T for blocks without sqrt_end_time (default: ${DEFAULT-VALUE}).")
    double time;

    @Option(
            names = "--solver",
            defaultValue = "dopri5",
            converter = Converters.SolverConverter.class,
            description = "Solver for the imported model (default: ${DEFAULT-VALUE}).")
    RungeKuttaMethod solver;

    @Option(names = "--rtol", defaultValue = "1e-5", description = "Relative tolerance (default: ${DEFAULT-VALUE}).")
    double rtol;

    @Option(names = "--atol", defaultValue = "1e-5", description = "Absolute tolerance (default: ${DEFAULT-VALUE}).")
    double atol;

    @Override
    public Integer call() {
        OutputPaths.check("--out", out, stateDict);
        SolverConfig sc =
                solver.isAdaptive() ? new SolverConfig(solver, rtol, atol, 0, 10_000) : SolverConfig.fixed(solver, 100);
        ContinuousNormalizingFlow flow = FfjordImporter.read(stateDict, activation, sc, time);
        ModelMetadata none = ModelMetadata.none(flow.dim());
        ModelFile.save(
                out,
                flow,
                new ModelMetadata(
                                none.standardizer(),
                                false,
                                "imported from FFJORD state dict " + stateDict.getFileName(),
                                none.columns(),
                                null)
                        .withProvenance(org.cnf4j.io.Provenance.of(
                                "cnf "
                                        + String.join(
                                                " ",
                                                spec.commandLine()
                                                        .getParseResult()
                                                        .originalArgs()),
                                null,
                                0)));
        spec.commandLine()
                .getOut()
                .printf(
                        "imported %d block(s) of %s (%d parameters) into %s%n",
                        flow.blockCount(), flow.block(0).describe(), flow.parameterCount(), out);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
