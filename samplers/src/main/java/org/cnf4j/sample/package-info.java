/**
 * Working with a fitted flow: sampling (in chunks, seeded, with temperature and optional
 * log-densities), density grids and 2-D slices, trajectories from data to latent, image sample
 * grids, and latent encoding, all in the data's units.
 */
package org.cnf4j.sample;
