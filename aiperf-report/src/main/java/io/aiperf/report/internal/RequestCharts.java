package io.aiperf.report.internal;

import io.aiperf.report.internal.Chart.Series;
import io.aiperf.report.internal.Chart.Style;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The charts made from a run's requests ({@code profile_export.jsonl}), after AIPerf's plot types:
 * the request timeline, percentile bands and throughput over time, in-flight requests, histograms
 * and ISL/OSL scatter. Every statistic is computed from all requests; only the number of points
 * per chart is capped ({@code budget}), for the HTML report.
 */
final class RequestCharts {
  private final Requests r;
  private final int budget;
  private final long origin;
  /** Window of the charts over time, seconds. */
  private final double window;
  private final int windows;
  private final double span;

  RequestCharts(Requests r, double sliceSeconds, int budget) {
    this.r = r;
    this.budget = budget;
    this.origin = r.originNs();
    this.span = Math.max(1e-3, (r.lastEndNs() - origin) / 1e9);
    // The run's own slice length when it set one and it gives a readable number of windows.
    double w = sliceSeconds > 0 && span / sliceSeconds <= 600 && span / sliceSeconds >= 4
        ? sliceSeconds : Stats.niceStep(span / 60);
    this.window = w;
    this.windows = Math.max(1, (int) Math.ceil(span / w));
  }

  List<Chart> all() {
    List<Chart> charts = new ArrayList<>();
    charts.add(timeline());
    if (r.count(Requests.OK) > 0) {
      if (has(r.ttft)) {
        charts.add(bands("ttft_percentiles_over_time", "Time to First Token", r.ttft));
      }
      charts.add(bands("latency_percentiles_over_time", "Request Latency", r.latency));
    }
    charts.add(throughput());
    charts.add(inFlight());
    addHistogram(charts, "ttft_histogram", "Time to First Token", "ms", r.ttft);
    addHistogram(charts, "latency_histogram", "Request Latency", "ms", r.latency);
    addHistogram(charts, "itl_histogram", "Inter Token Latency", "ms", r.itl);
    addHistogram(charts, "isl_histogram", "Input Sequence Length", "tokens", r.isl);
    addHistogram(charts, "osl_histogram", "Output Sequence Length", "tokens", r.osl);
    addScatter(charts, "isl_vs_latency", "Input Sequence Length", r.isl);
    addScatter(charts, "osl_vs_latency", "Output Sequence Length", r.osl);
    charts.removeIf(c -> !c.hasData());
    return charts;
  }

  private boolean has(double[] values) {
    for (int i = 0; i < r.size; i++) {
      if (r.outcome[i] == Requests.OK && Double.isFinite(values[i])) {
        return true;
      }
    }
    return false;
  }

  private double t(long ns) {
    return (ns - origin) / 1e9;
  }

  private int[] rows(byte outcome) {
    int[] rows = new int[r.size];
    int m = 0;
    for (int i = 0; i < r.size; i++) {
      if (r.outcome[i] == outcome) {
        rows[m++] = i;
      }
    }
    return Arrays.copyOf(rows, m);
  }

  /** TTFT and latency per request at its start time; errors and cancellations as crosses. */
  private Chart timeline() {
    int[] ok = rows(Requests.OK);
    int[] errors = rows(Requests.ERROR);
    int[] cancelled = rows(Requests.CANCELLED);
    int failedBudget = Math.max(100, budget / 5);
    int[] shownErrors = Stats.sample(errors, r.latency, failedBudget);
    int[] shownCancelled = Stats.sample(cancelled, r.latency, failedBudget);
    boolean ttft = has(r.ttft);
    int okBudget = Math.max(100, (budget - shownErrors.length - shownCancelled.length)
        / (ttft ? 2 : 1));
    int[] shown = Stats.sample(ok, r.latency, okBudget);
    List<Series> series = new ArrayList<>();
    if (ttft) {
      series.add(points("Time to first token", shown, r.ttft, Style.POINTS, Chart.color(0)));
    }
    series.add(points("Request latency", shown, r.latency, Style.POINTS, Chart.color(1)));
    if (errors.length > 0) {
      series.add(points("Error (time to error)", shownErrors, r.latency, Style.CROSSES,
          Chart.ERROR_COLOR));
    }
    if (cancelled.length > 0) {
      series.add(points("Cancelled", shownCancelled, r.latency, Style.CROSSES, 0x7F7F7F));
    }
    String note = "";
    if (shown.length < ok.length || shownErrors.length < errors.length
        || shownCancelled.length < cancelled.length) {
      note = String.format(Locale.ROOT, "Shows %,d of %,d successful requests (evenly spaced,"
          + " plus the slowest 1%%) and %,d of %,d failed ones; the percentile bands below use"
          + " every request.", shown.length, ok.length, shownErrors.length + shownCancelled.length,
          errors.length + cancelled.length);
    }
    return new Chart("request_timeline", "Request Timeline: TTFT and Latency per Request",
        "Each request at the time it was sent: its time to first token and its latency; failed"
        + " requests are crosses at the time they took to fail.", "time since the first request"
        + " (s)", "ms", null, series, note);
  }

  private Series points(String label, int[] rows, double[] y, Style style, int color) {
    double[] xs = new double[rows.length];
    double[] ys = new double[rows.length];
    for (int k = 0; k < rows.length; k++) {
      xs[k] = t(r.startNs[rows[k]]);
      ys[k] = y[rows[k]];
    }
    return Series.of(label, xs, ys, style, color);
  }

  /** Percentiles of successful requests per window of their start time. */
  private Chart bands(String id, String metric, double[] values) {
    double[][] perWindow = new double[windows][];
    int[] counts = new int[windows];
    for (int i = 0; i < r.size; i++) {
      if (r.outcome[i] == Requests.OK && Double.isFinite(values[i])) {
        counts[win(r.startNs[i])]++;
      }
    }
    for (int w = 0; w < windows; w++) {
      perWindow[w] = new double[counts[w]];
      counts[w] = 0;
    }
    for (int i = 0; i < r.size; i++) {
      if (r.outcome[i] == Requests.OK && Double.isFinite(values[i])) {
        int w = win(r.startNs[i]);
        perWindow[w][counts[w]++] = values[i];
      }
    }
    double[] x = new double[windows];
    double[] p50 = new double[windows];
    double[] p90 = new double[windows];
    double[] p99 = new double[windows];
    double[] min = new double[windows];
    double[] max = new double[windows];
    for (int w = 0; w < windows; w++) {
      double[] v = perWindow[w];
      Arrays.sort(v);
      x[w] = middle(w);
      p50[w] = Stats.percentile(v, v.length, 50);
      p90[w] = Stats.percentile(v, v.length, 90);
      p99[w] = Stats.percentile(v, v.length, 99);
      min[w] = v.length == 0 ? Double.NaN : v[0];
      max[w] = v.length == 0 ? Double.NaN : v[v.length - 1];
    }
    List<Series> series = List.of(
        new Series("p50 (band: min to max)", x, p50, min, max, Style.BAND, Chart.color(0), false),
        Series.of("p90", x, p90, Style.LINE, Chart.color(1)),
        Series.of("p99", x, p99, Style.LINE, Chart.color(5)));
    return new Chart(id, metric + ": Percentiles over Time",
        String.format(Locale.ROOT, "Percentiles of the successful requests sent in each %s s"
            + " window.", fmt(window)), "time since the first request (s)", metric + " (ms)",
        null, series, "");
  }

  /** How long window {@code w} is: the last one ends with the run. */
  private double length(int w) {
    return Math.max(1e-9, Math.min(window, span - w * window));
  }

  /** The middle of window {@code w}. */
  private double middle(int w) {
    return w * window + length(w) / 2;
  }

  private int win(long ns) {
    return Math.min(windows - 1, Math.max(0, (int) (t(ns) / window)));
  }

  /** Completed requests per second, and output tokens per second spread over each generation. */
  private Chart throughput() {
    double[] done = new double[windows];
    double[] failed = new double[windows];
    double[] tokens = new double[windows];
    for (int i = 0; i < r.size; i++) {
      int w = win(r.endNs[i]);
      if (r.outcome[i] == Requests.OK) {
        done[w]++;
      } else {
        failed[w]++;
      }
      if (r.outcome[i] != Requests.OK || !Double.isFinite(r.osl[i])) {
        continue;
      }
      // As AIPerf's dispersed throughput: the tokens arrive between first token and end.
      double from = t(r.startNs[i]) + (Double.isFinite(r.ttft[i]) ? r.ttft[i] / 1000 : 0);
      double to = Math.max(from, t(r.endNs[i]));
      spread(tokens, from, to, r.osl[i]);
    }
    double[] x = new double[windows];
    boolean anyFailed = false;
    for (int w = 0; w < windows; w++) {
      x[w] = middle(w);
      done[w] /= length(w);
      anyFailed |= failed[w] > 0;
      failed[w] /= length(w);
      tokens[w] /= length(w);
    }
    List<Series> series = new ArrayList<>();
    series.add(Series.of("Requests completed / s", x, done, Style.LINE, Chart.color(0)));
    if (anyFailed) {
      series.add(Series.of("Requests failed / s", x, failed, Style.LINE, Chart.ERROR_COLOR));
    }
    boolean anyTokens = Arrays.stream(tokens).anyMatch(v -> v > 0);
    if (anyTokens) {
      series.add(Series.of("Output tokens / s", x, tokens, Style.LINE, Chart.color(2))
          .onRightAxis());
    }
    return new Chart("throughput_over_time", "Throughput over Time",
        String.format(Locale.ROOT, "Requests ended per second and output tokens per second (each"
            + " request's tokens spread over its generation), per %s s window.", fmt(window)),
        "time since the first request (s)", "requests / s", anyTokens ? "tokens / s" : null,
        series, "");
  }

  private void spread(double[] acc, double from, double to, double amount) {
    if (to <= from) {
      acc[Math.min(windows - 1, Math.max(0, (int) (from / window)))] += amount;
      return;
    }
    int first = Math.max(0, (int) (from / window));
    int last = Math.min(windows - 1, (int) (to / window));
    for (int w = first; w <= last; w++) {
      double overlap = Math.min(to, (w + 1) * window) - Math.max(from, w * window);
      if (overlap > 0) {
        acc[w] += amount * overlap / (to - from);
      }
    }
  }

  /** Requests in flight: the time-weighted average and the maximum per window. */
  private Chart inFlight() {
    long[] starts = Arrays.copyOf(r.startNs, r.size);
    long[] ends = Arrays.copyOf(r.endNs, r.size);
    Arrays.sort(starts);
    Arrays.sort(ends);
    double[] area = new double[windows];
    double[] max = new double[windows];
    int s = 0;
    int e = 0;
    int level = 0;
    double prev = 0;
    while (s < starts.length || e < ends.length) {
      boolean start = s < starts.length && (e >= ends.length || starts[s] <= ends[e]);
      double now = t(start ? starts[s] : ends[e]);
      addLevel(area, max, prev, now, level);
      level += start ? 1 : -1;
      if (start) {
        s++;
      } else {
        e++;
      }
      int w = Math.min(windows - 1, Math.max(0, (int) (now / window)));
      max[w] = Math.max(max[w], level);
      prev = now;
    }
    double[] x = new double[windows];
    for (int w = 0; w < windows; w++) {
      x[w] = middle(w);
      area[w] /= length(w);
    }
    return new Chart("in_flight_over_time", "Requests in Flight over Time",
        String.format(Locale.ROOT, "Requests sent and not yet answered: the time-weighted average"
            + " and the maximum per %s s window.", fmt(window)), "time since the first request"
        + " (s)", "requests", null,
        List.of(Series.of("average in flight", x, area, Style.LINE, Chart.color(0)),
            Series.of("max in flight", x, max, Style.STEP, Chart.color(1))), "");
  }

  /** Adds a level that held from {@code from} to {@code to} to each window it overlaps. */
  private void addLevel(double[] area, double[] max, double from, double to, int level) {
    if (level == 0 || to <= from) {
      return;
    }
    int first = Math.max(0, (int) (from / window));
    int last = Math.min(windows - 1, (int) (to / window));
    for (int w = first; w <= last; w++) {
      double overlap = Math.min(to, (w + 1) * window) - Math.max(from, w * window);
      if (overlap > 0) {
        area[w] += level * overlap;
        max[w] = Math.max(max[w], level);
      }
    }
  }

  private void addHistogram(List<Chart> charts, String id, String metric, String unit,
      double[] values) {
    double[] v = Stats.sortedFinite(values, r.size, i -> r.outcome[i] == Requests.OK);
    if (v.length == 0) {
      return;
    }
    int bins = 40;
    double lo = v[0];
    double hi = v[v.length - 1];
    double width = hi > lo ? (hi - lo) / bins : 1;
    if (hi == lo) {
      bins = 1;
      lo -= 0.5;
    }
    double[] x = new double[bins];
    double[] counts = new double[bins];
    for (double d : v) {
      counts[Math.min(bins - 1, (int) ((d - lo) / width))]++;
    }
    for (int b = 0; b < bins; b++) {
      x[b] = lo + (b + 0.5) * width;
    }
    charts.add(new Chart(id, metric + ": Histogram", String.format(Locale.ROOT,
        "How many successful requests fell in each of %d bins of %s %s (%,d requests; p50 %s,"
            + " p99 %s).", bins, fmt(width), unit, v.length, fmt(Stats.percentile(v, v.length,
            50)), fmt(Stats.percentile(v, v.length, 99))),
        metric + " (" + unit + ")", "requests", null,
        List.of(Series.of(metric, x, counts, Style.BARS, Chart.color(0))), ""));
  }

  private void addScatter(List<Chart> charts, String id, String metric, double[] xs) {
    int[] ok = rows(Requests.OK);
    int[] withX = Arrays.stream(ok).filter(i -> Double.isFinite(xs[i])
        && Double.isFinite(r.latency[i])).toArray();
    if (withX.length == 0) {
      return;
    }
    int[] shown = Stats.sample(withX, r.latency, budget);
    int[] byX = Arrays.stream(shown).boxed().sorted((a, b) -> Double.compare(xs[a], xs[b]))
        .mapToInt(Integer::intValue).toArray();
    double[] x = new double[byX.length];
    double[] y = new double[byX.length];
    for (int k = 0; k < byX.length; k++) {
      x[k] = xs[byX[k]];
      y[k] = r.latency[byX[k]];
    }
    String note = shown.length < withX.length ? String.format(Locale.ROOT, "Shows %,d of %,d"
        + " requests (evenly spaced, plus the slowest 1%%).", shown.length, withX.length) : "";
    charts.add(new Chart(id, metric + " vs Request Latency", "One point per successful request.",
        metric + " (tokens)", "Request Latency (ms)", null,
        List.of(Series.of("requests", x, y, Style.POINTS, Chart.color(2))), note));
  }

  static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return "n/a";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.format(Locale.ROOT, "%,d", (long) v);
    }
    double a = Math.abs(v);
    return String.format(Locale.ROOT, a >= 100 ? "%,.1f" : a >= 1 ? "%.2f" : "%.3g", v);
  }
}
