package io.aiperf.api;

/**
 * A broken SLO: what was asked, what was measured, and a sentence saying so.
 *
 * @param slo the SLO
 * @param measured the measured value, NaN when the metric is missing from the run
 * @param message e.g. {@code time_to_first_token p99 was 312.400 ms, not < 200.0}
 * @since 0.1.0
 */
public record SloViolation(Slo slo, double measured, String message) {}
