/**
 * The user-facing API of aiperf-java: {@link io.aiperf.api.Benchmark} builds and runs a benchmark,
 * {@link io.aiperf.api.Endpoints} and {@link io.aiperf.api.Datasets} describe what to send, and
 * {@link io.aiperf.api.BenchmarkResult} holds what was measured.
 *
 * <pre>{@code
 * BenchmarkResult r = Benchmark.builder()
 *     .endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("qwen").streaming(true))
 *     .concurrency(64).requestCount(10_000)
 *     .dataset(Datasets.synthetic().inputTokens(550, 0).outputTokens(128, 0).seed(42))
 *     .run();
 * double p99 = r.metric(Metrics.TIME_TO_FIRST_TOKEN).p99();
 * }</pre>
 */
@NullMarked
package io.aiperf.api;

import org.jspecify.annotations.NullMarked;
