package io.aiperf.engine.internal.sweep;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Estimate;
import io.aiperf.api.MetricResult;
import io.aiperf.api.MetricTag;
import io.aiperf.api.SearchPlan;
import io.aiperf.api.SearchPoint;
import io.aiperf.api.SearchPoint.Verdict;
import io.aiperf.api.SearchResult;
import io.aiperf.api.SearchResult.Outcome;
import io.aiperf.api.Slo;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a {@link SearchPlan}: brackets by doubling from the lowest load, then bisects (on a log
 * scale) between the highest load that met the objectives and the lowest that did not. A point
 * is repeated only while an interval straddles a threshold; the search stops early when the
 * client could not send the load.
 */
public final class SearchRunner {
  private static final Logger log = LoggerFactory.getLogger(SearchRunner.class);
  /** A run sent below this share of the asked rate, and late: the client is the limit. */
  private static final double CLIENT_SHORTFALL = 0.9;
  /** Median send lateness above this (ms) counts as late. */
  private static final double LATE_MS = 1.0;
  /** With one run, a statistic this close to its threshold (relative) is uncertain. */
  private static final double SINGLE_RUN_MARGIN = 0.05;

  private final SearchPlan plan;
  private final List<Measured> measured = new ArrayList<>();
  private final Optional<Path> base;
  private Runs.@Nullable Outcome previousRun;

  /** A load with its runs and the verdict so far. */
  private static final class Measured {
    final double load;
    final int index;
    final List<Runs.Outcome> runs = new ArrayList<>();
    Verdict verdict = Verdict.UNCERTAIN;
    @Nullable Estimate good;
    List<String> reasons = List.of();

    Measured(double load, int index) {
      this.load = load;
      this.index = index;
    }
  }

  private SearchRunner(SearchPlan plan) {
    this.plan = plan;
    this.base = plan.base().artifactDir();
  }

  /**
   * Runs the search.
   *
   * @param plan the checked plan
   * @return the answer, every point and the Pareto frontier
   */
  public static SearchResult run(SearchPlan plan) {
    return new SearchRunner(plan).execute();
  }

  private SearchResult execute() {
    double lo = load(plan.lo());
    double hi = load(plan.hi());
    Measured first = measure(lo);
    if (first.verdict == Verdict.CLIENT_LIMITED) {
      return finish(Outcome.CLIENT_LIMITED, Double.NaN, Double.NaN, lo, "The client could not send"
          + " even the lowest load (" + fmt(lo) + "); calibrate it (aiperf calibrate) or lower it.");
    }
    if (first.verdict != Verdict.MEETS) {
      return finish(Outcome.NEVER_MET, Double.NaN, Double.NaN, lo, "The objectives "
          + (first.verdict == Verdict.FAILS ? "failed" : "could not be shown to hold")
          + " already at the lowest load, " + fmt(lo) + " (" + String.join("; ", first.reasons)
          + "); lower the range's bottom or relax the objectives.");
    }
    double pass = lo;
    double fail = Double.NaN;
    while (Double.isNaN(fail) && budgetLeft()) {
      double next = load(Math.min(pass * 2, hi));
      Measured m = measure(next);
      if (m.verdict == Verdict.MEETS) {
        pass = next;
        if (next >= hi) {
          return finish(Outcome.ALWAYS_MET, pass, pass, Double.POSITIVE_INFINITY, "The objectives"
              + " held up to the highest load, " + fmt(hi) + "; the limit is above it: raise the"
              + " range's top.");
        }
      } else if (m.verdict == Verdict.CLIENT_LIMITED) {
        return clientLimited(pass, next);
      } else {
        fail = next;
      }
    }
    while (!Double.isNaN(fail) && fail / pass - 1 > plan.precision() && budgetLeft()) {
      double mid = load(Math.sqrt(pass * fail));
      if (mid <= pass || mid >= fail) {
        break; // whole concurrencies: nothing left between them
      }
      Measured m = measure(mid);
      if (m.verdict == Verdict.MEETS) {
        pass = mid;
      } else if (m.verdict == Verdict.CLIENT_LIMITED) {
        return clientLimited(pass, mid);
      } else {
        fail = mid;
      }
    }
    double upper = upperBound(pass);
    if (Double.isNaN(fail)) {
      return finish(Outcome.INCOMPLETE, pass, pass, Double.POSITIVE_INFINITY, "The search ran out of"
          + " points (" + plan.maxPoints() + ") before a load failed; the limit is above " + fmt(pass)
          + ".");
    }
    boolean precise = fail / pass - 1 <= plan.precision() || isConcurrency() && fail - pass <= 1;
    return finish(precise ? Outcome.FOUND : Outcome.INCOMPLETE, pass, pass, upper,
        String.format(Locale.ROOT, "Highest %s meeting the objectives: %s (the limit lies in [%s,"
            + " %s]%s).", isConcurrency() ? "concurrency" : "request rate", fmt(pass), fmt(pass),
            fmt(upper), precise ? "" : "; wider than asked: the point budget ran out"));
  }

  private SearchResult clientLimited(double pass, double at) {
    return finish(Outcome.CLIENT_LIMITED, pass, pass, Double.POSITIVE_INFINITY, "The client could"
        + " not send " + fmt(at) + " (it fell behind the asked rate and sent late), while the"
        + " server still met the objectives at " + fmt(pass) + "; the server's limit is at least"
        + " that. Use more workers or hosts, or calibrate the client (aiperf calibrate).");
  }

  /** The lowest decisive failure above the answer; an uncertain point only when none failed. */
  private double upperBound(double pass) {
    double failed = measured.stream().filter(m -> m.load > pass && m.verdict == Verdict.FAILS)
        .mapToDouble(m -> m.load).min().orElse(Double.NaN);
    if (!Double.isNaN(failed)) {
      return failed;
    }
    return measured.stream().filter(m -> m.load > pass).mapToDouble(m -> m.load).min()
        .orElse(Double.POSITIVE_INFINITY);
  }

  private boolean budgetLeft() {
    return measured.size() < plan.maxPoints() && !Thread.currentThread().isInterrupted();
  }

  private boolean isConcurrency() {
    return plan.dimension() == SearchPlan.Dimension.CONCURRENCY;
  }

  private double load(double x) {
    return isConcurrency() ? Math.max(1, Math.round(x)) : x;
  }

  private Measured measure(double load) {
    Measured m = new Measured(load, measured.size());
    measured.add(m);
    while (m.runs.size() < plan.maxRunsPerPoint() && !Thread.currentThread().isInterrupted()) {
      m.runs.add(runOnce(m));
      judge(m);
      if (m.verdict != Verdict.UNCERTAIN || m.runs.size() >= plan.maxRunsPerPoint()) {
        break;
      }
      log.info("Search: {} is uncertain after {} run(s) ({}); repeating it", fmt(load),
          m.runs.size(), String.join("; ", m.reasons));
    }
    log.info("Search: {} {} ({})", fmt(load), m.verdict, String.join("; ", m.reasons));
    return m;
  }

  private Runs.Outcome runOnce(Measured m) {
    if (previousRun != null) {
      Runs.pause(plan.cooldown());
    }
    Benchmark.Builder b = plan.base().toBuilder();
    if (isConcurrency()) {
      b.concurrency((int) m.load);
    } else {
      b.requestRate(m.load);
    }
    Map<String, Double> goodput = new LinkedHashMap<>(plan.base().goodput());
    plan.ttft().ifPresent(d -> goodput.put("time_to_first_token", d.toNanos() / 1e6));
    plan.itl().ifPresent(d -> goodput.put("inter_token_latency", d.toNanos() / 1e6));
    plan.e2e().ifPresent(d -> goodput.put("request_latency", d.toNanos() / 1e6));
    if (!goodput.isEmpty()) {
      b.goodput(goodput);
    }
    Runs.consistentSeed(b, plan.base().dataset());
    if (!m.runs.isEmpty()) {
      b.noWarmup();
    }
    String iter = String.format(Locale.ROOT, "search_iter_%04d", m.index + 1);
    String run = String.format(Locale.ROOT, "run_%04d", m.runs.size() + 1);
    Runs.under(base, iter, "profile_runs", run).ifPresent(b::artifactDir);
    Runs.Outcome o = Runs.run(iter + " " + run + " at " + fmt(m.load), b);
    previousRun = o;
    return o;
  }

  /** The verdict from every run of the point so far. */
  private void judge(Measured m) {
    List<BenchmarkResult> ok = Runs.results(m.runs);
    List<String> reasons = new ArrayList<>();
    if (ok.isEmpty()) {
      m.verdict = Verdict.FAILS;
      m.reasons = List.of("no run completed: " + String.join("; ", Runs.failures(m.runs)));
      return;
    }
    if (!isConcurrency()) {
      for (BenchmarkResult r : ok) {
        double achieved = value(r, "achieved_request_rate");
        double lateness = r.find(new MetricTag("schedule_lateness")).map(MetricResult::p50)
            .orElse(0.0);
        if (achieved < CLIENT_SHORTFALL * m.load && lateness > LATE_MS) {
          m.verdict = Verdict.CLIENT_LIMITED;
          m.reasons = List.of(String.format(Locale.ROOT, "sent %.1f req/s of %.1f asked, median"
              + " %.1f ms late", achieved, m.load, lateness));
          return;
        }
      }
    }
    List<Verdict> verdicts = new ArrayList<>();
    if (plan.hasRequestLimits()) {
      long good = 0;
      long total = 0;
      for (BenchmarkResult r : ok) {
        good += Math.round(value(r, "good_request_count", 0));
        total += Math.round(value(r, "request_count", 0)) + Math.round(value(r, "error_request_count", 0));
      }
      Estimate e = Aggregation.wilson(good, total, plan.confidenceLevel());
      m.good = e;
      double target = plan.attainment();
      Verdict v = target >= 1 ? (good == total ? Verdict.MEETS : Verdict.FAILS)
          : e.ciLow() >= target ? Verdict.MEETS : e.ciHigh() < target ? Verdict.FAILS
          : Verdict.UNCERTAIN;
      verdicts.add(v);
      reasons.add(String.format(Locale.ROOT, "good fraction %.3f [%.3f, %.3f] %s %.3f",
          e.mean(), e.ciLow(), e.ciHigh(), v == Verdict.MEETS ? ">=" : v == Verdict.FAILS ? "<"
              : "straddles", target));
    }
    if (plan.errorRate().isPresent()) {
      long errors = 0;
      long total = 0;
      for (BenchmarkResult r : ok) {
        errors += r.requestsFailed();
        total += r.requestsSent();
      }
      double rate = total == 0 ? 1 : errors / (double) total;
      Verdict v = rate <= plan.errorRate().getAsDouble() ? Verdict.MEETS : Verdict.FAILS;
      verdicts.add(v);
      reasons.add(String.format(Locale.ROOT, "error rate %.4f %s %.4f", rate,
          v == Verdict.MEETS ? "<=" : ">", plan.errorRate().getAsDouble()));
    }
    for (Slo slo : plan.slos()) {
      double[] values = ok.stream().map(r -> r.find(slo.metric()))
          .filter(Optional::isPresent).mapToDouble(x -> x.get().get(slo.statistic())).toArray();
      if (values.length == 0) {
        verdicts.add(Verdict.FAILS);
        reasons.add(slo.metric().tag() + " was not measured");
        continue;
      }
      Estimate e = Aggregation.estimate(values, "", plan.confidenceLevel());
      boolean below = slo.comparison() == Slo.Comparison.LESS
          || slo.comparison() == Slo.Comparison.LESS_OR_EQUAL;
      double lo = e.n() >= 2 ? e.ciLow() : e.mean() - Math.abs(slo.threshold()) * SINGLE_RUN_MARGIN;
      double hi = e.n() >= 2 ? e.ciHigh() : e.mean() + Math.abs(slo.threshold()) * SINGLE_RUN_MARGIN;
      Verdict v = below ? (hi <= slo.threshold() ? Verdict.MEETS : lo > slo.threshold()
          ? Verdict.FAILS : Verdict.UNCERTAIN)
          : (lo >= slo.threshold() ? Verdict.MEETS : hi < slo.threshold() ? Verdict.FAILS
          : Verdict.UNCERTAIN);
      verdicts.add(v);
      reasons.add(String.format(Locale.ROOT, "%s.%s %.2f [%.2f, %.2f] vs %s%s",
          slo.metric().tag(), slo.statistic().key(), e.mean(), lo, hi,
          slo.comparison().symbol(), fmtNum(slo.threshold())));
    }
    m.verdict = verdicts.contains(Verdict.FAILS) ? Verdict.FAILS
        : verdicts.contains(Verdict.UNCERTAIN) ? Verdict.UNCERTAIN : Verdict.MEETS;
    m.reasons = reasons;
  }

  private static double value(BenchmarkResult r, String tag) {
    return value(r, tag, Double.NaN);
  }

  private static double value(BenchmarkResult r, String tag, double fallback) {
    return r.find(new MetricTag(tag)).map(MetricResult::avg).orElse(fallback);
  }

  private SearchResult finish(Outcome outcome, double answer, double lower, double upper,
      String message) {
    List<Map<String, Estimate>> estimates = new ArrayList<>();
    for (Measured m : measured) {
      estimates.add(Aggregation.aggregate(Runs.results(m.runs), plan.confidenceLevel()));
    }
    List<Map<String, Estimate>> nonEmpty = estimates.stream().filter(e -> !e.isEmpty()).toList();
    boolean[] pareto = Runs.pareto(nonEmpty);
    List<SearchPoint> points = new ArrayList<>();
    int k = 0;
    double perHour = plan.gpuCostPerHour().orElse(Double.NaN);
    for (int i = 0; i < measured.size(); i++) {
      Measured m = measured.get(i);
      boolean optimal = !estimates.get(i).isEmpty() && pareto[k++];
      List<BenchmarkResult> ok = Runs.results(m.runs);
      points.add(new SearchPoint(m.load, ok, Runs.failures(m.runs), m.verdict,
          Optional.ofNullable(m.good), estimates.get(i), m.reasons,
          Runs.cost(ok, perHour, plan.gpus()), optimal));
    }
    Optional<io.aiperf.api.Cost> cost = points.stream().filter(p -> p.load() == answer)
        .findFirst().flatMap(SearchPoint::cost);
    SearchResult result = new SearchResult(plan.dimension(), outcome, answer, lower, upper,
        message + cost.map(c -> String.format(Locale.ROOT, " At the answer: $%.4f per million"
            + " input tokens, $%.4f per million output tokens, %.0f output tokens per dollar.",
            c.costPerMillionInputTokens(), c.costPerMillionOutputTokens(),
            c.outputTokensPerDollar())).orElse(""), points, cost, base);
    SearchFiles.write(base, plan, result);
    PrintWriter console = plan.base().console().orElse(null);
    if (console != null && plan.base().exporters().contains("console")) {
      console.println();
      console.println(result.describe());
      console.flush();
    } else {
      log.info("{}", result.describe());
    }
    return result;
  }

  private String fmt(double load) {
    return isConcurrency() ? "concurrency " + Math.round(load)
        : String.format(Locale.ROOT, "%.2f req/s", load);
  }

  private static String fmtNum(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
