package org.cnf4j.report;

import io.pebbletemplates.pebble.PebbleEngine;
import io.pebbletemplates.pebble.loader.ClasspathLoader;
import io.pebbletemplates.pebble.template.PebbleTemplate;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cnf4j.io.AtomicFiles;

/**
 * The content of one HTML report: a title, sections of key-value rows (configuration, data,
 * metrics) and figures (PNG files beside the page). Rendered by the Pebble template engine
 * with HTML autoescaping, so any text (a file name with {@code <} in it) is shown as written and
 * cannot break the page. The page refers to its images by relative names, so the folder opens
 * without a server.
 */
public final class RunReport {

    /** Name of the page written into the report folder. */
    public static final String INDEX = "index.html";

    private static final PebbleEngine ENGINE = new PebbleEngine.Builder()
            .loader(classpathLoader())
            .autoEscaping(true)
            .defaultEscapingStrategy("html")
            .build();

    private final String title;
    private final String subtitle;
    private String summary = "";
    private String provenance = "";
    private final Map<String, List<Map<String, String>>> sections = new LinkedHashMap<>();
    private final List<Map<String, String>> figures = new ArrayList<>();

    /** An empty report. */
    public RunReport(String title, String subtitle) {
        this.title = title;
        this.subtitle = subtitle;
    }

    private static ClasspathLoader classpathLoader() {
        ClasspathLoader loader = new ClasspathLoader(RunReport.class.getClassLoader());
        loader.setPrefix("org/cnf4j/report");
        return loader;
    }

    /** The line under the subtitle saying when and by what program the report was written. */
    public RunReport provenance(String text) {
        this.provenance = text;
        return this;
    }

    /** The summary line shown under the title (the result in words). */
    public RunReport summary(String text) {
        this.summary = text;
        return this;
    }

    /** Adds a row to a section (sections keep the order they were first used in). */
    public RunReport row(String section, String key, Object value) {
        Map<String, String> row = new LinkedHashMap<>();
        row.put("key", key);
        row.put("value", String.valueOf(value));
        sections.computeIfAbsent(section, s -> new ArrayList<>()).add(row);
        return this;
    }

    /** Adds a figure: a PNG file in the report folder (relative name), its title and caption. */
    public RunReport figure(String file, String figureTitle, String caption) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("file", file);
        f.put("title", figureTitle);
        f.put("caption", caption);
        figures.add(f);
        return this;
    }

    /** The figure file names in order. */
    public List<String> figureFiles() {
        List<String> out = new ArrayList<>();
        figures.forEach(f -> out.add(f.get("file")));
        return out;
    }

    /** The page as HTML. */
    public String html() {
        Map<String, Object> ctx = new LinkedHashMap<>();
        ctx.put("title", title);
        ctx.put("subtitle", subtitle);
        ctx.put("summary", summary);
        ctx.put("provenance", provenance);
        List<Map<String, Object>> secs = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, String>>> e : sections.entrySet()) {
            Map<String, Object> s = new LinkedHashMap<>();
            s.put("name", e.getKey());
            s.put("rows", e.getValue());
            secs.add(s);
        }
        ctx.put("sections", secs);
        ctx.put("figures", figures);
        try {
            PebbleTemplate template = ENGINE.getTemplate("report.html.peb");
            StringWriter out = new StringWriter();
            template.evaluate(out, ctx);
            return out.toString();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes {@code index.html} into the folder (atomically; the figures must be there already). */
    public Path write(Path dir) throws IOException {
        Path index = dir.resolve(INDEX);
        AtomicFiles.writeString(index, html());
        return index;
    }
}
