/**
 * Internal: the Prometheus text exposition format (0.0.4) and OpenMetrics 1.0, read into metric
 * families, and the scraping of such pages on a thread of their own. Shared by the server-metrics
 * and GPU-telemetry services. Nothing here is null unless marked {@code @Nullable}.
 */
@NullMarked
package io.aiperf.engine.internal.prometheus;

import org.jspecify.annotations.NullMarked;
