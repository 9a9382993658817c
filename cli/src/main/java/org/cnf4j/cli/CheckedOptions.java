package org.cnf4j.cli;

import picocli.CommandLine.Model.CommandSpec;

/**
 * Options (a command or a mixin) whose values are checked together before the command runs:
 * {@link OptionChecks} calls {@link #check} on every one of a parsed command, so a bad value is a
 * usage error (exit code 2) before any file is read or written.
 */
public interface CheckedOptions {

    /**
     * Checks the values.
     *
     * @throws picocli.CommandLine.ParameterException naming the option and the value
     */
    void check(CommandSpec spec);
}
