/**
 * Internal: NVIDIA DCGM exporter pages read as AIPerf 0.13 reads them (its field names, units
 * and scaling), per GPU. Nothing here is null unless marked {@code @Nullable}.
 */
@NullMarked
package io.aiperf.engine.internal.gputelemetry;

import org.jspecify.annotations.NullMarked;
