package org.cnf4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** cnf bench on tiny settings: every figure line and every key=value line, with sane values. */
class BenchCommandTest {

    static final List<String> KEYS = List.of(
            "train_s_per_iter",
            "train_nfe_forward",
            "train_nfe_backward",
            "us_per_eval",
            "logp10k_s",
            "logp10k_nfe",
            "sample10k_s",
            "sample10k_nfe",
            "peak_rss_mb",
            "test_nll",
            "train_s_per_iter_1w",
            "us_per_eval_1w",
            "logp10k_s_1w",
            "sample10k_s_1w");

    static Map<String, Double> figures(String out) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && line.substring(0, eq).matches("[a-z0-9_]+")) {
                m.put(line.substring(0, eq), Double.parseDouble(line.substring(eq + 1)));
            }
        }
        return m;
    }

    @Test
    void printsEveryFigureAndEndsWithKeyValueLines() {
        CliRun r = CliRun.of(
                "bench",
                "--iterations",
                "60",
                "--width",
                "16",
                "--points",
                "500",
                "--precision",
                "float",
                "--tolerance-sweep",
                "--memory-every",
                "30",
                "--quiet");
        assertEquals(0, r.code(), r.toString());
        Map<String, Double> f = figures(r.out());
        assertEquals(KEYS, List.copyOf(f.keySet()), r.out());
        String[] lines = r.out().trim().split("\n");
        for (int i = 0; i < KEYS.size(); i++) {
            assertTrue(lines[lines.length - KEYS.size() + i].startsWith(KEYS.get(i) + "="), "key=value lines last");
        }
        for (String k : KEYS) {
            assertTrue(Double.isFinite(f.get(k)) && f.get(k) > 0, k + "=" + f.get(k));
        }
        // dopri5 takes at least one step of 6 evaluations (+1 for the first) each way
        assertTrue(f.get("train_nfe_forward") >= 7 && f.get("train_nfe_backward") >= 7, r.out());
        // N(0, I) itself scores about 1.84 + 8.25 / 2 = 5.96 nats on 8gaussians (radius 2.83, std 0.35)
        assertTrue(f.get("test_nll") < 5.85, "60 iterations must improve on N(0, I): " + f.get("test_nll"));
        assertTrue(r.out().contains("2-16-16-16-2 concatsquash tanh"), r.out());
        assertTrue(r.out().contains("float precision"), r.out());
        assertTrue(r.out().contains("log-density of 500 points"), r.out());
        assertTrue(
                r.out().contains("memory: iteration 30 rss_mb=") && r.out().contains("memory: iteration 60 rss_mb="),
                r.out());
        assertTrue(r.out().contains("tol 1e-08:"), r.out());
        assertTrue(r.out().contains("one worker: training"), r.out());
    }

    @Test
    void badSettingsAreUsageErrors() {
        CliRun r = CliRun.of("bench", "--precision", "half");
        assertEquals(2, r.code(), r.toString());
        assertTrue(r.err().contains("--precision") && r.err().contains("half"), r.err());
        CliRun zero = CliRun.of("bench", "--iterations", "0");
        assertEquals(2, zero.code(), zero.toString());
        assertTrue(zero.err().contains("--iterations must be at least 1"), zero.err());
    }
}
