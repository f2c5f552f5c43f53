package io.aiperf.cli.config;

import java.util.Map;

/**
 * One benchmark a configuration describes: the only one, or one of a sweep's.
 *
 * @param index zero-based position in the sweep
 * @param label what the variation sets, e.g. {@code phases.profiling.concurrency=8}, or the
 *     scenario's name, or {@code base} without a sweep
 * @param dirName AIPerf's directory name for it, e.g. {@code concurrency_8}
 * @param values the swept paths and the values this variation gives them
 * @param body the variation's whole {@code benchmark:} section
 */
public record Variation(int index, String label, String dirName, Map<String, Node> values,
    Node.MapNode body) {}
