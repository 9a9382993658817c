package org.cnf4j.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.cnf4j.data.DataException;
import org.cnf4j.io.ModelFileException;
import org.cnf4j.linalg.ComputeThreads;
import org.cnf4j.linalg.NativeThreads;
import org.cnf4j.ode.OdeSolveException;
import org.cnf4j.train.TrainingException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.Spec;

/**
 * The root {@code cnf} command: continuous normalizing flows from the command line. Exit codes:
 * 0 success, 1 a runtime error (bad data, a broken model file, a diverging solve: one message on
 * stderr, the stack trace only with {@code --verbose}), 2 a usage error.
 */
@Command(
        name = "cnf",
        mixinStandardHelpOptions = true,
        versionProvider = CnfCommand.Version.class,
        description = "Continuous normalizing flows (neural ODE density estimation) on the JVM.",
        subcommands = {
            TrainCommand.class,
            DensityCommand.class,
            SampleCommand.class,
            GridCommand.class,
            ReportCommand.class,
            InfoCommand.class,
            ClassifyCommand.class,
            ImportFfjordCommand.class,
            DemoCommand.class,
            BenchCommand.class,
            BaselinesCommand.class,
            ReflowCommand.class,
            CompareSamplesCommand.class,
            picocli.AutoComplete.GenerateCompletion.class,
            CommandLine.HelpCommand.class
        })
public final class CnfCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--threads",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Native threads for ND4J and OpenBLAS (default 1: fastest on these small arrays).")
    void threads(int n) {
        if (n < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--threads must be at least 1");
        }
        NativeThreads.set(n);
    }

    @Option(
            names = "--workers",
            scope = CommandLine.ScopeType.INHERIT,
            description = "Java threads sharing large network evaluations (default: the number of cores; results "
                    + "are the same for any count).")
    void workers(int n) {
        if (n < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--workers must be at least 1");
        }
        ComputeThreads.setWorkers(n);
    }

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        spec.commandLine().usage(out);
    }

    /** Builds the command line with the toolkit's settings, writing to stdout and stderr. */
    public static CommandLine commandLine() {
        return configure(
                new CommandLine(new CnfCommand()),
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true));
    }

    /** Applies the toolkit's writers and error handling to a command line. */
    static CommandLine configure(CommandLine cl, PrintWriter out, PrintWriter err) {
        CommandLine train = cl.getCommandSpec().userObject() instanceof TrainCommand
                ? cl
                : cl.getSubcommands().get("train");
        if (train != null) {
            GroupedOptionList.install(train, GroupedOptionList.TRAIN);
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(CnfCommand::handle);
        cl.setParameterExceptionHandler(CommandMessages::usageError);
        return OptionChecks.install(cl);
    }

    /** Runtime errors: one line {@code "cnf <command>: error: <message>"}, exit code 1. */
    private static int handle(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        boolean verbose = verbose(parsed);
        String name = cl.getCommandSpec().qualifiedName();
        String message;
        if (e instanceof DataException
                || e instanceof ModelFileException
                || e instanceof OdeSolveException
                || e instanceof TrainingException
                || e instanceof IllegalArgumentException
                || e instanceof IllegalStateException) {
            message = e.getMessage();
        } else if (e instanceof IOException || e instanceof UncheckedIOException) {
            message = "I/O error: " + e.getMessage();
        } else {
            message = "internal error (" + e.getClass().getSimpleName() + "): " + e.getMessage()
                    + (verbose ? "" : " (run with --verbose for the stack trace)");
        }
        err.println(name + ": error: " + message);
        if (verbose) {
            e.printStackTrace(err);
        }
        err.flush();
        return 1;
    }

    private static boolean verbose(ParseResult parsed) {
        for (ParseResult p = parsed; p != null; p = p.subcommand()) {
            if (p.hasMatchedOption("--verbose")) {
                return true;
            }
        }
        return false;
    }

    /** Entry point of {@code java -jar cnf.jar}. */
    public static void main(String[] args) {
        if (computes(args)) {
            // ND4J's native library takes a second or two to load: only for commands that compute
            NativeThreads.ensureConfigured();
        }
        System.exit(commandLine().execute(args));
    }

    /** False for a command line that only prints help or the version (no native library needed). */
    static boolean computes(String[] args) {
        if (args.length == 0 || args[0].equals("help") || args[0].equals("info")) {
            // info reads model.json alone (ModelFile.describe)
            return false;
        }
        for (String a : args) {
            if (a.equals("--help") || a.equals("-h") || a.equals("--version") || a.equals("-V")) {
                return false;
            }
        }
        return true;
    }

    /** {@link CommandMessages#versionLine} of {@code cnf}, or "cnf (version unknown)" when its properties cannot be read. */
    static String cnfVersion() {
        try {
            return CommandMessages.versionLine("cnf");
        } catch (IOException e) {
            return "cnf (version unknown)";
        }
    }

    /** The version of {@code cnf}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            return new String[] {CommandMessages.versionLine("cnf")};
        }
    }
}
