/**
 * Internal: what scraped Prometheus pages say over a benchmark's windows. Scrapes are kept as
 * time series per endpoint, metric and label set; a window's statistics follow AIPerf 0.13's
 * definitions (gauges over their samples, counters and histograms as increases from the last
 * sample before the window). Used by the server-metrics and GPU-telemetry services. Nothing here
 * is null unless marked {@code @Nullable}.
 */
@NullMarked
package io.aiperf.engine.internal.servermetrics;

import org.jspecify.annotations.NullMarked;
