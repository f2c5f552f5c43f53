/**
 * AIPerf 0.13's YAML configuration files for {@code aiperf profile --config}: reading them with
 * the line of every key, checking them against AIPerf's schema, expanding sweeps, and turning each
 * setting into the {@code aiperf profile} flag that sets the same thing, so a file and the flags
 * take one path to the benchmark builder.
 */
@NullMarked
package io.aiperf.cli.config;

import org.jspecify.annotations.NullMarked;
