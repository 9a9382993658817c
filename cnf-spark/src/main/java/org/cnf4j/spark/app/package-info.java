/**
 * The {@code cnf-spark} application run by {@code spark-submit}: the commands {@code train},
 * {@code density}, {@code sample} and {@code bench} over the {@code org.cnf4j.spark} library, with
 * {@code cnf}'s option groups, messages and exit codes.
 */
package org.cnf4j.spark.app;
