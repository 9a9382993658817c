/**
 * Reports: JFreeChart plots rendered headless to PNG (density heat maps, data against samples,
 * training curves, trajectories, image grids, tolerance sweeps) and one HTML page per run.
 */
package org.cnf4j.report;
