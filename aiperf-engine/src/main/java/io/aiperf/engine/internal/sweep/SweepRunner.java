package io.aiperf.engine.internal.sweep;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Estimate;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import io.aiperf.api.SweepPlan;
import io.aiperf.api.SweepPlan.Parameter;
import io.aiperf.api.SweepPoint;
import io.aiperf.api.SweepResult;
import io.aiperf.api.SyntheticDataset;
import io.aiperf.engine.internal.export.AggregateFiles;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link SweepPlan}: every point (one when nothing is swept) {@code runs} times in AIPerf
 * 0.13's order and directory layout, then the aggregate and sweep files and the console table.
 * A run that fails is kept as a failure of its point; what was measured is always written.
 */
public final class SweepRunner {
  private static final Logger log = LoggerFactory.getLogger(SweepRunner.class);

  private final SweepPlan plan;
  private final List<Map<Parameter, Number>> points;
  private final List<String> labels = new ArrayList<>();
  private final List<List<Runs.Outcome>> outcomes = new ArrayList<>();
  private final boolean sweep;
  private final boolean multi;
  private final Optional<Path> base;
  /** The last convergence measure of each point (relative CI width or CV). */
  private final Map<Integer, Double> lastMeasure = new HashMap<>();
  private final Set<Integer> convergedPoints = new HashSet<>();

  private SweepRunner(SweepPlan plan) {
    this.plan = plan;
    this.points = plan.points();
    this.sweep = !plan.parameters().isEmpty();
    this.multi = plan.runs() > 1;
    this.base = plan.base().artifactDir();
    for (Map<Parameter, Number> p : points) {
      labels.add(dirName(p));
      outcomes.add(new ArrayList<>());
    }
  }

  /**
   * Runs the plan.
   *
   * @param plan the checked plan
   * @return every point with its runs and estimates
   */
  public static SweepResult run(SweepPlan plan) {
    return new SweepRunner(plan).execute();
  }

  private SweepResult execute() {
    boolean[] done = new boolean[points.size()];
    int last = -1;
    if (plan.order() == SweepPlan.Order.REPEATED) {
      for (int t = 0; t < plan.runs() && !Thread.currentThread().isInterrupted(); t++) {
        for (int i = 0; i < points.size() && !Thread.currentThread().isInterrupted(); i++) {
          if (!done[i]) {
            last = runOnce(i, t, last);
            done[i] = converged(i);
          }
        }
      }
    } else {
      for (int i = 0; i < points.size() && !Thread.currentThread().isInterrupted(); i++) {
        for (int t = 0; t < plan.runs() && !done[i] && !Thread.currentThread().isInterrupted(); t++) {
          last = runOnce(i, t, last);
          done[i] = converged(i);
        }
      }
    }
    return finish();
  }

  private int runOnce(int i, int trial, int last) {
    if (last >= 0) {
      Runs.pause(last == i ? plan.runCooldown() : plan.pointCooldown());
    }
    BenchmarkConfig cfg = plan.base();
    Benchmark.Builder b = cfg.toBuilder();
    points.get(i).forEach((p, v) -> apply(b, cfg, p, v));
    if (plan.consistentSeed() && multi) {
      Runs.consistentSeed(b, datasetOf(cfg, points.get(i)));
    }
    if (trial > 0 && plan.warmupOnlyFirst()) {
      b.noWarmup();
    }
    runDir(i, trial).ifPresent(b::artifactDir);
    String label = (sweep ? labels.get(i) + " " : "") + (multi ? runLabel(trial) : "run");
    log.info("Sweep: {} ({} of {} runs)", label, trial + 1, plan.runs());
    outcomes.get(i).add(Runs.run(label, b));
    return i;
  }

  private static io.aiperf.api.DatasetConfig datasetOf(BenchmarkConfig cfg, Map<Parameter, Number> p) {
    io.aiperf.api.DatasetConfig d = cfg.dataset();
    if (d instanceof SyntheticDataset s) {
      if (p.containsKey(Parameter.INPUT_TOKENS)) {
        s = s.inputTokens(p.get(Parameter.INPUT_TOKENS).doubleValue(), s.inputTokensStddev());
      }
      if (p.containsKey(Parameter.OUTPUT_TOKENS)) {
        s = s.outputTokens(p.get(Parameter.OUTPUT_TOKENS).doubleValue(), s.outputTokensStddev());
      }
      return s;
    }
    return d;
  }

  private static void apply(Benchmark.Builder b, BenchmarkConfig cfg, Parameter p, Number v) {
    switch (p) {
      case CONCURRENCY -> b.concurrency(v.intValue());
      case REQUEST_RATE -> b.requestRate(v.doubleValue());
      case INPUT_TOKENS, OUTPUT_TOKENS -> b.dataset(datasetOf(cfg, Map.of(p, v)));
    }
  }

  private boolean converged(int i) {
    var rule = plan.convergence();
    List<BenchmarkResult> ok = Runs.results(outcomes.get(i));
    if (rule.isEmpty() || ok.size() < Math.min(3, plan.runs())) {
      return false;
    }
    String key = rule.get().metric().tag() + "_" + rule.get().statistic().key();
    Estimate e = Aggregation.aggregate(ok, plan.confidenceLevel()).get(key);
    if (e == null || e.n() < 2) {
      return false;
    }
    double measure = rule.get().mode() == SweepPlan.ConvergenceMode.CV ? e.cv()
        : (e.ciHigh() - e.ciLow()) / Math.abs(e.mean());
    lastMeasure.put(i, measure);
    boolean done = measure < rule.get().threshold();
    if (done) {
      convergedPoints.add(i);
      log.info("Sweep: {} converged after {} runs ({} {} = {})", labels.get(i), ok.size(), key,
          rule.get().mode(), measure);
    }
    return done;
  }

  /** Why the point's repeats ended, for its aggregate: converged, all runs done, interrupted. */
  private Map<String, Object> stopping(int i) {
    Map<String, Object> out = new LinkedHashMap<>();
    int ran = outcomes.get(i).size();
    var rule = plan.convergence();
    Double measure = lastMeasure.get(i);
    String what = rule.map(r -> String.format(Locale.ROOT, "%s_%s %s", r.metric().tag(),
        r.statistic().key(), r.mode().name().toLowerCase(Locale.ROOT))).orElse("");
    String reason;
    if (convergedPoints.contains(i) && measure != null && rule.isPresent()) {
      reason = String.format(Locale.ROOT, "converged after %d of %d runs: %s %.4f < %s", ran,
          plan.runs(), what, measure, rule.get().threshold());
    } else if (ran < plan.runs()) {
      reason = String.format(Locale.ROOT, "interrupted after %d of %d runs", ran, plan.runs());
    } else if (rule.isPresent()) {
      reason = String.format(Locale.ROOT, "ran all %d runs without converging: %s %s, not below"
          + " %s", ran, what, measure == null ? "not measured" : String.format(Locale.ROOT,
              "%.4f", measure), rule.get().threshold());
    } else {
      reason = String.format(Locale.ROOT, "ran all %d runs", ran);
    }
    out.put("stop_reason", reason);
    rule.ifPresent(r -> {
      Map<String, Object> c = new LinkedHashMap<>();
      c.put("metric", r.metric().tag());
      c.put("stat", r.statistic().key());
      c.put("mode", r.mode().name().toLowerCase(Locale.ROOT));
      c.put("threshold", r.threshold());
      c.put("converged", convergedPoints.contains(i));
      if (measure != null) {
        c.put("value", measure);
      }
      out.put("convergence", c);
    });
    return out;
  }

  /** AIPerf's run directory for (point, trial): see its orchestrator's layout table. */
  private Optional<Path> runDir(int i, int trial) {
    if (!sweep && !multi) {
      return base;
    }
    if (!sweep) {
      return Runs.under(base, "profile_runs", runLabel(trial));
    }
    if (!multi) {
      return Runs.under(base, labels.get(i));
    }
    String t = String.format(Locale.ROOT, "trial_%04d", trial + 1);
    return plan.order() == SweepPlan.Order.REPEATED
        ? Runs.under(base, "profile_runs", t, labels.get(i))
        : Runs.under(base, labels.get(i), "profile_runs", t);
  }

  private static String runLabel(int trial) {
    return String.format(Locale.ROOT, "run_%04d", trial + 1);
  }

  private SweepResult finish() {
    List<Map<String, Estimate>> estimates = new ArrayList<>();
    for (List<Runs.Outcome> o : outcomes) {
      estimates.add(Aggregation.aggregate(Runs.results(o), plan.confidenceLevel()));
    }
    boolean[] pareto = Runs.pareto(nonEmpty(estimates));
    List<SweepPoint> result = new ArrayList<>();
    int k = 0;
    for (int i = 0; i < points.size(); i++) {
      List<BenchmarkResult> ok = Runs.results(outcomes.get(i));
      boolean optimal = !estimates.get(i).isEmpty() && pareto[k++];
      result.add(new SweepPoint(points.get(i), labels.get(i), ok, Runs.failures(outcomes.get(i)),
          estimates.get(i), Runs.cost(ok, plan.gpuCostPerHour().orElse(Double.NaN), plan.gpus()),
          optimal));
    }
    String table = SweepTable.render(result, plan);
    try {
      writeFiles(result);
    } catch (IOException e) {
      log.error("Could not write the sweep's aggregate files: {}", e.toString());
    }
    PrintWriter console = plan.base().console().orElse(null);
    if (console != null && plan.base().exporters().contains("console")) {
      console.println();
      console.print(table);
      console.flush();
    } else {
      log.info("{}", table);
    }
    return new SweepResult(result, plan.confidenceLevel(), base, table);
  }

  private static List<Map<String, Estimate>> nonEmpty(List<Map<String, Estimate>> all) {
    return all.stream().filter(m -> !m.isEmpty()).toList();
  }

  private void writeFiles(List<SweepPoint> result) throws IOException {
    if (base.isEmpty()) {
      return;
    }
    Path dir = base.get();
    if (multi) {
      for (int i = 0; i < result.size(); i++) {
        SweepPoint p = result.get(i);
        if (p.runs().isEmpty()) {
          log.warn("Skipping the aggregate of {}: no run succeeded", p.label());
          continue;
        }
        Map<String, Object> md = aggregateMetadata(i);
        Path out = !sweep ? dir.resolve("aggregate")
            : plan.order() == SweepPlan.Order.REPEATED ? dir.resolve("aggregate").resolve(p.label())
            : dir.resolve(p.label()).resolve("aggregate");
        AggregateFiles.writeAggregate(out, md, p.metrics());
        log.info("Aggregate of {} runs written to {}", p.runs().size(), out);
      }
    }
    if (sweep) {
      Path out = multi && plan.order() == SweepPlan.Order.REPEATED
          ? dir.resolve("aggregate").resolve("sweep_aggregate") : dir.resolve("sweep_aggregate");
      SweepFiles.write(out, plan, result, outcomes, displayNames());
      log.info("Sweep files written to {}", out);
    }
  }

  private Map<String, Object> aggregateMetadata(int i) {
    List<Runs.Outcome> o = outcomes.get(i);
    Map<String, Object> md = new LinkedHashMap<>();
    md.put("aggregation_type", "confidence");
    md.put("num_profile_runs", o.size());
    md.put("num_successful_runs", Runs.results(o).size());
    List<Object> failed = new ArrayList<>();
    o.stream().filter(x -> x.error() != null).forEach(x -> {
      Map<String, Object> f = new LinkedHashMap<>();
      f.put("label", x.label());
      f.put("error", x.error());
      failed.add(f);
    });
    md.put("failed_runs", failed);
    md.put("confidence_level", plan.confidenceLevel());
    List<Object> runLabels = new ArrayList<>();
    for (int t = 0; t < o.size(); t++) {
      if (o.get(t).error() == null) {
        runLabels.add(runLabel(t));
      }
    }
    md.put("run_labels", runLabels);
    md.putAll(stopping(i));
    if (runLabels.size() == 1) {
      md.put("single_run", true);
    }
    if (sweep) {
      md.put("cooldown_seconds", plan.runCooldown().toMillis() / 1000.0);
      md.put("variation_label", labels.get(i));
      Map<String, Object> values = new LinkedHashMap<>();
      points.get(i).forEach((p, v) -> values.put(p.path(), v));
      md.put("variation_values", values);
      md.put("sweep_mode", plan.order().name().toLowerCase(Locale.ROOT));
    }
    return md;
  }

  /** AIPerf's parameter names: the path's last segment, the whole path where two collide. */
  Map<Parameter, String> displayNames() {
    Map<String, Integer> leaves = new LinkedHashMap<>();
    plan.parameters().keySet().forEach(p -> leaves.merge(leaf(p), 1, Integer::sum));
    Map<Parameter, String> out = new LinkedHashMap<>();
    plan.parameters().keySet().forEach(p -> out.put(p, leaves.getOrDefault(leaf(p), 0) == 1 ? leaf(p) : p.path()));
    return out;
  }

  private static String leaf(Parameter p) {
    return p.path().substring(p.path().lastIndexOf('.') + 1);
  }

  /** AIPerf's variation directory: {@code concurrency_10}, {@code rate_12.5}, joined by __. */
  static String dirName(Map<Parameter, Number> point) {
    if (point.isEmpty()) {
      return "base";
    }
    List<String> parts = new ArrayList<>();
    point.forEach((p, v) -> parts.add(leaf(p) + "_" + AggregateFilesAccess.python(v)));
    return String.join("__", parts).replaceAll("[/\\\\]|\\.\\.", "").replaceAll("[<>:\"|?*]", "");
  }

  /** A single run's stats as AIPerf's one-trial sweep rows show them (keyed by metric tag). */
  static Map<String, Object> singleRunStats(BenchmarkResult r) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (MetricResult m : r.metrics()) {
      Map<String, Object> s = new LinkedHashMap<>();
      AggregateFiles.put(s, "mean", m.avg());
      AggregateFiles.put(s, "avg", m.avg());
      s.put("std", 0.0);
      AggregateFiles.put(s, "min", m.scalar() ? m.avg() : m.min());
      AggregateFiles.put(s, "max", m.scalar() ? m.avg() : m.max());
      s.put("cv", 0.0);
      AggregateFiles.put(s, "ci_low", m.avg());
      AggregateFiles.put(s, "ci_high", m.avg());
      s.put("unit", m.unit());
      if (!m.scalar()) {
        for (Statistic st : List.of(Statistic.P1, Statistic.P5, Statistic.P10, Statistic.P25,
            Statistic.P50, Statistic.P75, Statistic.P90, Statistic.P95, Statistic.P99)) {
          AggregateFiles.put(s, st.key(), m.get(st));
        }
        s.put("count", m.count());
        AggregateFiles.put(s, "sum", m.sum());
      }
      out.put(m.tag().tag(), s);
    }
    return out;
  }

  /** Python's str() of a parameter value, shared with the files. */
  static final class AggregateFilesAccess {
    private AggregateFilesAccess() {}

    static String python(Number v) {
      return v instanceof Double || v instanceof Float ? Double.toString(v.doubleValue())
          : Long.toString(v.longValue());
    }
  }
}
