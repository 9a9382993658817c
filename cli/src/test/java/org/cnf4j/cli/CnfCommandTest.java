package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class CnfCommandTest {

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = CnfCommand.commandLine();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString(), err.toString()};
    }

    @Test
    void versionNamesTheToolAndItsVersion() {
        String[] r = run("--version");
        assertEquals("0", r[0]);
        // a released version number, not a snapshot
        assertTrue(r[1].matches("(?s)cnf \\d+\\.\\d+\\.\\d+ \\(cnf4j, ND4J .*"), r[1]);
    }

    @Test
    void helpListsUsage() {
        String[] r = run("--help");
        assertEquals("0", r[0]);
        assertTrue(r[1].contains("Usage: cnf"), r[1]);
    }

    @Test
    void unknownOptionIsAUsageError() {
        String[] r = run("--bogus");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("Unknown option: '--bogus'"), r[2]);
    }
}
