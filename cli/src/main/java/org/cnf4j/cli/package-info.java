/**
 * The {@code cnf} command (picocli): one class per subcommand ({@code train}, {@code density},
 * {@code sample}, {@code grid}, {@code report}, {@code info}, {@code classify}, {@code reflow},
 * {@code compare-samples}, {@code baselines}, {@code bench}, {@code demo}, {@code import-ffjord}),
 * the option mixins they share, the checks that turn bad input into one message and exit code
 * 2 (usage) or 1 (data), progress displays and the outputs that go through a temporary file.
 */
package org.cnf4j.cli;
