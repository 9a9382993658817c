package org.cnf4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The root {@code cnf} command: continuous normalizing flows from the command line. */
@Command(name = "cnf", mixinStandardHelpOptions = true, versionProvider = CnfCommand.Version.class,
        description = "Continuous normalizing flows (neural ODE density estimation) on the JVM.",
        subcommands = {CommandLine.HelpCommand.class})
public final class CnfCommand implements Runnable {

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        spec.commandLine().usage(out);
    }

    /** Builds the command line with the toolkit's settings. */
    public static CommandLine commandLine() {
        return new CommandLine(new CnfCommand());
    }

    /** Entry point of {@code java -jar cnf.jar}. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** Reads the version Maven wrote into {@code cnf-version.properties}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = CnfCommand.class.getResourceAsStream("/cnf-version.properties")) {
                if (in != null) {
                    p.load(in);
                }
            }
            return new String[] {"cnf " + p.getProperty("version", "unknown") + " (cnf4j, ND4J "
                    + p.getProperty("nd4j", "unknown") + ", Java " + System.getProperty("java.version") + ")"};
        }
    }
}
