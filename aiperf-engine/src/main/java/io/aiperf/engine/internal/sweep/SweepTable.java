package io.aiperf.engine.internal.sweep;

import io.aiperf.api.Estimate;
import io.aiperf.api.SweepPlan;
import io.aiperf.api.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** The console table of a sweep: one row per point, a value ± its interval's half-width. */
final class SweepTable {
  private SweepTable() {}

  static String render(List<SweepPoint> points, SweepPlan plan) {
    List<String> header = new ArrayList<>();
    plan.parameters().keySet().forEach(p -> header.add(p.flag()));
    header.addAll(List.of("runs", "req/s", "TTFT avg ms", "TTFT p99 ms", "ITL avg ms",
        "latency p99 ms", "errors"));
    boolean priced = plan.gpuCostPerHour().isPresent();
    if (priced) {
      header.addAll(List.of("$/M in", "$/M out", "out tok/$"));
    }
    header.add("pareto");
    List<List<String>> rows = new ArrayList<>();
    for (SweepPoint p : points) {
      List<String> r = new ArrayList<>();
      plan.parameters().keySet().forEach(k -> r.add(String.valueOf(p.parameters().get(k))));
      r.add(p.runs().size() + (p.failures().isEmpty() ? "" : " (+" + p.failures().size() + " failed)"));
      Map<String, Estimate> m = p.metrics();
      r.add(cell(m.get("request_throughput_avg")));
      r.add(cell(m.get("time_to_first_token_avg")));
      r.add(cell(m.get("time_to_first_token_p99")));
      r.add(cell(m.get("inter_token_latency_avg")));
      r.add(cell(m.get("request_latency_p99")));
      Estimate errors = m.get("error_request_count_avg");
      r.add(errors == null ? "0" : String.format(Locale.ROOT, "%.0f", errors.mean()));
      if (priced) {
        r.add(p.cost().map(c -> fmt(c.costPerMillionInputTokens())).orElse(""));
        r.add(p.cost().map(c -> fmt(c.costPerMillionOutputTokens())).orElse(""));
        r.add(p.cost().map(c -> String.format(Locale.ROOT, "%.0f", c.outputTokensPerDollar()))
            .orElse(""));
      }
      r.add(p.paretoOptimal() ? "*" : "");
      rows.add(r);
    }
    int[] widths = new int[header.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = header.get(i).length();
      for (List<String> r : rows) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    sb.append(plan.parameters().isEmpty() ? "Repeated runs" : "Sweep").append(String.format(
        Locale.ROOT, " (%d point%s, %.0f%% confidence intervals as ±)%n", points.size(),
        points.size() == 1 ? "" : "s", plan.confidenceLevel() * 100));
    line(sb, header, widths);
    StringBuilder rule = new StringBuilder();
    for (int w : widths) {
      rule.append("-".repeat(w)).append("  ");
    }
    sb.append(rule.toString().stripTrailing()).append(System.lineSeparator());
    rows.forEach(r -> line(sb, r, widths));
    return sb.toString();
  }

  private static void line(StringBuilder sb, List<String> cells, int[] widths) {
    StringBuilder l = new StringBuilder();
    for (int i = 0; i < cells.size(); i++) {
      String c = cells.get(i);
      l.append(i == 0 ? String.format(Locale.ROOT, "%-" + widths[i] + "s", c)
          : String.format(Locale.ROOT, "%" + widths[i] + "s", c)).append("  ");
    }
    sb.append(l.toString().stripTrailing()).append(System.lineSeparator());
  }

  static String cell(@Nullable Estimate e) {
    if (e == null) {
      return "";
    }
    if (e.n() < 2 || !Double.isFinite(e.ciHigh())) {
      return fmt(e.mean());
    }
    return fmt(e.mean()) + " ± " + fmt((e.ciHigh() - e.ciLow()) / 2);
  }

  static String fmt(double v) {
    if (!Double.isFinite(v)) {
      return "";
    }
    return String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.1f" : "%.2f", v);
  }
}
