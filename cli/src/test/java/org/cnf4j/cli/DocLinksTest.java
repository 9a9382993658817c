package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the README and the pages under docs/ leads to a file that exists and,
 * when it names an anchor, to a heading of that file (anchors as GitHub makes them).
 */
class DocLinksTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Pattern FENCE = Pattern.compile("(?ms)^```.*?^```");

    /** GitHub's anchors of a Markdown file's headings (lower case, punctuation dropped, spaces to hyphens). */
    static Set<String> anchors(String markdown) {
        Set<String> out = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : FENCE.matcher(markdown).replaceAll("").split("\n")) {
            if (!line.startsWith("#")) {
                continue;
            }
            String text = line.replaceFirst("^#+\\s*", "").strip().toLowerCase(Locale.ROOT);
            String anchor = text.replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(anchor, 1, Integer::sum);
            out.add(n == 1 ? anchor : anchor + "-" + (n - 1));
        }
        return out;
    }

    @Test
    void relativeLinksAndAnchorsResolve() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        List<Path> pages = new ArrayList<>(List.of(root.resolve("README.md"), root.resolve("cli/data/README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        int checked = 0;
        for (Path page : pages) {
            String text = FENCE.matcher(Files.readString(page)).replaceAll("");
            Matcher m = LINK.matcher(text);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("^[a-z]+:.*")) {
                    continue;
                }
                checked++;
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path resolved =
                        file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = root.relativize(page) + ": (" + target + ")";
                if (!Files.exists(resolved)) {
                    broken.add(where + " no such file");
                } else if (hash >= 0 && !anchors(Files.readString(resolved)).contains(target.substring(hash + 1))) {
                    broken.add(where + " no such heading in " + root.relativize(resolved));
                }
            }
        }
        assertTrue(checked > 20, "only " + checked + " links checked");
        assertTrue(broken.isEmpty(), String.join("\n", broken));
    }
}
