/**
 * Repeated runs, parameter sweeps and load searches: plans of many benchmark runs, their
 * statistics across runs and the files AIPerf 0.13 writes for them.
 */
@NullMarked
package io.aiperf.engine.internal.sweep;

import org.jspecify.annotations.NullMarked;
