/**
 * Training: the {@link org.cnf4j.train.Trainer} (Adam, schedules, the moving average, validation
 * and the kept checkpoint), its objectives (maximum likelihood through the adjoint, flow matching
 * with optimal-transport pairs), the run's length planned from the table ({@link
 * org.cnf4j.train.RunLength}, {@link org.cnf4j.train.FoldedLength}: never from a clock), scoring
 * ({@link org.cnf4j.train.Evaluation}) and what a run reports to listeners.
 */
package org.cnf4j.train;
