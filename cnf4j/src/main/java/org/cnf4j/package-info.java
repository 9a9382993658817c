/**
 * The library's front door: {@link org.cnf4j.Flow} (train, load, score, sample, reflow),
 * {@link org.cnf4j.Table} (rows and column names, read from CSV/TSV/NPY or built in memory) and
 * {@link org.cnf4j.TrainOptions} (everything a run can be told, with the defaults of
 * {@code cnf train}).
 */
package org.cnf4j;
