/**
 * The baselines every run is compared with, fitted to the same standardised training rows: a
 * full-covariance Gaussian and a Gaussian mixture whose components are chosen on the validation
 * rows (EM on plain arrays, the search bounded by the table's shape), their conditional forms
 * for a flow with a context, and their samples for the report.
 */
package org.cnf4j.baseline;
