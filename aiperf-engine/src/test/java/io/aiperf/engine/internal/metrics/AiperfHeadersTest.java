package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.spi.MetricInfo;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;

/**
 * Every metric aiperf-java shares with AIPerf 0.13 has AIPerf's header and display unit: scripts
 * read CSV rows and timeslice metrics by header. The registry is AIPerf 0.13's, dumped from its
 * {@code MetricRegistry} (tag, header, unit, display unit, flags).
 */
final class AiperfHeadersTest {
  private static Map<String, String[]> registry() throws IOException {
    Map<String, String[]> byTag = new HashMap<>();
    try (InputStream in = Objects.requireNonNull(AiperfHeadersTest.class.getResourceAsStream(
        "/aiperf-0.13/metric-registry.tsv"), "the registry dump");
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      r.readLine(); // tag, header, unit, display_unit, flags
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        String[] f = line.split("\t", -1);
        byTag.put(f[0], f);
      }
    }
    return byTag;
  }

  @Test
  void sharedMetrics_haveAiperfsHeaderAndDisplayUnit() throws IOException {
    Map<String, String[]> aiperf = registry();
    CoreMetricProvider core = new CoreMetricProvider();
    List<MetricInfo> infos = new ArrayList<>();
    core.recordMetrics().forEach(m -> infos.add(m.info()));
    core.derivedMetrics().forEach(m -> infos.add(m.info()));
    int shared = 0;
    for (MetricInfo info : infos) {
      String[] theirs = aiperf.get(info.tag());
      if (theirs == null) {
        continue; // aiperf-java's own metric
      }
      shared++;
      String displayUnit = theirs[3].isEmpty() ? theirs[2] : theirs[3];
      assertThat(info.header()).as("header of %s", info.tag()).isEqualTo(theirs[1]);
      assertThat(info.unit()).as("unit of %s", info.tag()).isEqualTo(displayUnit);
    }
    assertThat(shared).isGreaterThan(40);
  }

  @Test
  void errorAdjustedMetrics_areNamedAsAiperfNamesThem() {
    MetricInfo ttft = new MetricInfo("time_to_first_token", "Time to First Token", "ms", 1e-6,
        100, java.util.Set.of(io.aiperf.api.spi.MetricFlag.PERCENTILE_INCLUDES_FAILED));
    MetricsAggregator aggregator = new MetricsAggregator(List.of(ttft));
    aggregator.add(RecordValues.single(0, 20e6));
    assertThat(aggregator.errorAdjusted(3)).singleElement().satisfies(m -> {
      assertThat(m.tag().tag()).isEqualTo("adj_time_to_first_token");
      assertThat(m.header()).isEqualTo("Time to First Token (error-adjusted)");
    });
  }
}
