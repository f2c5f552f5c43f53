package io.aiperf.report.internal;

import io.aiperf.report.internal.Chart.Series;
import io.aiperf.report.internal.Chart.Style;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The charts of one run (per-request charts, time slices, GPU and server-metrics timelines) and
 * of several runs side by side (Pareto fronts, percentiles by run).
 */
final class Charts {
  /** At most this many GPU and this many server-metrics charts per run. */
  static final int MAX_GPU_CHARTS = 8;
  static final int MAX_SERVER_CHARTS = 12;
  static final int MAX_SERIES_PER_CHART = 8;

  private Charts() {}

  /** A run's charts, and the notes on what was left out. */
  record ForRun(List<Chart> charts, List<String> notes) {}

  static ForRun single(RunData run, int budget) {
    List<Chart> charts = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    double slice = run.config().path("artifacts").path("slice_duration").asDouble(0);
    if (run.requests() != null) {
      charts.addAll(new RequestCharts(run.requests(), slice, budget).all());
    }
    long origin = origin(run);
    if (!run.slices().isEmpty()) {
      charts.addAll(slices(run.slices(), origin));
    }
    // GPU samples carry no phase: those long before or after the requests (AIPerf's baseline
    // scrape) would stretch the axis, so they are cut to the run's span when it is known.
    List<TimeSeries.Group> gpu = run.gpu();
    if (run.requests() != null) {
      long margin = 2_000_000_000L;
      gpu = clip(gpu, run.requests().originNs() - margin, run.requests().lastEndNs() + margin);
    }
    charts.addAll(timelines("gpu_", "GPU", gpu, origin, MAX_GPU_CHARTS, notes, run));
    charts.addAll(timelines("server_", "Server", run.server(), origin, MAX_SERVER_CHARTS, notes,
        run));
    charts.removeIf(c -> !c.hasData());
    return new ForRun(charts, notes);
  }

  private static List<TimeSeries.Group> clip(List<TimeSeries.Group> groups, long from, long to) {
    List<TimeSeries.Group> out = new ArrayList<>();
    for (TimeSeries.Group g : groups) {
      List<TimeSeries> series = new ArrayList<>();
      for (TimeSeries s : g.series()) {
        int n = 0;
        for (long t : s.timeNs()) {
          n += t >= from && t <= to ? 1 : 0;
        }
        long[] times = new long[n];
        double[] values = new double[n];
        int k = 0;
        for (int i = 0; i < s.size(); i++) {
          if (s.timeNs()[i] >= from && s.timeNs()[i] <= to) {
            times[k] = s.timeNs()[i];
            values[k++] = s.values()[i];
          }
        }
        series.add(new TimeSeries(s.label(), times, values));
      }
      out.add(new TimeSeries.Group(g.metric(), g.unit(), g.kind(), series));
    }
    return out;
  }

  /** Where time zero is: the first request, else the first slice, else the first sample. */
  private static long origin(RunData run) {
    if (run.requests() != null) {
      return run.requests().originNs();
    }
    if (!run.slices().isEmpty()) {
      return run.slices().get(0).startNs();
    }
    long min = Long.MAX_VALUE;
    for (List<TimeSeries.Group> groups : List.of(run.gpu(), run.server())) {
      for (TimeSeries.Group g : groups) {
        for (TimeSeries s : g.series()) {
          if (s.size() > 0) {
            min = Math.min(min, s.timeNs()[0]);
          }
        }
      }
    }
    return min == Long.MAX_VALUE ? 0 : min;
  }

  /** AIPerf's time-slice plots: averages per slice, and throughput per slice. */
  private static List<Chart> slices(List<RunData.Slice> slices, long origin) {
    int n = slices.size();
    double[] x = new double[n];
    double[] ttft = new double[n];
    double[] itl = new double[n];
    double[] lat = new double[n];
    double[] p99 = new double[n];
    double[] req = new double[n];
    double[] tok = new double[n];
    for (int i = 0; i < n; i++) {
      RunData.Slice s = slices.get(i);
      x[i] = ((s.startNs() + s.endNs()) / 2 - origin) / 1e9;
      ttft[i] = s.ttftAvg();
      itl[i] = s.itlAvg();
      lat[i] = s.latencyAvg();
      p99[i] = s.latencyP99();
      req[i] = s.requestThroughput();
      tok[i] = s.outputTokenThroughput();
    }
    Style style = n == 1 ? Style.POINTS : Style.LINE;
    String desc = "From profile_export_aiperf_timeslices.json: one point per time slice, at its"
        + " middle.";
    return List.of(
        new Chart("timeslices_latency", "Latency across Time Slices", desc,
            "time since the start (s)", "ms", null, List.of(
                Series.of("Time to first token, avg", x, ttft, style, Chart.color(0)),
                Series.of("Inter token latency, avg", x, itl, style, Chart.color(2)),
                Series.of("Request latency, avg", x, lat, style, Chart.color(1)),
                Series.of("Request latency, p99", x, p99, style, Chart.color(5))), ""),
        new Chart("timeslices_throughput", "Throughput across Time Slices", desc,
            "time since the start (s)", "requests / s", "tokens / s", List.of(
                Series.of("Request throughput", x, req, style, Chart.color(0)),
                Series.of("Output token throughput", x, tok, style, Chart.color(2))
                    .onRightAxis()), ""));
  }

  /** One chart per metric group, the most changing first, constant ones left out. */
  private static List<Chart> timelines(String prefix, String what, List<TimeSeries.Group> groups,
      long origin, int max, List<String> notes, RunData run) {
    List<TimeSeries.Group> moving = new ArrayList<>(groups.stream()
        .filter(g -> g.series().stream().anyMatch(s -> s.size() > 0)).toList());
    List<TimeSeries.Group> sorted = new ArrayList<>(moving);
    sorted.sort(Comparator.comparingDouble(TimeSeries.Group::variation).reversed());
    List<TimeSeries.Group> shown = new ArrayList<>(sorted.subList(0, Math.min(max,
        sorted.size())));
    shown.removeIf(g -> g.variation() == 0 && shown.size() > 4);
    if (shown.size() < groups.size()) {
      notes.add(String.format(Locale.ROOT, "%s: %d of %d %s metrics are charted (those that"
          + " changed most during the run); the others are in the export file.", run.name(),
          shown.size(), groups.size(), what.toLowerCase(Locale.ROOT)));
    }
    shown.sort(Comparator.comparing(TimeSeries.Group::metric));
    List<Chart> charts = new ArrayList<>();
    for (TimeSeries.Group g : shown) {
      List<TimeSeries> ss = new ArrayList<>(g.series());
      ss.sort(Comparator.comparingDouble(TimeSeries::variation).reversed());
      List<Series> series = new ArrayList<>();
      for (int i = 0; i < Math.min(MAX_SERIES_PER_CHART, ss.size()); i++) {
        TimeSeries s = ss.get(i);
        double[] x = new double[s.size()];
        for (int k = 0; k < x.length; k++) {
          x[k] = (s.timeNs()[k] - origin) / 1e9;
        }
        series.add(Series.of(s.label(), x, s.values(), s.size() == 1 ? Style.POINTS
            : Style.LINE, Chart.color(i)));
      }
      String kind = switch (g.kind()) {
        case "rate" -> " (rate per second of a counter)";
        case "average" -> " (mean per scrape interval of a histogram)";
        default -> "";
      };
      String note = ss.size() > MAX_SERIES_PER_CHART ? String.format(Locale.ROOT,
          "Shows the %d of %d series that changed most.", MAX_SERIES_PER_CHART, ss.size()) : "";
      charts.add(new Chart(prefix + safe(g.metric()), what + ": " + g.metric(),
          what + " metric " + g.metric() + kind + " over the run.", "time since the start (s)",
          g.unit().isEmpty() ? "value" : g.unit(), null, series, note));
    }
    return charts;
  }

  static String safe(String name) {
    return name.replaceAll("[^A-Za-z0-9_.-]", "_");
  }

  /** Charts comparing runs; empty for fewer than two runs with an aggregate or requests. */
  static List<Chart> compare(List<RunData> runs) {
    List<RunData> usable = runs.stream().filter(r -> r.aggregate() != null
        || r.requests() != null).toList();
    if (usable.size() < 2) {
      return List.of();
    }
    List<Summary> s = usable.stream().map(Summary::of).toList();
    List<Chart> charts = new ArrayList<>();
    charts.add(pareto("pareto_throughput_vs_latency", "Pareto: Output Token Throughput vs"
        + " Request Latency", "Each run at its average request latency and output token"
        + " throughput; the line joins the runs no other run beats on both (lower latency,"
        + " higher throughput).", "Request Latency, avg (ms)", s, Summary::latencyAvg, false));
    charts.add(pareto("pareto_throughput_per_user_vs_total", "Pareto: Token Throughput per User"
        + " vs Total", "Each run at its output token throughput per user (interactivity) and in"
        + " total; the line joins the runs no other run beats on both.",
        "Output Token Throughput per User, avg (tokens/s/user)", s, Summary::perUser, true));
    charts.add(scatterLine("ttft_vs_throughput", "TTFT vs Request Throughput",
        "Each run at its average time to first token and request throughput.",
        "Time to First Token, avg (ms)", "Request Throughput (requests/s)", s,
        Summary::ttftAvg, Summary::requestThroughput));
    charts.add(percentiles("latency_percentiles_by_run", "Request Latency Percentiles by Run",
        "request_latency", usable));
    charts.add(percentiles("ttft_percentiles_by_run", "Time to First Token Percentiles by Run",
        "time_to_first_token", usable));
    charts.removeIf(c -> !c.hasData());
    return charts;
  }

  private static Chart pareto(String id, String title, String desc, String xLabel,
      List<Summary> s, java.util.function.ToDoubleFunction<Summary> xOf, boolean higherXBetter) {
    List<Series> series = new ArrayList<>();
    List<double[]> points = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      double x = xOf.applyAsDouble(s.get(i));
      double y = s.get(i).outputThroughput();
      series.add(Series.of(s.get(i).name(), new double[] {x}, new double[] {y}, Style.POINTS,
          Chart.color(i)));
      if (Double.isFinite(x) && Double.isFinite(y)) {
        points.add(new double[] {x, y});
      }
    }
    // Best x first; a run is on the front when its throughput beats every better-x run's.
    points.sort((a, b) -> higherXBetter ? Double.compare(b[0], a[0]) : Double.compare(a[0], b[0]));
    List<double[]> front = new ArrayList<>();
    double best = Double.NEGATIVE_INFINITY;
    for (double[] p : points) {
      if (p[1] > best) {
        front.add(p);
        best = p[1];
      }
    }
    front.sort(Comparator.comparingDouble(p -> p[0]));
    series.add(Series.of("Pareto front", front.stream().mapToDouble(p -> p[0]).toArray(),
        front.stream().mapToDouble(p -> p[1]).toArray(), Style.LINE, 0x444444));
    return new Chart(id, title, desc, xLabel, "Output Token Throughput (tokens/s)", null, series,
        "");
  }

  private static Chart scatterLine(String id, String title, String desc, String xLabel,
      String yLabel, List<Summary> s, java.util.function.ToDoubleFunction<Summary> xOf,
      java.util.function.ToDoubleFunction<Summary> yOf) {
    List<Series> series = new ArrayList<>();
    for (int i = 0; i < s.size(); i++) {
      series.add(Series.of(s.get(i).name(), new double[] {xOf.applyAsDouble(s.get(i))},
          new double[] {yOf.applyAsDouble(s.get(i))}, Style.POINTS, Chart.color(i)));
    }
    List<Summary> byX = new ArrayList<>(s);
    byX.sort(Comparator.comparingDouble(xOf));
    series.add(Series.of("runs in order", byX.stream().mapToDouble(xOf).toArray(),
        byX.stream().mapToDouble(yOf).toArray(), Style.LINE, 0x444444));
    return new Chart(id, title, desc, xLabel, yLabel, null, series, "");
  }

  private static final String[] PERCENTILES = {"p1", "p5", "p10", "p25", "p50", "p75", "p90",
      "p95", "p99"};

  private static Chart percentiles(String id, String title, String metric, List<RunData> runs) {
    List<Series> series = new ArrayList<>();
    double[] x = {1, 5, 10, 25, 50, 75, 90, 95, 99};
    for (int i = 0; i < runs.size(); i++) {
      RunData run = runs.get(i);
      double[] y = new double[PERCENTILES.length];
      for (int k = 0; k < y.length; k++) {
        y[k] = run.stat(metric, PERCENTILES[k]);
      }
      series.add(Series.of(run.name(), x, y, Style.LINE, Chart.color(i)));
    }
    return new Chart(id, title, "The percentiles of each run's " + metric + ", from its"
        + " aggregate export.", "percentile", "ms", null, series, "");
  }
}
