package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles and runs, as written, the README's library example (between its markers) and every
 * Java block of docs/library.md: each block is the imports and the body of a main method, run in
 * its own JVM in a folder where {@code cli/data} are the example data sets.
 */
class DocExamplesTest {

    @TempDir
    Path dir;

    /** The Java blocks of a Markdown text. */
    static List<String> javaBlocks(String markdown) {
        List<String> blocks = new ArrayList<>();
        int at = 0;
        while ((at = markdown.indexOf("```java\n", at)) >= 0) {
            int end = markdown.indexOf("\n```", at + 8);
            blocks.add(markdown.substring(at + 8, end));
            at = end + 4;
        }
        return blocks;
    }

    static String readmeExample() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("<!-- library-example:start -->");
        int end = readme.indexOf("<!-- library-example:end -->");
        assertTrue(start >= 0 && end > start, "the README must mark its library example");
        List<String> blocks = javaBlocks(readme.substring(start, end));
        assertEquals(1, blocks.size(), "one Java block between the README's markers");
        return blocks.get(0);
    }

    /** Compiles a block as class {@code name} and runs it; returns what it printed. */
    String run(String name, String block) throws Exception {
        List<String> imports = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (String line : block.split("\n")) {
            if (line.startsWith("import ")) {
                imports.add(line);
            } else {
                body.append("        ").append(line).append('\n');
            }
        }
        String source = String.join("\n", imports) + "\n\npublic class " + name + " {\n"
                + "    public static void main(String[] args) throws Exception {\n" + body + "    }\n}\n";
        Path classes = dir.resolve("classes");
        Files.createDirectories(classes);
        Path src = dir.resolve(name + ".java");
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(
                null, diagnostics, diagnostics, "-classpath", classpath, "-d", classes.toString(), src.toString());
        assertEquals(0, rc, name + " does not compile:\n" + diagnostics + "\n" + source);
        Path work = dir.resolve("work");
        if (!Files.exists(work)) {
            Files.createDirectories(work);
            Files.createSymbolicLink(work.resolve("cli"), Path.of("").toAbsolutePath());
        }
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx1g",
                        "-cp",
                        classes + java.io.File.pathSeparator + classpath,
                        name)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done = p.waitFor(3, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String out = Files.readString(log);
        assertTrue(done && p.exitValue() == 0, name + " failed:\n" + out + "\n" + source);
        return out;
    }

    @Test
    void theReadmeLibraryExampleRuns() throws Exception {
        String block = readmeExample();
        assertTrue(block.split("\n").length <= 16, "the README's example should stay about 10 lines");
        String out = run("ReadmeExample", block);
        assertTrue(out.contains("test NLL"), out);
    }

    @Test
    void everyJavaBlockOfTheLibraryPageRuns() throws Exception {
        List<String> blocks = javaBlocks(Files.readString(Path.of("..", "docs", "library.md")));
        assertTrue(blocks.size() >= 4, "docs/library.md has " + blocks.size() + " Java blocks");
        for (int i = 0; i < blocks.size(); i++) {
            String out = run("LibraryExample" + i, blocks.get(i));
            assertTrue(!out.isBlank(), "example " + i + " printed nothing");
            System.out.println("docs/library.md example " + i + ":\n" + out.strip());
        }
    }
}
