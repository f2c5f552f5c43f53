package io.aiperf.engine.internal.gputelemetry;

import io.aiperf.api.GpuMetrics;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.engine.internal.metrics.Stats;
import io.aiperf.engine.internal.prometheus.Labels;
import io.aiperf.engine.internal.prometheus.MetricType;
import io.aiperf.engine.internal.servermetrics.EndpointData;
import io.aiperf.engine.internal.servermetrics.Point;
import io.aiperf.engine.internal.servermetrics.SeriesData;
import io.aiperf.engine.internal.servermetrics.WindowStats;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * DCGM exporter pages over a window, per GPU, as AIPerf 0.13 summarizes them
 * ({@code GpuMetricTimeSeries.to_metric_result_filtered}): a sampled field's statistics over the
 * points in the window (numpy's percentiles, n-1 deviation, count and sum), a counted field's
 * increase from the last point before the window to the last in it, in AIPerf's units.
 */
public final class GpuSummaries {
  private static final double[] PERCENTILES = {1, 5, 10, 25, 50, 75, 90, 95, 99};

  private GpuSummaries() {}

  /** Who a GPU is, from the exporter's labels. */
  private record Gpu(int index, String uuid, String name, String hostname) {}

  private static @Nullable Gpu gpu(Labels labels) {
    String index = labels.get("gpu");
    if (index == null) {
      return null;
    }
    try {
      String uuid = labels.get("UUID");
      String name = labels.get("modelName");
      String host = labels.get("Hostname");
      return new Gpu(Integer.parseInt(index.trim()), uuid == null ? "gpu-" + index : uuid,
          name == null ? "" : name, host == null ? "" : host);
    } catch (NumberFormatException e) {
      return null; // AIPerf skips a sample whose gpu label is not a number
    }
  }

  /**
   * Every GPU of one endpoint over a window.
   *
   * @param e the endpoint's data
   * @param w the window
   * @return one entry per GPU, by index
   */
  public static List<GpuMetrics> of(EndpointData e, WindowStats.Window w) {
    Map<Gpu, Map<String, SeriesData>> byGpu = new LinkedHashMap<>();
    e.families().forEach((name, family) -> family.series().forEach((labels, series) -> {
      Gpu g = gpu(labels);
      if (g != null) {
        byGpu.computeIfAbsent(g, k -> new LinkedHashMap<>()).put(name, series);
      }
    }));
    List<GpuMetrics> out = new ArrayList<>();
    byGpu.forEach((g, families) -> {
      Map<String, MetricResult> metrics = new LinkedHashMap<>();
      for (GpuFields.Field f : GpuFields.FIELDS) {
        SeriesData s = series(families, f.dcgm());
        if (s == null && f.key().equals("nvidia_memory_total")) {
          s = sum(series(families, "DCGM_FI_DEV_FB_USED"),
              series(families, "DCGM_FI_DEV_FB_FREE"));
        }
        if (s == null) {
          continue;
        }
        MetricResult m = f.counter() ? counted(f, s, w) : sampled(f, s, w);
        if (m != null) {
          metrics.put(f.key(), m);
        }
      }
      out.add(new GpuMetrics(e.url(), g.index(), g.uuid(), g.name(), "nvidia", g.hostname(),
          metrics));
    });
    out.sort(Comparator.comparingInt(GpuMetrics::index));
    return out;
  }

  private static @Nullable SeriesData series(Map<String, SeriesData> families, String dcgm) {
    SeriesData s = families.get(dcgm);
    return s != null ? s : families.get(dcgm + "_total");
  }

  /** Framebuffer used plus free, point by point of the same scrape. */
  private static @Nullable SeriesData sum(@Nullable SeriesData used, @Nullable SeriesData free) {
    if (used == null || free == null) {
      return null;
    }
    SeriesData total = new SeriesData();
    int j = 0;
    for (int i = 0; i < used.size(); i++) {
      while (j < free.size() && free.time(j) < used.time(i)) {
        j++;
      }
      if (j < free.size() && free.time(j) == used.time(i)) {
        total.add(used.time(i), new Point.Scalar(value(used, i) + value(free, j)));
      }
    }
    return total.size() == 0 ? null : total;
  }

  private static double value(SeriesData s, int i) {
    return s.point(i) instanceof Point.Scalar v ? v.value() : Double.NaN;
  }

  private static @Nullable MetricResult counted(GpuFields.Field f, SeriesData s,
      WindowStats.Window w) {
    WindowStats.Result r = WindowStats.of(MetricType.COUNTER, s, w);
    if (r == null) {
      return null;
    }
    return MetricResult.scalar(new MetricTag(f.key()), f.display(), f.unit(),
        r.stats().getOrDefault("total", 0.0) * f.scale());
  }

  private static @Nullable MetricResult sampled(GpuFields.Field f, SeriesData s,
      WindowStats.Window w) {
    double[] v = WindowStats.gaugeValues(s, w);
    int n = v.length;
    if (n == 0) {
      return null;
    }
    for (int i = 0; i < n; i++) {
      v[i] *= f.scale();
    }
    double[] sorted = Stats.sortedCopy(v, n);
    double mean = Stats.mean(v, n);
    double squares = 0;
    for (double x : v) {
      squares += (x - mean) * (x - mean);
    }
    double[] p = new double[PERCENTILES.length];
    for (int i = 0; i < p.length; i++) {
      p[i] = Stats.percentile(sorted, n, PERCENTILES[i]);
    }
    return new MetricResult(new MetricTag(f.key()), f.display(), f.unit(), false, n, mean,
        sorted[0], sorted[n - 1], Stats.sum(v, n), n > 1 ? Math.sqrt(squares / (n - 1)) : 0,
        p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]);
  }

  /**
   * One scrape's fields per GPU, scaled to AIPerf's units, for {@code gpu_telemetry_export.jsonl}.
   *
   * @param snapshot the page's points
   * @return per GPU (index, uuid, model, the labels that identify it) its fields
   */
  public static List<Map.Entry<Labels, Map<String, Double>>> fields(
      io.aiperf.engine.internal.servermetrics.Snapshot snapshot) {
    Map<String, Map.Entry<Labels, Map<String, Double>>> byIndex = new LinkedHashMap<>();
    for (var family : snapshot.families()) {
      GpuFields.Field f = GpuFields.byDcgm(family.name());
      family.points().forEach((labels, point) -> {
        String index = labels.get("gpu");
        if (index == null || !(point instanceof Point.Scalar v) || gpu(labels) == null) {
          return;
        }
        var entry = byIndex.computeIfAbsent(index, k -> Map.entry(labels, new LinkedHashMap<>()));
        if (f != null) {
          entry.getValue().put(f.key(), v.value() * f.scale());
        }
      });
    }
    // Ordered as AIPerf's fields, not as the page.
    List<Map.Entry<Labels, Map<String, Double>>> out = new ArrayList<>();
    for (var e : byIndex.values()) {
      Map<String, Double> ordered = new LinkedHashMap<>();
      for (GpuFields.Field f : GpuFields.FIELDS) {
        Double v = e.getValue().get(f.key());
        if (v != null) {
          ordered.put(f.key(), v);
        }
      }
      out.add(Map.entry(e.getKey(), ordered));
    }
    return out;
  }
}
