/**
 * The one layer that checks settings: every numeric setting of the library (training options,
 * solver, flow-matching path, regularisers) goes through {@link org.cnf4j.settings.SettingCheck},
 * whose messages name the setting; the {@code cnf} command turns them into usage errors naming
 * its option.
 */
package org.cnf4j.settings;
