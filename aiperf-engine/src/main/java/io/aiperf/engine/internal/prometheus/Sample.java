package io.aiperf.engine.internal.prometheus;

/**
 * One line of an exposition: a name, labels and a value.
 *
 * @param name the sample's name, e.g. {@code vllm:prompt_tokens_total} or {@code x_bucket}
 * @param labels its labels
 * @param value its value; NaN and infinities as written
 */
public record Sample(String name, Labels labels, double value) {}
