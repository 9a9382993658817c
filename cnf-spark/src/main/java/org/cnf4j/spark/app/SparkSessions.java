package org.cnf4j.spark.app;

import org.apache.spark.sql.SparkSession;

/**
 * The Spark session of a cnf-spark command: spark-submit's, or a new one on the given master. A
 * master given to cnf-spark itself (run with {@code java}, not spark-submit) gets the application
 * jar this class was loaded from in {@code spark.jars}, so a cluster's executors load cnf4j's
 * classes as spark-submit would have them do.
 */
final class SparkSessions {

    private SparkSessions() {}

    static SparkSession get(String master, String appName) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (master != null) {
            b = b.master(master);
            String jar = applicationJar();
            if (jar != null && !master.startsWith("local") && System.getProperty("spark.jars") == null) {
                b = b.config("spark.jars", jar);
            }
        }
        return b.getOrCreate();
    }

    /** The jar file cnf-spark runs from, or null when its classes come from a folder (tests, an IDE). */
    static String applicationJar() {
        try {
            java.security.CodeSource source =
                    SparkSessions.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return null;
            }
            java.nio.file.Path p = java.nio.file.Path.of(source.getLocation().toURI());
            return p.toString().endsWith(".jar") && java.nio.file.Files.isRegularFile(p) ? p.toString() : null;
        } catch (java.net.URISyntaxException | IllegalArgumentException | SecurityException e) {
            return null;
        }
    }
}
