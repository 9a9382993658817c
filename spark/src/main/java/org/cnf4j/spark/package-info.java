/**
 * cnf4j on Apache Spark, as a library: scoring ({@link org.cnf4j.spark.FlowScoring}) and sampling
 * ({@link org.cnf4j.spark.FlowSampling}) of a model file on executors, data-parallel training
 * ({@link org.cnf4j.spark.SparkTrainingData}), a Spark ML estimator ({@link org.cnf4j.spark.CnfFlow})
 * for Pipelines and CrossValidator, the SQL function {@code cnf_logp}, and tables and model files
 * on any Hadoop file system ({@link org.cnf4j.spark.SparkIo}). The {@code cnf-spark} commands are in
 * the {@code cnf-spark} module.
 */
package org.cnf4j.spark;
