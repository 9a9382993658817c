package org.cnf4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.util.Properties;
import picocli.CommandLine;

/**
 * What every command of the toolkit ({@code cnf}, {@code cnf-spark}) says the same way: usage
 * errors and the version line. Apart from {@link CnfCommand}, so that {@code cnf-spark} uses them
 * without loading {@code cnf}'s commands.
 */
public final class CommandMessages {

    private CommandMessages() {}

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

    /**
     * The version line of a program of this toolkit, e.g. {@code cnf 0.3.0 (cnf4j, ND4J 1.0.0-M2.1,
     * Java 17.0.15)}, from the version Maven wrote into {@code cnf-version.properties}.
     */
    public static String versionLine(String program) throws IOException {
        Properties p = new Properties();
        try (InputStream in = CommandMessages.class.getResourceAsStream("/cnf-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        }
        return program + " " + p.getProperty("version", "unknown") + " (cnf4j, ND4J " + p.getProperty("nd4j", "unknown")
                + ", Java " + System.getProperty("java.version") + ")";
    }
}
