package io.aiperf.engine.internal.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.core.metrics.StateSet;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Pages written by the official Prometheus Java client ({@code prometheus-metrics-core} 1.10 with
 * its text and OpenMetrics writers, in test scope only), every metric type, label values that
 * need escaping, and UTF-8 metric names: read without a skipped line, with the values recorded.
 */
final class PrometheusJavaClientTest {
  static Stream<Arguments> writers() {
    return Stream.of(
        Arguments.of("text 0.0.4", PrometheusTextFormatWriter.create(), EscapingScheme.DEFAULT),
        Arguments.of("text 0.0.4, created", PrometheusTextFormatWriter.builder()
            .setIncludeCreatedTimestamps(true).build(), EscapingScheme.DEFAULT),
        Arguments.of("text, UTF-8 names", PrometheusTextFormatWriter.create(),
            EscapingScheme.ALLOW_UTF8),
        Arguments.of("OpenMetrics 1.0", OpenMetricsTextFormatWriter.create(),
            EscapingScheme.DEFAULT),
        Arguments.of("OpenMetrics 1.0, created, UTF-8", OpenMetricsTextFormatWriter.builder()
            .setCreatedTimestampsEnabled(true).build(), EscapingScheme.ALLOW_UTF8));
  }

  private static String page(ExpositionFormatWriter writer, EscapingScheme scheme) {
    PrometheusRegistry registry = new PrometheusRegistry();
    Counter requests = Counter.builder().name("http_requests_total").help("Requests \\ served\n")
        .labelNames("method", "path").register(registry);
    requests.labelValues("GET", "/a\"b\\c").inc(3);
    requests.labelValues("POST", "/x\ny").inc(2.5);
    Gauge.builder().name("queue_depth").help("Waiting requests.").register(registry).set(1.5);
    Gauge.builder().name("kv.cache.usage").help("A UTF-8 name.").register(registry).set(0.25);
    Histogram latency = Histogram.builder().name("latency_seconds").help("Latency.")
        .classicOnly().classicUpperBounds(0.1, 0.5, 1.0).register(registry);
    latency.observe(0.3);
    latency.observe(0.7);
    latency.observe(2.0);
    Summary rpc = Summary.builder().name("rpc_seconds").help("RPCs.").quantile(0.5, 0.01)
        .quantile(0.99, 0.001).register(registry);
    rpc.observe(1.0);
    rpc.observe(3.0);
    Info.builder().name("build_info").help("Build.").labelNames("version").register(registry)
        .setLabelValues("1.2.3");
    StateSet.builder().name("feature").help("Features.").states("on", "off").register(registry)
        .setTrue("on");
    return writer.toDebugString(registry.scrape(), scheme);
  }

  private static double value(Exposition e, String sample, String label, String value) {
    return e.families().stream().flatMap(f -> f.samples().stream())
        .filter(s -> s.name().equals(sample) && (label.isEmpty()
            || value.equals(s.labels().get(label))))
        .findFirst().orElseThrow(() -> new AssertionError(sample + " " + label + "=" + value
            + " not in " + e.families())).value();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writers")
  void officialJavaClientPage_isReadWhole(String name, ExpositionFormatWriter writer,
      EscapingScheme scheme) {
    String text = page(writer, scheme);
    Exposition e = PrometheusText.parse(text);
    assertThat(e.skippedLines()).as(text + e.problems()).isZero();
    assertThat(e.lines()).isEqualTo(e.blankLines() + e.commentLines() + e.metadataLines()
        + e.sampleLines());

    MetricFamily requests = e.family("http_requests").orElseThrow();
    assertThat(requests.type()).isEqualTo(MetricType.COUNTER);
    assertThat(requests.help()).isEqualTo("Requests \\ served\n");
    assertThat(value(e, "http_requests_total", "path", "/a\"b\\c")).isEqualTo(3.0);
    assertThat(value(e, "http_requests_total", "path", "/x\ny")).isEqualTo(2.5);
    assertThat(value(e, "queue_depth", "", "")).isEqualTo(1.5);
    String dotted = scheme == EscapingScheme.ALLOW_UTF8 ? "kv.cache.usage" : "kv_cache_usage";
    assertThat(value(e, dotted, "", "")).isEqualTo(0.25);

    MetricFamily latency = e.family("latency_seconds").orElseThrow();
    assertThat(latency.type()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(value(e, "latency_seconds_bucket", "le", "0.1")).isEqualTo(0.0);
    assertThat(value(e, "latency_seconds_bucket", "le", "0.5")).isEqualTo(1.0);
    assertThat(value(e, "latency_seconds_bucket", "le", "+Inf")).isEqualTo(3.0);
    assertThat(value(e, "latency_seconds_count", "", "")).isEqualTo(3.0);
    assertThat(value(e, "latency_seconds_sum", "", "")).isEqualTo(3.0);

    assertThat(e.family("rpc_seconds").orElseThrow().type()).isEqualTo(MetricType.SUMMARY);
    assertThat(value(e, "rpc_seconds_count", "", "")).isEqualTo(2.0);
    assertThat(value(e, "rpc_seconds", "quantile", "0.99")).isEqualTo(3.0);
    assertThat(value(e, "build_info", "version", "1.2.3")).isEqualTo(1.0);
    assertThat(value(e, "feature", "feature", "on")).isEqualTo(1.0);
    assertThat(value(e, "feature", "feature", "off")).isEqualTo(0.0);
  }
}
