package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The reference part of docs/cli.md is every command's {@code --help}, as picocli prints it, so
 * the page cannot drift from the options. When an option changes, regenerate it with
 * {@code mvn -q -o test -pl cli -Dtest=CliReferenceTest -Dcnf.writeDocs=true} (from the
 * repository root) and commit the page.
 */
class CliReferenceTest {

    static final String START =
            "<!-- cli-reference:start (generated from the commands' --help by CliReferenceTest) -->";
    static final String END = "<!-- cli-reference:end -->";

    /** The reference section: the root command's help, then each command's. */
    static String reference() {
        CommandLine root = CnfCommand.configure(
                new CommandLine(new CnfCommand()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()),
                new java.io.PrintWriter(java.io.Writer.nullWriter()));
        StringBuilder sb = new StringBuilder();
        sb.append("## Reference\n\n```\n").append(usage(root)).append("```\n");
        for (Map.Entry<String, CommandLine> e : root.getSubcommands().entrySet()) {
            if (e.getKey().equals("help")) {
                continue;
            }
            sb.append("\n### cnf ")
                    .append(e.getKey())
                    .append("\n\n```\n")
                    .append(usage(e.getValue()))
                    .append("```\n");
        }
        return sb.toString();
    }

    private static String usage(CommandLine cl) {
        cl.setUsageHelpWidth(100);
        cl.setUsageHelpAutoWidth(false);
        String text = cl.getUsageMessage(CommandLine.Help.Ansi.OFF);
        return text.lines().map(String::stripTrailing).reduce("", (a, b) -> a + b + "\n");
    }

    @Test
    void docsCliMdHoldsEveryCommandsHelp() throws Exception {
        Path page = Path.of("..", "docs", "cli.md");
        String text = Files.readString(page);
        int start = text.indexOf(START);
        int end = text.indexOf(END);
        assertTrue(start >= 0 && end > start, "docs/cli.md must hold the markers " + START + " and " + END);
        String generated = START + "\n" + reference() + END;
        String current = text.substring(start, end + END.length());
        if (Boolean.getBoolean("cnf.writeDocs")) {
            Files.writeString(page, text.substring(0, start) + generated + text.substring(end + END.length()));
            return;
        }
        assertEquals(
                generated,
                current,
                "docs/cli.md differs from the commands' --help; regenerate it with "
                        + "mvn -q -o test -pl cli -Dtest=CliReferenceTest -Dcnf.writeDocs=true");
    }

    @Test
    void everyCommandsSummaryLineIsWhole() {
        // the root's list of commands shows the first line of each description
        for (Map.Entry<String, CommandLine> e :
                new CommandLine(new CnfCommand()).getSubcommands().entrySet()) {
            String[] description = e.getValue().getCommandSpec().usageMessage().description();
            String first = description.length == 0 ? "" : description[0].strip();
            assertTrue(first.endsWith(".") || first.endsWith(")"), e.getKey() + ": '" + first + "'");
        }
    }
}
