package io.aiperf.engine.internal.servermetrics;

import io.aiperf.engine.internal.prometheus.Exposition;
import io.aiperf.engine.internal.prometheus.Labels;
import io.aiperf.engine.internal.prometheus.MetricFamily;
import io.aiperf.engine.internal.prometheus.MetricType;
import io.aiperf.engine.internal.prometheus.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One scrape grouped as AIPerf groups it: a point per series (label set), histogram buckets and
 * summary quantiles gathered under their series' labels. As AIPerf: {@code _created} and
 * {@code _uptime} families are metadata and left out, a non-finite sample is dropped (a
 * histogram with one drops whole), and a label set repeated on a page keeps its last value.
 *
 * @param families the families with at least one point, in page order
 * @param dropped samples dropped for a value that is not finite
 */
public record Snapshot(List<Family> families, int dropped) {
  /**
   * One family's points.
   *
   * @param name the family name
   * @param type its type
   * @param help its HELP text
   * @param points label set to point
   */
  public record Family(String name, MetricType type, String help, Map<Labels, Point> points) {}

  /**
   * Groups a page.
   *
   * @param page the parsed page
   * @return its families' points
   */
  public static Snapshot of(Exposition page) {
    List<Family> out = new ArrayList<>();
    int dropped = 0;
    for (MetricFamily f : page.families()) {
      String n = f.name();
      if (n.endsWith("_created") || n.endsWith("_uptime") || n.contains("_uptime_")) {
        continue;
      }
      Map<Labels, Point> points = new LinkedHashMap<>();
      switch (f.type()) {
        case HISTOGRAM, GAUGE_HISTOGRAM -> dropped += histograms(f, points);
        case SUMMARY -> dropped += summaries(f, points);
        default -> {
          for (Sample s : f.samples()) {
            if (s.name().endsWith("_created")) {
              continue; // OpenMetrics: shares the _total sample's labels
            }
            if (!Double.isFinite(s.value())) {
              dropped++;
              continue;
            }
            points.put(s.labels(), new Point.Scalar(s.value()));
          }
        }
      }
      if (!points.isEmpty()) {
        out.add(new Family(n, f.type(), f.help(), points));
      }
    }
    return new Snapshot(out, dropped);
  }

  private static final class HistogramParts {
    final TreeMap<Double, String> les = new TreeMap<>();
    final Map<String, Double> counts = new LinkedHashMap<>();
    double sum = Double.NaN;
    double count = Double.NaN;
    boolean tainted;
  }

  private static int histograms(MetricFamily f, Map<Labels, Point> points) {
    Map<Labels, HistogramParts> parts = new LinkedHashMap<>();
    int dropped = 0;
    for (Sample s : f.samples()) {
      String name = s.name();
      boolean bucket = name.endsWith("_bucket");
      Labels key = bucket ? s.labels().without("le") : s.labels();
      HistogramParts p = parts.computeIfAbsent(key, k -> new HistogramParts());
      if (!Double.isFinite(s.value())) {
        dropped++;
        p.tainted = true;
        continue;
      }
      if (bucket) {
        String le = s.labels().get("le");
        le = le == null ? "+Inf" : le;
        double bound = bound(le);
        if (Double.isNaN(bound)) {
          p.tainted = true;
          continue;
        }
        p.les.put(bound, le);
        p.counts.put(le, s.value());
      } else if (name.endsWith("_sum") || name.endsWith("_gsum")) {
        p.sum = s.value();
      } else if (name.endsWith("_count") || name.endsWith("_gcount")) {
        p.count = s.value();
      }
    }
    parts.forEach((labels, p) -> {
      if (p.tainted || p.les.isEmpty()) {
        return;
      }
      int n = p.les.size();
      String[] les = new String[n];
      double[] bounds = new double[n];
      double[] cumulative = new double[n];
      int i = 0;
      for (Map.Entry<Double, String> e : p.les.entrySet()) {
        bounds[i] = e.getKey();
        les[i] = e.getValue();
        cumulative[i] = p.counts.getOrDefault(e.getValue(), 0.0);
        i++;
      }
      double count = Double.isNaN(p.count) ? cumulative[n - 1] : p.count;
      points.put(labels, new Point.Histogram(les, bounds, cumulative,
          Double.isNaN(p.sum) ? 0 : p.sum, count));
    });
    return dropped;
  }

  private static int summaries(MetricFamily f, Map<Labels, Point> points) {
    Map<Labels, Map<String, Double>> quantiles = new LinkedHashMap<>();
    Map<Labels, double[]> sumCount = new LinkedHashMap<>();
    int dropped = 0;
    for (Sample s : f.samples()) {
      if (s.name().endsWith("_created")) {
        continue;
      }
      if (!Double.isFinite(s.value())) {
        dropped++;
        continue;
      }
      String q = s.labels().get("quantile");
      if (q != null) {
        quantiles.computeIfAbsent(s.labels().without("quantile"), k -> new TreeMap<>(
            Comparator.comparingDouble(Snapshot::bound))).put(q, s.value());
        sumCount.computeIfAbsent(s.labels().without("quantile"), k -> new double[] {0, 0});
      } else if (s.name().endsWith("_sum")) {
        sumCount.computeIfAbsent(s.labels(), k -> new double[] {0, 0})[0] = s.value();
      } else if (s.name().endsWith("_count")) {
        sumCount.computeIfAbsent(s.labels(), k -> new double[] {0, 0})[1] = s.value();
      }
    }
    sumCount.forEach((labels, sc) -> points.put(labels, new Point.Summary(
        quantiles.getOrDefault(labels, Map.of()), sc[0], sc[1])));
    return dropped;
  }

  /** A bucket bound or quantile as a number; NaN when it is none. */
  static double bound(String le) {
    String s = le.trim();
    if (s.equalsIgnoreCase("+Inf") || s.equalsIgnoreCase("Inf")) {
      return Double.POSITIVE_INFINITY;
    }
    try {
      return Double.parseDouble(s);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  @Override
  public String toString() {
    return "Snapshot" + Arrays.toString(families.stream().map(Family::name).toArray());
  }
}
