package org.cnf4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.Properties;
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
        cl.setParameterExceptionHandler(CnfCommand::usageError);
        return OptionChecks.install(cl);
    }

    /**
     * Usage errors: the message, picocli's "did you mean" suggestions where it has some, and a
     * pointer to the command's help (not the whole help, which would push the message off screen);
     * exit code 2.
     */
    public static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine cl = e.getCommandLine();
        PrintWriter err = cl.getErr();
        String name = cl.getCommandSpec().qualifiedName();
        err.println(name + ": " + e.getMessage());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("see '" + name + " --help'");
        err.flush();
        return cl.getCommandSpec().exitCodeOnInvalidInput();
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

    /**
     * The version line of a program of this toolkit, e.g. {@code cnf 0.3.0 (cnf4j, ND4J 1.0.0-M2.1,
     * Java 17.0.15)}, from the version Maven wrote into {@code cnf-version.properties}.
     */
    public static String versionLine(String program) throws IOException {
        Properties p = new Properties();
        try (InputStream in = CnfCommand.class.getResourceAsStream("/cnf-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return program + " " + p.getProperty("version", "unknown") + " (cnf4j, ND4J " + p.getProperty("nd4j", "unknown")
                + ", Java " + System.getProperty("java.version") + ")";
    }

    /** {@link #versionLine} of {@code cnf}, or "cnf (version unknown)" when its properties cannot be read. */
    static String cnfVersion() {
        try {
            return versionLine("cnf");
        } catch (IOException e) {
            return "cnf (version unknown)";
        }
    }

    /** The version of {@code cnf}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            return new String[] {versionLine("cnf")};
        }
    }
}
