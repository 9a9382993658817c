package org.cnf4j.spark;

import org.apache.spark.sql.SparkSession;

/** The Spark session of a cnf-spark command: spark-submit's, or a new one on the given master. */
final class SparkSessions {

    private SparkSessions() {
    }

    static SparkSession get(String master, String appName) {
        SparkSession.Builder b = SparkSession.builder().appName(appName);
        if (master != null) {
            b = b.master(master);
        }
        return b.getOrCreate();
    }
}
