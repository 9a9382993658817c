/**
 * Data: FFJORD's toy generators, CSV and NPY readers with precise error messages, seeded
 * train/validation/test splits, standardisation and dequantisation.
 */
package org.cnf4j.data;
