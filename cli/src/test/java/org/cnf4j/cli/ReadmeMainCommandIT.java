package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the README's main command, as written, after packaging (Maven Failsafe, in {@code mvn
 * verify}): the quick-start line is {@code mvn ... package && <command>}; the part after the
 * {@code &&} runs in a fresh folder where {@code cli} leads to this module, and must produce the
 * report.
 */
class ReadmeMainCommandIT {

    @TempDir
    Path work;

    static String mainCommand() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        int quick = readme.indexOf("## Quick start");
        int open = readme.indexOf("```", quick);
        int close = readme.indexOf("```", open + 3);
        String line = readme.substring(open + 3, close).strip();
        assertTrue(line.startsWith("mvn ") && line.contains("&&"), "the README's main command: " + line);
        return line.substring(line.indexOf("&&") + 2).strip();
    }

    @Test
    void theReadmeMainCommandProducesTheReport() throws Exception {
        String command = mainCommand();
        Files.createSymbolicLink(work.resolve("cli"), Path.of("").toAbsolutePath());
        Path log = work.resolve("demo.log");
        Process p = new ProcessBuilder("sh", "-c", command)
                .directory(work.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        boolean done = p.waitFor(15, TimeUnit.MINUTES);
        if (!done) {
            p.destroyForcibly();
        }
        String output = Files.readString(log);
        assertTrue(done, "'" + command + "' did not finish:\n" + output);
        assertEquals(0, p.exitValue(), "'" + command + "' failed:\n" + output);
        Path index = work.resolve("cnf-demo").resolve("index.html");
        assertTrue(Files.exists(index), "no report at " + index + ":\n" + output);
        Document doc = Jsoup.parse(Files.readString(index));
        assertTrue(doc.select("img").size() >= 4);
        for (Element img : doc.select("img")) {
            assertTrue(Files.size(index.getParent().resolve(img.attr("src"))) > 10_000, img.attr("src"));
        }
        assertTrue(Files.exists(work.resolve("cnf-demo").resolve("model.zip")));
        assertTrue(output.contains("test NLL"), output);
    }
}
