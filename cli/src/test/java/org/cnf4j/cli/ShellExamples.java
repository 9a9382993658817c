package org.cnf4j.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The shell command lines of a Markdown page: every line of a fenced block without a language
 * (or marked {@code sh}/{@code bash}) that runs {@code cli/cnf}, split at {@code &&} and {@code ;}.
 */
final class ShellExamples {

    /** One example: the page, its 1-based line, and the command as written. */
    record Example(Path page, int line, String command) {
        @Override
        public String toString() {
            return page.getFileName() + ":" + line + ": " + command;
        }
    }

    private ShellExamples() {}

    static List<Example> of(Path page) throws IOException {
        List<Example> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(page);
        boolean shell = false;
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("```")) {
                if (!fenced) {
                    String lang = l.substring(3).trim();
                    shell = lang.isEmpty() || lang.equals("sh") || lang.equals("bash");
                }
                fenced = !fenced;
                continue;
            }
            if (!fenced || !shell) {
                continue;
            }
            for (String part : l.split("&&|;")) {
                String c = part.trim();
                if (c.startsWith("cli/cnf ") || c.equals("cli/cnf")) {
                    out.add(new Example(page, i + 1, c));
                }
            }
        }
        return out;
    }

    /**
     * The words of a command up to its first pipe or redirection, with single and double quotes
     * removed ({@code cli/cnf} dropped).
     */
    static List<String> arguments(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder w = new StringBuilder();
        char quote = 0;
        boolean any = false;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    w.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || w.length() > 0) {
                    words.add(w.toString());
                }
                w.setLength(0);
                any = false;
            } else {
                w.append(c);
            }
        }
        if (any || w.length() > 0) {
            words.add(w.toString());
        }
        List<String> args = new ArrayList<>();
        for (String word : words.subList(1, words.size())) {
            if (word.equals("|") || word.equals(">") || word.equals("2>") || word.equals(">>")) {
                break;
            }
            args.add(word);
        }
        return args;
    }

    /**
     * A folder laid out like the repository for running examples as written: {@code cli/data} are
     * the example data sets and {@code cli/cnf} a launcher over this build's classes (the jar is
     * made after the tests).
     */
    static void layOut(java.nio.file.Path dir) throws IOException {
        java.nio.file.Path cli = Files.createDirectories(dir.resolve("cli"));
        Files.createSymbolicLink(
                cli.resolve("data"), java.nio.file.Path.of("data").toAbsolutePath());
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        java.nio.file.Path launcher = cli.resolve("cnf");
        Files.writeString(
                launcher,
                "#!/usr/bin/env sh\nexec '" + java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java")
                        + "' --add-modules jdk.incubator.vector -Xmx2g -Xmn32m -cp '" + classpath
                        + "' org.cnf4j.cli.CnfCommand \"$@\"\n");
        if (!launcher.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + launcher + " executable");
        }
    }

    /**
     * Runs one example with bash ({@code pipefail}) in {@code dir}; returns its output (standard
     * output and error together).
     *
     * @throws AssertionError when it runs past 10 minutes or exits non-zero
     */
    static String run(Example e, java.nio.file.Path dir) throws IOException, InterruptedException {
        java.nio.file.Path log = dir.resolve("command.log");
        Process p = new ProcessBuilder("bash", "-o", "pipefail", "-c", e.command())
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done = p.waitFor(10, java.util.concurrent.TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        if (!done) {
            throw new AssertionError(e + " ran past 10 minutes:\n" + output);
        }
        if (p.exitValue() != 0) {
            throw new AssertionError(e + " failed with exit " + p.exitValue() + ":\n" + output);
        }
        System.out.println("$ " + e.command() + "\n" + output);
        return output;
    }

    /** The file a command redirects its standard output to ({@code > file}), or null. */
    static String redirectTarget(String command) {
        String[] words = command.trim().split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if (words[i].equals(">")) {
                return words[i + 1];
            }
        }
        return null;
    }
}
