package org.cnf4j.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of flows-core depend on each other without a cycle: every reference of a main source
 * file to another {@code org.cnf4j} package (an import or a qualified name) is an edge, and the
 * graph has no strongly connected component of more than one package.
 */
class PackageCyclesTest {

    private static final Pattern REFERENCE = Pattern.compile("\\borg\\.cnf4j\\.([a-z]+)\\.[A-Z]");

    static Map<String, Set<String>> dependencies(Path sources) throws IOException {
        Map<String, Set<String>> edges = new TreeMap<>();
        try (Stream<Path> files = Files.walk(sources)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String from = sources.relativize(f.getParent()).toString().replace('/', '.');
                if (!from.startsWith("org.cnf4j.")) {
                    continue;
                }
                String pkg = from.substring("org.cnf4j.".length());
                Set<String> to = edges.computeIfAbsent(pkg, k -> new TreeSet<>());
                Matcher m = REFERENCE.matcher(Files.readString(f));
                while (m.find()) {
                    if (!m.group(1).equals(pkg)) {
                        to.add(m.group(1));
                    }
                }
            }
        }
        return edges;
    }

    /** The packages reachable from {@code start}. */
    static Set<String> reachable(Map<String, Set<String>> edges, String start) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(edges.getOrDefault(start, Set.of()));
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            if (seen.add(p)) {
                todo.addAll(edges.getOrDefault(p, Set.of()));
            }
        }
        return seen;
    }

    @Test
    void flowsCorePackagesHaveNoCycle() throws IOException {
        Map<String, Set<String>> edges = dependencies(Path.of("src", "main", "java"));
        assertTrue(edges.size() >= 8, "found the packages: " + edges.keySet());
        List<String> cycles = new ArrayList<>();
        for (String p : edges.keySet()) {
            for (String q : edges.get(p)) {
                if (reachable(edges, q).contains(p)) {
                    cycles.add(p + " -> " + q + " -> ... -> " + p);
                }
            }
        }
        assertEquals(List.of(), cycles, "package dependencies: " + edges);
    }

    @Test
    void aPlantedCycleIsFound(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Path a = dir.resolve("org/cnf4j/alpha");
        Path b = dir.resolve("org/cnf4j/beta");
        Files.createDirectories(a);
        Files.createDirectories(b);
        Files.writeString(a.resolve("A.java"), "package org.cnf4j.alpha;\nimport org.cnf4j.beta.B;\nclass A {}\n");
        Files.writeString(b.resolve("B.java"), "package org.cnf4j.beta;\nclass B { org.cnf4j.alpha.A a; }\n");
        Map<String, Set<String>> edges = dependencies(dir);
        assertTrue(reachable(edges, "beta").contains("beta"), edges.toString());
    }
}
