package org.cnf4j.cli;

import picocli.CommandLine.Option;

/** Options every command takes: how much to say. */
public final class CommonOptions {

    @Option(names = "--verbose", description = "On failure, print the stack trace as well.")
    boolean verbose;

    @Option(
            names = {"-q", "--quiet"},
            description = "No progress output.")
    boolean quiet;
}
