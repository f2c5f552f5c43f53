package io.aiperf.examples;

import io.aiperf.api.spi.MetricFlag;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.MetricValues;
import io.aiperf.api.spi.RequestView;
import java.util.List;
import java.util.Set;

/**
 * A custom metric plugin: decode duration, the time from the first to the last content chunk
 * (request latency minus TTFT). It is registered in
 * {@code META-INF/services/io.aiperf.api.spi.MetricProvider}, so merely having this jar on the class
 * path adds the metric to every run's results and exports.
 */
public final class DecodeDurationMetricProvider implements MetricProvider {
  private static final MetricInfo INFO = new MetricInfo("example_decode_duration",
      "Decode Duration", "ms", 1e-6, 350, Set.of(MetricFlag.STREAMING_ONLY));

  @Override
  public String name() {
    return "example-decode-duration";
  }

  @Override
  public String description() {
    return "Example plugin: last content chunk minus first content chunk";
  }

  @Override
  public List<RecordMetric> recordMetrics() {
    return List.of(new RecordMetric() {
      @Override
      public MetricInfo info() {
        return INFO;
      }

      @Override
      public void compute(RequestView request, MetricValues out) {
        int last = request.contentResponseCount() - 1;
        out.add(request.contentResponseNanos(last) - request.contentResponseNanos(0));
      }
    });
  }
}
