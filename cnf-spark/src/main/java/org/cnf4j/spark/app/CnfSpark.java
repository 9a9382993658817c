package org.cnf4j.spark.app;

import java.io.PrintWriter;
import org.apache.spark.sql.AnalysisException;
import org.cnf4j.data.DataException;
import org.cnf4j.io.ModelFileException;
import org.cnf4j.ode.OdeSolveException;
import org.cnf4j.train.TrainingException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParseResult;

/**
 * The {@code cnf-spark} application, run by {@code spark-submit}: {@code train} (data-parallel
 * flow matching), {@code density} and {@code sample} on data of any size, reading and writing Parquet or CSV on any Hadoop file
 * system (local, HDFS, S3). Exit codes and messages as {@code cnf}: 0 success, 1 a runtime error
 * (one line "cnf-spark COMMAND: error: ..." on stderr, naming the problem, however deep in a
 * Spark task it arose), 2 a usage error.
 */
@Command(
        name = "cnf-spark",
        mixinStandardHelpOptions = true,
        versionProvider = CnfSpark.Version.class,
        description = "Continuous normalizing flows on Apache Spark: scoring and sampling beyond one machine.",
        subcommands = {
            SparkTrainCommand.class,
            SparkDensityCommand.class,
            SparkSampleCommand.class,
            SparkBenchCommand.class,
            CommandLine.HelpCommand.class
        })
public final class CnfSpark implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The command line with cnf's error handling, writing to the given streams. */
    static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cl = new CommandLine(new CnfSpark());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(CnfSpark::handle);
        cl.setParameterExceptionHandler(org.cnf4j.cli.CommandMessages::usageError);
        return org.cnf4j.cli.OptionChecks.install(cl);
    }

    /** The documented error behind a Spark failure: the first cnf4j or argument error in the cause chain. */
    static Throwable cause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DataException
                    || t instanceof ModelFileException
                    || t instanceof OdeSolveException
                    || t instanceof TrainingException
                    || t instanceof IllegalArgumentException
                    || t instanceof AnalysisException
                    || t instanceof java.io.IOException) {
                return t;
            }
        }
        return null;
    }

    /**
     * The cause of an unexpected failure in words: the deepest exception of the chain, or, for a
     * job aborted by a failing task, the task's exception as Spark reports it ("Lost task ...:
     * java.lang.ClassCastException: ..."), first line only.
     */
    static String rootCause(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = String.valueOf(root.getMessage());
        java.util.regex.Matcher lost = java.util.regex.Pattern.compile("Lost task [^\\n]*?\\): ([^\\n]+)")
                .matcher(text);
        if (lost.find()) {
            return lost.group(1).trim();
        }
        String first = text.lines().findFirst().orElse("");
        return root.getClass().getName() + (first.isEmpty() ? "" : ": " + first);
    }

    private static int handle(Exception e, CommandLine cl, ParseResult parsed) {
        PrintWriter err = cl.getErr();
        Throwable known = cause(e);
        String message;
        if (known instanceof AnalysisException a) {
            message = a.getSimpleMessage();
        } else if (known instanceof java.io.IOException) {
            message = "I/O error: " + known.getMessage();
        } else if (known != null) {
            message = known.getMessage();
        } else {
            message = "internal error: " + rootCause(e);
        }
        err.println(cl.getCommandSpec().qualifiedName() + ": error: " + message);
        err.flush();
        return 1;
    }

    /** Entry point for {@code spark-submit --class org.cnf4j.spark.app.CnfSpark cnf-spark.jar ...}. */
    public static void main(String[] args) {
        int code = commandLine(new PrintWriter(System.out, true), new PrintWriter(System.err, true))
                .execute(args);
        System.exit(code);
    }

    /** The version of {@code cnf-spark}: the toolkit's. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            return new String[] {org.cnf4j.cli.CommandMessages.versionLine("cnf-spark")};
        }
    }
}
