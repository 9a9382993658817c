package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compiles and runs the Java block of the README between the library-example markers, as written. */
class ReadmeExampleTest {

    @TempDir
    Path dir;

    static String exampleBlock() throws IOException {
        String readme = Files.readString(Path.of("..", "README.md"));
        int start = readme.indexOf("<!-- library-example:start -->");
        int end = readme.indexOf("<!-- library-example:end -->");
        assertTrue(start >= 0 && end > start, "the README must mark its library example");
        String block = readme.substring(start, end);
        int code = block.indexOf("```java") + "```java".length();
        return block.substring(code, block.lastIndexOf("```")).strip();
    }

    @Test
    void theReadmeLibraryExampleRuns() throws Exception {
        List<String> imports = new ArrayList<>();
        StringBuilder body = new StringBuilder();
        for (String line : exampleBlock().split("\n")) {
            if (line.startsWith("import ")) {
                imports.add(line);
            } else {
                body.append("        ").append(line).append('\n');
            }
        }
        String lines = body.toString();
        assertTrue(lines.split("\n").length <= 20, "the example should stay about 15 lines");
        String source = String.join("\n", imports) + "\n\npublic class ReadmeExample {\n"
                + "    public static void main(String[] args) throws Exception {\n" + lines + "    }\n}\n";
        Path src = dir.resolve("ReadmeExample.java");
        Files.writeString(src, source);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-classpath", classpath, "-d", dir.toString(),
                src.toString());
        assertEquals(0, rc, "the README example does not compile:\n" + diagnostics + "\n" + source);
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {dir.toUri().toURL()},
                ReadmeExampleTest.class.getClassLoader())) {
            Method main = loader.loadClass("ReadmeExample").getMethod("main", String[].class);
            System.setOut(new PrintStream(printed, true));
            main.invoke(null, (Object) new String[0]);
        } finally {
            System.setOut(stdout);
        }
        String out = printed.toString();
        assertTrue(out.contains("log p = [") && out.contains("samples Rank: 2") && out.contains("[1000,2]"), out);
    }
}
