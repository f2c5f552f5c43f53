package io.aiperf.cli;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.InvalidBenchmarkConfigException;
import io.aiperf.api.MetricTag;
import io.aiperf.api.SearchPlan;
import io.aiperf.api.SearchResult;
import io.aiperf.api.Slo;
import io.aiperf.api.Statistic;
import io.aiperf.api.SweepPlan;
import io.aiperf.api.SweepResult;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.Plugins;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * AIPerf's Multi-Run group (repeated runs, sweeps) with its SLA flags, which here drive
 * aiperf-java's load search, and the GPU price: one profile becomes many runs.
 */
final class SweepOptions {
  @Option(names = "--num-profile-runs", defaultValue = "1",
      description = "Runs of each configuration, 1-10; above 1, the mean, std, CV and confidence"
          + " interval of every metric across runs (profile_export_aiperf_aggregate.*).")
  int numProfileRuns;

  @Option(names = "--confidence-level", defaultValue = "0.95",
      description = "Confidence level of the intervals, in (0, 1) (default ${DEFAULT-VALUE}).")
  double confidenceLevel;

  @Option(names = "--profile-run-cooldown-seconds", defaultValue = "0",
      description = "Pause between two runs of a configuration, seconds.")
  double runCooldownSeconds;

  @Option(names = "--profile-run-disable-warmup-after-first", negatable = true, defaultValue = "true",
      fallbackValue = "true", description = "Only the first run warms up (default true).")
  boolean warmupOnlyFirst;

  @Option(names = "--set-consistent-seed", negatable = true, defaultValue = "true",
      fallbackValue = "true",
      description = "Seed 42 for every run when --random-seed is not given (default true).")
  boolean consistentSeed;

  @Option(names = "--convergence-metric",
      description = "Stop repeating once this metric's statistic is known well enough.")
  @Nullable String convergenceMetric;

  @Option(names = "--convergence-stat", defaultValue = "avg",
      description = "Statistic for --convergence-metric (default ${DEFAULT-VALUE}).")
  String convergenceStat = "avg";

  @Option(names = "--convergence-threshold", defaultValue = "0.1",
      description = "Relative CI width (ci_width) or CV (cv) that counts as converged, in (0, 1).")
  double convergenceThreshold;

  @Option(names = "--convergence-mode", defaultValue = "ci_width",
      description = "ci_width or cv (default ${DEFAULT-VALUE}).")
  String convergenceMode = "ci_width";

  @Option(names = "--parameter-sweep-cooldown-seconds", defaultValue = "0",
      description = "Pause between two sweep points, seconds.")
  double pointCooldownSeconds;

  @Option(names = "--parameter-sweep-mode", defaultValue = "repeated",
      description = "repeated (trials outer, points inner) or independent (default"
          + " ${DEFAULT-VALUE}).")
  String sweepMode = "repeated";

  @Option(names = "--sweep-type", defaultValue = "grid",
      description = "How several list-valued flags combine: grid or zip (default ${DEFAULT-VALUE}).")
  String sweepType = "grid";

  @Option(names = {"--variant", "--sweep-variant"}, paramLabel = "'[NAME:] KEY=VALUE, ...'",
      description = "One benchmark of a sweep (repeat it): concurrency, request-rate, isl and"
          + " osl values, e.g. --variant 'a: isl=128, concurrency=4' --variant 'b: isl=512,"
          + " concurrency=16'; the variants must form a grid or a zip.")
  List<String> variants = new ArrayList<>();

  /** Turns {@code --variant}s into the list-valued flags and sweep type that run them. */
  void applyVariants(LoadGeneratorOptions load, PromptOptions prompt, List<String> problems) {
    if (variants.isEmpty()) {
      return;
    }
    if (load.concurrencyValues.size() > 1 || load.requestRateValues.size() > 1
        || prompt.islValues.size() > 1 || prompt.oslValues.size() > 1) {
      problems.add("--variant and a list-valued --concurrency, --request-rate, --isl or --osl"
          + " were both given but they describe a sweep two ways; use one");
      return;
    }
    try {
      SweepVariants.Lists lists = SweepVariants.parse(variants);
      for (Map.Entry<String, List<String>> e : lists.values().entrySet()) {
        String joined = String.join(",", e.getValue());
        switch (e.getKey()) {
          case "--concurrency" -> load.concurrency(joined);
          case "--request-rate" -> load.requestRate(joined);
          case "--isl" -> prompt.islMean(joined);
          default -> prompt.oslMean(joined);
        }
      }
      sweepType = lists.type();
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
  }

  @Option(names = "--ttft-sla-ms", description = "Search: per-request TTFT limit, ms.")
  @Nullable Double ttftSlaMs;

  @Option(names = {"--itl-sla-ms", "--tpot-sla-ms"}, description = "Search: per-request ITL limit, ms.")
  @Nullable Double itlSlaMs;

  @Option(names = "--e2e-sla-ms", description = "Search: per-request latency limit, ms.")
  @Nullable Double e2eSlaMs;

  @Option(names = "--error-rate-sla", description = "Search: largest error share, in (0, 1).")
  @Nullable Double errorRateSla;

  @Option(names = "--slo-attainment-fraction", defaultValue = "0.95",
      description = "Search: share of requests that must meet every per-request limit (default"
          + " ${DEFAULT-VALUE}).")
  double attainment;

  @Option(names = "--search-rate-range", paramLabel = "LO,HI",
      description = "Search the request rate between LO and HI (aiperf-java).")
  @Nullable String rateRange;

  @Option(names = "--search-concurrency-range", paramLabel = "LO,HI",
      description = "Search the concurrency between LO and HI (aiperf-java).")
  @Nullable String concurrencyRange;

  @Option(names = "--search-precision", defaultValue = "0.05",
      description = "Search: relative width of the final interval (default ${DEFAULT-VALUE}).")
  double precision;

  @Option(names = "--search-max-runs-per-point", defaultValue = "3",
      description = "Search: most runs of a point whose verdict is uncertain (default"
          + " ${DEFAULT-VALUE}).")
  int maxRunsPerPoint;

  @Option(names = "--gpu-cost-per-hour",
      description = "Price of one GPU-hour in dollars: cost per million tokens, tokens per dollar.")
  @Nullable Double gpuCostPerHour;

  @Option(names = "--gpu-count", defaultValue = "1",
      description = "GPUs serving the endpoint, for --gpu-cost-per-hour (default ${DEFAULT-VALUE}).")
  int gpuCount;

  /** Parses {@code 1,4,16} as whole numbers; the message names the flag and the bad value. */
  static List<Number> integers(String flag, String text) {
    List<Number> out = new ArrayList<>();
    for (Number n : decimals(flag, text)) {
      if (n.doubleValue() != Math.rint(n.doubleValue())) {
        throw new IllegalArgumentException(flag + " was '" + text + "' but every value must be a"
            + " whole number");
      }
      out.add((int) n.doubleValue());
    }
    return out;
  }

  /** Parses {@code 10,12.5} as numbers; empty and non-numeric lists are errors. */
  static List<Number> decimals(String flag, String text) {
    List<Number> out = new ArrayList<>();
    String body = text.strip();
    if (body.startsWith("[") && body.endsWith("]")) {
      body = body.substring(1, body.length() - 1); // AIPerf also takes [10,20]
    }
    if (body.isBlank()) {
      throw new IllegalArgumentException(flag + " was '" + text + "' but it needs at least one"
          + " number, e.g. 10 or a list 10,20,30");
    }
    for (String part : body.split(",", -1)) {
      try {
        out.add(Double.parseDouble(part.strip()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(flag + " was '" + text + "' but '" + part.strip()
            + "' is not a number; give a number or a comma-separated list, e.g. 10,20,30", e);
      }
    }
    return out;
  }

  /**
   * The flags' own ranges, checked with the other flags before anything starts (the embedded
   * mock included) and even for a single run, as AIPerf does: a typo is a typo.
   */
  void validate(List<String> problems) {
    if (!(confidenceLevel > 0 && confidenceLevel < 1)) {
      problems.add("--confidence-level was '" + confidenceLevel + "' but it must be between 0 and"
          + " 1 (exclusive), e.g. 0.95");
    }
    if (numProfileRuns < 1 || numProfileRuns > 10) {
      problems.add("--num-profile-runs was '" + numProfileRuns + "' but it must be 1 to 10");
    }
    addIfBad(problems, secondsProblem("--profile-run-cooldown-seconds", runCooldownSeconds));
    addIfBad(problems, secondsProblem("--parameter-sweep-cooldown-seconds", pointCooldownSeconds));
    addIfBad(problems, millisProblem("--ttft-sla-ms", ttftSlaMs));
    addIfBad(problems, millisProblem("--itl-sla-ms", itlSlaMs));
    addIfBad(problems, millisProblem("--e2e-sla-ms", e2eSlaMs));
  }

  private static void addIfBad(List<String> problems, @Nullable String problem) {
    if (problem != null) {
      problems.add(problem);
    }
  }

  boolean searching() {
    return rateRange != null || concurrencyRange != null;
  }

  /** Whether the flags ask for more than one plain run: repeats, a sweep or a search. */
  boolean runsMany(LoadGeneratorOptions load, PromptOptions prompt) {
    boolean sweep = load.concurrencyValues.size() > 1 || load.requestRateValues.size() > 1
        || prompt.islValues.size() > 1 || prompt.oslValues.size() > 1;
    return sweep || searching() || numProfileRuns != 1 || gpuCostPerHour != null;
  }

  /** Runs the repeats, sweep or search; null when this is a single plain run. */
  @Nullable Integer run(BenchmarkConfig config, LoadGeneratorOptions load, PromptOptions prompt,
      GoodputOptions goodput, PrintWriter err) {
    if (!runsMany(load, prompt)) {
      return null;
    }
    try {
      if (searching()) {
        return search(config, goodput, err);
      }
      if (!goodput.slos.isEmpty()) {
        throw new IllegalArgumentException("--slo was '" + goodput.slos.get(0) + "' but it is"
            + " checked after a single run, not across repeated runs or a sweep; use it with"
            + " --search-rate-range/--search-concurrency-range as an objective, or --goodput to"
            + " count good requests at every point");
      }
      SweepPlan.Builder b = SweepPlan.over(config).runs(numProfileRuns)
          .confidenceLevel(confidenceLevel)
          .runCooldown(seconds("--profile-run-cooldown-seconds", runCooldownSeconds))
          .pointCooldown(seconds("--parameter-sweep-cooldown-seconds", pointCooldownSeconds))
          .warmupOnlyFirst(warmupOnlyFirst).consistentSeed(consistentSeed)
          .type(enumOf(SweepPlan.Type.class, "--sweep-type", sweepType))
          .order(enumOf(SweepPlan.Order.class, "--parameter-sweep-mode", sweepMode));
      if (load.concurrencyValues.size() > 1) {
        b.values(SweepPlan.Parameter.CONCURRENCY, load.concurrencyValues);
      }
      if (load.requestRateValues.size() > 1) {
        b.values(SweepPlan.Parameter.REQUEST_RATE, load.requestRateValues);
      }
      if (prompt.islValues.size() > 1) {
        b.values(SweepPlan.Parameter.INPUT_TOKENS, prompt.islValues);
      }
      if (prompt.oslValues.size() > 1) {
        b.values(SweepPlan.Parameter.OUTPUT_TOKENS, prompt.oslValues);
      }
      if (convergenceMetric != null) {
        b.convergence(new SweepPlan.Convergence(new MetricTag(convergenceMetric),
            enumOf(Statistic.class, "--convergence-stat", convergenceStat), convergenceThreshold,
            enumOf(SweepPlan.ConvergenceMode.class, "--convergence-mode", convergenceMode)));
      }
      if (gpuCostPerHour != null) {
        b.gpuCost(gpuCostPerHour, gpuCount);
      }
      SweepResult r = b.run();
      config.artifactDir().ifPresent(d -> err.println("Every run and the aggregate files are in "
          + d.toAbsolutePath()));
      return r.failedRuns() == 0 ? 0 : AiperfCommand.EXIT_FAILED;
    } catch (InvalidBenchmarkConfigException e) {
      e.problems().forEach(p -> err.println("Error: " + flagged(p)));
      return AiperfCommand.EXIT_USAGE;
    } catch (IllegalArgumentException e) {
      err.println("Error: " + e.getMessage());
      return AiperfCommand.EXIT_USAGE;
    }
  }

  private int search(BenchmarkConfig config, GoodputOptions goodput, PrintWriter err) {
    String range = rateRange != null ? rateRange : concurrencyRange;
    String flag = rateRange != null ? "--search-rate-range" : "--search-concurrency-range";
    List<Number> bounds = decimals(flag, java.util.Objects.requireNonNull(range));
    if (bounds.size() != 2) {
      throw new IllegalArgumentException(flag + " was '" + range + "' but it needs two numbers,"
          + " LO,HI");
    }
    SearchPlan.Builder b = SearchPlan.over(config).attainment(attainment).precision(precision)
        .maxRunsPerPoint(maxRunsPerPoint).confidenceLevel(confidenceLevel)
        .cooldown(seconds("--profile-run-cooldown-seconds", runCooldownSeconds));
    if (rateRange != null) {
      b.requestRate(bounds.get(0).doubleValue(), bounds.get(1).doubleValue());
    } else {
      b.concurrency(bounds.get(0).intValue(), bounds.get(1).intValue());
    }
    if (ttftSlaMs != null) {
      b.ttft(millis("--ttft-sla-ms", ttftSlaMs));
    }
    if (itlSlaMs != null) {
      b.itl(millis("--itl-sla-ms", itlSlaMs));
    }
    if (e2eSlaMs != null) {
      b.e2e(millis("--e2e-sla-ms", e2eSlaMs));
    }
    if (errorRateSla != null) {
      b.errorRate(errorRateSla);
    }
    // --goodput is already the base configuration's goodput, which the plan counts as per-request
    // limits; --slo statistics become objectives of every point.
    for (int i = 0; i < goodput.slos().size(); i++) {
      b.slo(searchable(goodput.slos.get(i), goodput.slos().get(i)));
    }
    if (gpuCostPerHour != null) {
      b.gpuCost(gpuCostPerHour, gpuCount);
    }
    SearchResult r = b.run();
    if (r.outcome() == SearchResult.Outcome.FOUND) {
      return 0;
    }
    // The answer and every point are on the console (and in the search file); say which flag.
    String hint = switch (r.outcome()) {
      case NEVER_MET -> "lower the bottom of " + flag + " '" + range + "' or relax the objectives";
      case ALWAYS_MET -> "raise the top of " + flag + " '" + range + "'";
      case INCOMPLETE -> "narrow " + flag + " '" + range + "' or raise --search-precision";
      default -> "the client, not the server, was the limit; see 'aiperf calibrate'";
    };
    err.println("The search ended " + r.outcome().name().toLowerCase(Locale.ROOT) + " after "
        + r.points().size() + " point(s): " + hint + "." + r.artifactDir().map(d -> " Every point"
        + " measured: " + d.resolve("sweep_aggregate").resolve("profile_export_aiperf_search.json")
        .toAbsolutePath()).orElse(""));
    return AiperfCommand.EXIT_SLO;
  }

  /**
   * A search looks for the highest load that meets objectives which get harder as the load grows.
   * A floor on a whole-run rate (request_throughput>=50) gets easier instead, so it would fail
   * at the lowest load and say nothing about the limit; an unknown metric would never be
   * measured. Both are refused, naming the flag.
   */
  static Slo searchable(String text, Slo slo) {
    Map<String, MetricInfo> record = new HashMap<>();
    Map<String, MetricInfo> derived = new HashMap<>();
    for (MetricProvider p : Plugins.all(MetricProvider.class)) {
      p.recordMetrics().forEach(m -> record.put(m.info().tag(), m.info()));
      p.derivedMetrics().forEach(m -> derived.put(m.info().tag(), m.info()));
    }
    String tag = slo.metric().tag();
    MetricInfo whole = derived.get(tag);
    boolean floor = slo.comparison() == Slo.Comparison.GREATER
        || slo.comparison() == Slo.Comparison.GREATER_OR_EQUAL;
    if (whole != null && floor && whole.unit().endsWith("/sec")) {
      throw new IllegalArgumentException("--slo was '" + text + "' but a search cannot use it: "
          + tag + " is a whole-run rate that rises with the load, so a floor on it fails at low"
          + " load rather than at the limit; give limits that get harder as the load grows, e.g."
          + " --slo 'time_to_first_token.p99<200ms' or --goodput 'time_to_first_token:200', or"
          + " drop the search range to check it after one run");
    }
    if (!record.isEmpty() && !record.containsKey(tag) && whole == null) {
      throw new IllegalArgumentException("--slo was '" + text + "' but a search cannot use it: no"
          + " metric is named '" + tag + "'; per-request metrics are " + new TreeSet<>(record.keySet()));
    }
    return slo;
  }

  /** The plans name their fields as the API does; a CLI user typed a flag. */
  private static final Map<String, String> FLAGS = Map.ofEntries(
      Map.entry("concurrency was", "--concurrency was"),
      Map.entry("request_rate was", "--request-rate was"),
      Map.entry("isl was", "--isl was"),
      Map.entry("osl was", "--osl was"),
      Map.entry("runCooldown was", "--profile-run-cooldown-seconds was"),
      Map.entry("pointCooldown was", "--parameter-sweep-cooldown-seconds was"),
      Map.entry("confidenceLevel was", "--confidence-level was"),
      Map.entry("runs was", "--num-profile-runs was"),
      Map.entry("attainment was", "--slo-attainment-fraction was"),
      Map.entry("errorRate was", "--error-rate-sla was"),
      Map.entry("precision was", "--search-precision was"),
      Map.entry("maxRunsPerPoint was", "--search-max-runs-per-point was"),
      Map.entry("gpuCost was", "--gpu-cost-per-hour/--gpu-count was"),
      Map.entry("sweep type was", "--sweep-type was"));

  static String flagged(String problem) {
    if (problem.startsWith("no objective was given")) {
      return "no objective was given but a search needs at least one: --ttft-sla-ms, --itl-sla-ms,"
          + " --e2e-sla-ms, --error-rate-sla, --goodput or --slo";
    }
    for (Map.Entry<String, String> e : FLAGS.entrySet()) {
      if (problem.startsWith(e.getKey())) {
        return e.getValue() + problem.substring(e.getKey().length());
      }
    }
    return problem;
  }

  private static <E extends Enum<E>> E enumOf(Class<E> type, String flag, String value) {
    try {
      return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      List<String> names = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        names.add(c.name().toLowerCase(Locale.ROOT));
      }
      throw new IllegalArgumentException(flag + " was '" + value + "' but it must be one of "
          + String.join(", ", names), e);
    }
  }

  private static @Nullable String secondsProblem(String flag, double s) {
    return s >= 0 && !Double.isInfinite(s) ? null
        : flag + " was '" + s + "' but it must be a number of seconds >= 0";
  }

  private static @Nullable String millisProblem(String flag, @Nullable Double ms) {
    return ms == null || ms > 0 && !Double.isInfinite(ms) ? null
        : flag + " was '" + ms + "' but it must be a number of milliseconds > 0";
  }

  private static Duration seconds(String flag, double s) {
    String problem = secondsProblem(flag, s);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return Duration.ofNanos(Math.round(s * 1e9));
  }

  private static Duration millis(String flag, double ms) {
    String problem = millisProblem(flag, ms);
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
    return Duration.ofNanos(Math.round(ms * 1e6));
  }
}
