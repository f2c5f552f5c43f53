package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.MetricProvider.RecordMetric;
import io.aiperf.api.spi.MetricValues;
import io.aiperf.api.spi.RequestView;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Metric ids, and records laid out by them. */
final class MetricRegistryTest {
  private static RecordMetric metric(String tag, double value) {
    MetricInfo info = new MetricInfo(tag, tag, "ms", 1e-6, 100, Set.of());
    return new RecordMetric() {
      @Override
      public MetricInfo info() {
        return info;
      }

      @Override
      public void compute(RequestView request, MetricValues out) {
        out.add(value);
      }
    };
  }

  @Test
  void ids_followTheProvidersOrder_andTheCoreMetricsComeFirst() {
    MetricRegistry installed = MetricRegistry.installed();
    List<String> core = new CoreMetricProvider().recordMetrics().stream()
        .map(m -> m.info().tag()).toList();
    assertThat(installed.tags()).startsWith(core.toArray(String[]::new));
    assertThat(installed.id("time_to_first_token")).isZero();
    assertThat(installed.id("no_such_metric")).isEqualTo(-1);
    assertThat(installed.info(installed.id("request_latency")).header())
        .isEqualTo("Request Latency");
  }

  @Test
  void aTagRegisteredTwice_keepsTheFirstPlace_andTheLastMetric() {
    MetricRegistry r = MetricRegistry.of(List.of(metric("a", 1), metric("b", 2), metric("a", 3)));
    assertThat(r.tags()).containsExactly("a", "b");
    RecordValues.Builder values = new RecordValues.Builder(r.size());
    values.begin(0);
    r.metric(0).compute(null, values);
    assertThat(values.build().first(0)).isEqualTo(3);
  }

  @Test
  void aRemoteProcessor_usesTheControllersIds_andLeavesOutWhatTheControllerLacks() {
    MetricRegistry local = MetricRegistry.of(List.of(metric("local_only", 1), metric("b", 2),
        metric("a", 3)));
    MetricRegistry remote = local.orderedAs(List.of("a", "b", "controller_only"));
    assertThat(remote.tags()).containsExactly("a", "b", "controller_only");
    assertThat(remote.metric(0).info().tag()).isEqualTo("a");
    assertThat(remote.metric(1).info().tag()).isEqualTo("b");
    assertThat(remote.metric(2)).isNull();
    assertThat(remote.id("local_only")).isEqualTo(-1);
  }

  @Test
  void recordValues_holdEachMetricsValues_byId() {
    RecordValues.Builder b = new RecordValues.Builder(5);
    b.begin(1);
    b.add(10);
    b.begin(3); // 2 has none
    b.add(1);
    b.add(2);
    b.add(3);
    RecordValues v = b.build();
    assertThat(v.count(0)).isZero();
    assertThat(v.count(1)).isEqualTo(1);
    assertThat(v.count(2)).isZero();
    assertThat(v.copyOf(3)).containsExactly(1, 2, 3);
    assertThat(v.count(4)).isZero();
    assertThat(v.count(99)).isZero();
    assertThat(b.clear().build()).isSameAs(RecordValues.NONE);
    assertThat(RecordValues.single(2, 7.5).copyOf(2)).containsExactly(7.5);
  }

  @Test
  void recordValues_thatWouldIndexOutOfBounds_areRefused() {
    assertThatThrownBy(() -> new RecordValues(new int[] {0, 3}, new double[2]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RecordValues(new int[] {0, 2, 1, 2}, new double[2]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new RecordValues(new int[0], new double[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aggregator_takesRecordsById_asItTookThemByTag() {
    List<MetricInfo> infos = List.of(metric("a", 0).info(), metric("b", 0).info());
    MetricsAggregator byId = new MetricsAggregator(infos);
    MetricsAggregator byTag = new MetricsAggregator(infos);
    for (int i = 0; i < 100; i++) {
      RecordValues.Builder b = new RecordValues.Builder(2);
      b.begin(0);
      b.add(i * 1e6);
      b.begin(1);
      b.add(i * 2e6);
      b.add(i * 3e6);
      byId.add(b.build());
      byTag.add("a", new double[] {i * 1e6});
      byTag.add("b", new double[] {i * 2e6, i * 3e6});
    }
    assertThat(byId.results(List.of(), null)).usingRecursiveComparison()
        .isEqualTo(byTag.results(List.of(), null));
    assertThat(byId.sum("b")).isCloseTo(5 * 4950e6, within(1e-3));
    assertThat(byId.encodedHistograms()).isEqualTo(byTag.encodedHistograms());
  }
}
