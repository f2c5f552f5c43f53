package io.aiperf.engine.internal.sweep;

import io.aiperf.api.Cost;
import io.aiperf.api.Estimate;
import io.aiperf.api.SweepPlan;
import io.aiperf.api.SweepPlan.Parameter;
import io.aiperf.api.SweepPoint;
import io.aiperf.engine.internal.export.AggregateFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Builds AIPerf 0.13's {@code profile_export_aiperf_sweep} document from the measured points. */
final class SweepFiles {
  private SweepFiles() {}

  static void write(Path dir, SweepPlan plan, List<SweepPoint> points,
      List<List<Runs.Outcome>> outcomes, Map<Parameter, String> names) throws IOException {
    Map<String, Object> doc = document(points, outcomes, names,
        plan.order().name().toLowerCase(Locale.ROOT), plan.confidenceLevel(), plan.runs() > 1,
        plan.parameters());
    AggregateFiles.writeSweep(dir, doc, List.copyOf(names.values()));
  }

  static Map<String, Object> document(List<SweepPoint> points, List<List<Runs.Outcome>> outcomes,
      Map<Parameter, String> names, String mode, double confidenceLevel, boolean multi,
      Map<Parameter, List<Number>> swept) {
    List<SweepPoint> measured = points.stream().filter(p -> !p.runs().isEmpty()).toList();
    Map<String, Object> doc = new LinkedHashMap<>();
    doc.put("aggregation_type", "sweep");
    int total = outcomes.stream().mapToInt(List::size).sum();
    doc.put("num_profile_runs", total);
    doc.put("num_successful_runs", points.stream().mapToInt(p -> p.runs().size()).sum());
    List<Object> failed = new ArrayList<>();
    outcomes.forEach(list -> list.stream().filter(o -> o.error() != null).forEach(o -> {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("label", o.label());
      f.put("error", o.error());
      failed.add(f);
    }));
    doc.put("failed_runs", failed);

    Map<String, Object> md = new LinkedHashMap<>();
    List<Object> parameters = new ArrayList<>();
    int combinations = 1;
    for (var e : swept.entrySet()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", names.get(e.getKey()));
      List<Object> values = new ArrayList<>();
      e.getValue().stream().distinct().forEach(values::add);
      p.put("values", values);
      parameters.add(p);
      combinations *= values.size();
    }
    md.put("sweep_parameters", parameters);
    md.put("num_combinations", combinations);
    md.put("sweep_mode", mode);
    md.put("confidence_level", confidenceLevel);
    md.put("num_trials_per_value", outcomes.stream().mapToInt(List::size).max().orElse(0));
    md.put("aggregation_type", "sweep");
    doc.put("metadata", md);

    List<Object> rows = new ArrayList<>();
    for (SweepPoint p : measured) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("parameters", params(p, names));
      Map<String, Object> metrics = new LinkedHashMap<>();
      if (multi) {
        p.metrics().forEach((k, e) -> metrics.put(k, stats(e)));
      } else {
        metrics.putAll(SweepRunner.singleRunStats(p.runs().get(0)));
      }
      row.put("metrics", metrics);
      p.cost().ifPresent(c -> row.put("cost", cost(c)));
      rows.add(row);
    }
    doc.put("per_combination_metrics", rows);

    Map<String, Object> best = new LinkedHashMap<>();
    String tput = "request_throughput_avg";
    measured.stream().filter(p -> p.metrics().containsKey(tput))
        .max(Comparator.comparingDouble(p -> Runs.mean(p.metrics(), tput)))
        .ifPresent(p -> best.put("best_throughput", best(p, names, Runs.get(p.metrics(), tput))));
    String latency = Runs.latencyKey(measured.stream().map(SweepPoint::metrics).toList());
    if (latency != null) {
      measured.stream().min(Comparator.comparingDouble(p -> Runs.mean(p.metrics(), latency)))
          .ifPresent(p -> best.put("best_latency_p99", best(p, names, Runs.get(p.metrics(), latency))));
    }
    doc.put("best_configurations", best);
    List<Object> pareto = new ArrayList<>();
    measured.stream().filter(SweepPoint::paretoOptimal).forEach(p -> pareto.add(params(p, names)));
    doc.put("pareto_optimal", pareto);
    return doc;
  }

  private static Map<String, Object> best(SweepPoint p, Map<Parameter, String> names, Estimate e) {
    Map<String, Object> b = new LinkedHashMap<>();
    b.put("parameters", params(p, names));
    AggregateFiles.put(b, "metric", e.mean());
    b.put("unit", e.unit());
    return b;
  }

  static Map<String, Object> params(SweepPoint p, Map<Parameter, String> names) {
    Map<String, Object> out = new LinkedHashMap<>();
    p.parameters().forEach((k, v) -> out.put(names.getOrDefault(k, k.flag()), v));
    return out;
  }

  /** AIPerf's per-cell projection of a confidence metric (no se or t_critical). */
  private static Map<String, Object> stats(Estimate e) {
    Map<String, Object> m = new LinkedHashMap<>();
    AggregateFiles.put(m, "mean", e.mean());
    AggregateFiles.put(m, "std", e.std());
    AggregateFiles.put(m, "min", e.min());
    AggregateFiles.put(m, "max", e.max());
    AggregateFiles.put(m, "cv", e.cv());
    AggregateFiles.put(m, "ci_low", e.ciLow());
    AggregateFiles.put(m, "ci_high", e.ciHigh());
    m.put("unit", e.unit());
    return m;
  }

  static Map<String, Object> cost(Cost c) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("gpu_cost_per_hour", c.gpuCostPerHour());
    m.put("gpu_count", c.gpus());
    AggregateFiles.put(m, "dollars", c.dollars());
    AggregateFiles.put(m, "cost_per_million_input_tokens", c.costPerMillionInputTokens());
    AggregateFiles.put(m, "cost_per_million_output_tokens", c.costPerMillionOutputTokens());
    AggregateFiles.put(m, "output_tokens_per_dollar", c.outputTokensPerDollar());
    AggregateFiles.put(m, "requests_per_dollar", c.requestsPerDollar());
    return m;
  }
}
