package io.aiperf.engine.internal.servermetrics;

import io.aiperf.api.ServerMetric;
import io.aiperf.api.ServerMetricSeries;
import io.aiperf.api.ServerMetricType;
import io.aiperf.engine.internal.prometheus.Labels;
import io.aiperf.engine.internal.prometheus.MetricType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Scraped endpoints over a window, as the API's {@link ServerMetric}s. */
public final class ServerMetricsSummaries {
  private ServerMetricsSummaries() {}

  /**
   * Every metric of every endpoint over a window: each series' statistics, merged by name across
   * endpoints, sorted by name, series by endpoint then labels (as AIPerf's export sorts them).
   *
   * @param endpoints the endpoints' data
   * @param window the window
   * @param problems where counter resets are reported, in plain words
   * @return the metrics; a metric without a point in the window is left out
   */
  public static List<ServerMetric> metrics(List<EndpointData> endpoints, WindowStats.Window window,
      List<String> problems) {
    Map<String, List<ServerMetricSeries>> series = new TreeMap<>();
    Map<String, EndpointData.Family> first = new TreeMap<>();
    for (EndpointData e : endpoints) {
      e.families().forEach((name, family) -> {
        for (Map.Entry<Labels, SeriesData> s : family.series().entrySet()) {
          WindowStats.Result r = WindowStats.of(family.type(), s.getValue(), window);
          if (r == null) {
            continue;
          }
          if (r.resets() > 0) {
            problems.add(name + s.getKey() + " at " + e.url() + " went down " + r.resets()
                + " time(s) in the window (the server restarted?): counted from 0 again after"
                + " each");
          }
          first.putIfAbsent(name, family);
          series.computeIfAbsent(name, k -> new ArrayList<>()).add(new ServerMetricSeries(
              e.url(), s.getKey().asMap(), r.stats(), r.buckets()));
        }
      });
    }
    List<ServerMetric> out = new ArrayList<>();
    series.forEach((name, list) -> {
      EndpointData.Family f = java.util.Objects.requireNonNull(first.get(name), name);
      list.sort(Comparator.comparing(ServerMetricSeries::endpoint)
          .thenComparing(s -> s.labels().toString()));
      out.add(new ServerMetric(name, type(f.type()), f.help(), Units.infer(name, f.help()), list));
    });
    return out;
  }

  /**
   * The API's type for a page's type.
   *
   * @param t the page's type
   * @return the API's
   */
  public static ServerMetricType type(MetricType t) {
    return switch (t) {
      case COUNTER -> ServerMetricType.COUNTER;
      case HISTOGRAM, GAUGE_HISTOGRAM -> ServerMetricType.HISTOGRAM;
      case SUMMARY -> ServerMetricType.SUMMARY;
      case UNKNOWN -> ServerMetricType.UNKNOWN;
      default -> ServerMetricType.GAUGE;
    };
  }
}
