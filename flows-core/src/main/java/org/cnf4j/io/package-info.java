/** Model files: a zip of model.json and .npy tensors, written atomically, checked on loading. */
package org.cnf4j.io;
