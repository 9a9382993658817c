package org.cnf4j.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code cnf demo}: trains a toy set with FFJORD's settings and writes the HTML report. */
@Command(name = "demo", mixinStandardHelpOptions = true, versionProvider = CnfCommand.Version.class,
        description = "Trains FFJORD's toy model (2-64-64-64-2 concatsquash, tanh, dopri5 at 1e-5, adjoint) on a "
                + "built-in data set in about two minutes on 2 cores and writes the model and the HTML report.")
public final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    @Option(names = "--out", defaultValue = "cnf-demo", description = "Folder for the model and the report (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--data", defaultValue = "8gaussians", description = "Toy data set (default: ${DEFAULT-VALUE}).")
    String data;

    @Option(names = "--iterations", defaultValue = "2000", description = "Training iterations (default: ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--seed", defaultValue = "0", description = "Run seed (default: ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        List<String> args = new ArrayList<>(List.of("--data", data, "--out", out.resolve("model.zip").toString(),
                "--report", out.toString(), "--iterations", Integer.toString(iterations), "--validation-interval", "200",
                "--seed", Long.toString(seed)));
        if (common.quiet) {
            args.add("--quiet");
        }
        if (common.verbose) {
            args.add("--verbose");
        }
        CommandLine train = CnfCommand.configure(new CommandLine(new TrainCommand()), spec.commandLine().getOut(),
                spec.commandLine().getErr());
        return train.execute(args.toArray(new String[0]));
    }
}
