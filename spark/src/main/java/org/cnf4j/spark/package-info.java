/**
 * cnf4j on Apache Spark: scoring and sampling of a model file on executors, data-parallel
 * training, a Spark ML estimator ({@link org.cnf4j.spark.CnfFlow}) for Pipelines and
 * CrossValidator, the SQL function {@code cnf_logp}, and the {@code cnf-spark} commands.
 */
package org.cnf4j.spark;
