package org.cnf4j.io;

import java.io.IOException;
import java.io.InputStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Properties;
import org.cnf4j.data.TrainingData;

/**
 * Where a model file came from: the software, the JVM and the operating system that wrote it, when,
 * the command or call that made it, and the data it was trained on (content digest and row counts)
 * with the run's seed. A model file keeps it in its own entry ({@code provenance.json}), apart from
 * the model: two runs of the same command write the same model (the same {@link
 * ModelFile#modelDigest}) and differ only here.
 *
 * @param software the library and its version, e.g. {@code cnf4j 0.3.0}
 * @param java the JVM's version and vendor
 * @param os the operating system's name, version and architecture
 * @param created when the run started, ISO-8601 in UTC to the second
 * @param command the command line ({@code cnf train --data ...}) or the library call that made it
 * @param dataDigest the training data's content digest ({@code TrainingData#contentDigest}), or null
 *     for a generator or no data
 * @param trainingRows training rows (-1 for a generator, 0 for no data)
 * @param validationRows validation rows
 * @param testRows test rows
 * @param seed the run's seed
 */
public record Provenance(
        String software,
        String java,
        String os,
        String created,
        String command,
        String dataDigest,
        long trainingRows,
        long validationRows,
        long testRows,
        long seed) {

    /** The provenance of a run starting now on this JVM, of {@code command} on {@code data}. */
    public static Provenance of(String command, TrainingData data, long seed) {
        return new Provenance(
                thisSoftware(),
                thisJava(),
                thisOs(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(),
                command,
                data == null ? null : data.contentDigest(),
                data == null ? 0 : data.trainingRows(),
                data == null ? 0 : data.validation().rows(),
                data == null ? 0 : data.test().rows(),
                seed);
    }

    /** {@code cnf4j <version>}, the version from the build ("unknown" when run from classes without it). */
    public static String thisSoftware() {
        Properties p = new Properties();
        try (InputStream in = Provenance.class.getResourceAsStream("cnf4j-version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // the version is then unknown; nothing else depends on it
        }
        String version = p.getProperty("version", "unknown");
        return "cnf4j " + (version.startsWith("${") ? "unknown" : version);
    }

    private static String thisJava() {
        return System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")";
    }

    private static String thisOs() {
        return System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch");
    }

    /** In words, for {@code cnf info}: one line per part. */
    public java.util.List<String> describe() {
        java.util.List<String> lines = new java.util.ArrayList<>();
        lines.add("written by " + software + " on Java " + java + ", " + os);
        lines.add("created " + created);
        lines.add("command: " + command);
        if (dataDigest != null || trainingRows != 0) {
            lines.add("data: "
                    + (trainingRows < 0
                            ? "a generator"
                            : trainingRows + " training, " + validationRows + " validation, " + testRows + " test rows")
                    + (dataDigest == null ? "" : ", content " + dataDigest)
                    + "; seed " + seed);
        } else {
            lines.add("seed " + seed);
        }
        return lines;
    }
}
