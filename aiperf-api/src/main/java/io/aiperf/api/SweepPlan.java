package io.aiperf.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Repeated runs and parameter sweeps of one benchmark, as AIPerf 0.13's {@code --num-profile-runs}
 * and list-valued flags: every point of the sweep (one point when nothing is swept) runs
 * {@link Builder#runs} times, and each metric statistic gets its mean and a confidence interval
 * across the runs. Each run keeps its own directory and export files; the aggregate and sweep
 * files are written beside them in AIPerf's layout.
 *
 * <pre>{@code
 * SweepResult r = Benchmark.sweep(config)
 *     .concurrency(1, 4, 16)
 *     .runs(3)
 *     .run();
 * r.points().forEach(p -> System.out.println(p.parameters() + " "
 *     + p.estimate(Metrics.TIME_TO_FIRST_TOKEN, Statistic.P99).orElseThrow()));
 * }</pre>
 *
 * @since 0.1.0
 */
public final class SweepPlan {

  /** A benchmark setting a sweep can vary, with AIPerf's names for it. */
  public enum Parameter {
    /** Requests in flight ({@code --concurrency}). */
    CONCURRENCY("concurrency", "phases.profiling.concurrency"),
    /** Requests per second ({@code --request-rate}). */
    REQUEST_RATE("request_rate", "phases.profiling.rate"),
    /** Mean input tokens of the synthetic prompts ({@code --isl}). */
    INPUT_TOKENS("isl", "datasets.main.prompts.isl.mean"),
    /** Mean output tokens of the synthetic prompts ({@code --osl}). */
    OUTPUT_TOKENS("osl", "datasets.main.prompts.osl.mean");

    private final String flag;
    private final String path;

    Parameter(String flag, String path) {
      this.flag = flag;
      this.path = path;
    }

    /**
     * Returns the CLI flag's name without dashes, e.g. {@code request_rate}.
     *
     * @return the name
     */
    public String flag() {
      return flag;
    }

    /**
     * Returns AIPerf 0.13's configuration path, whose last segment names the parameter in the
     * sweep files and directories (e.g. {@code rate} in {@code rate_10.0}).
     *
     * @return the dotted path
     */
    public String path() {
      return path;
    }
  }

  /** How several swept parameters combine ({@code --sweep-type}). */
  public enum Type {
    /** Every combination (Cartesian product). */
    GRID,
    /** The i-th value of each list together; all lists have the same length. */
    ZIP
  }

  /** In which order points and repeats run ({@code --parameter-sweep-mode}). */
  public enum Order {
    /** Repeat 1 of every point, then repeat 2 of every point, ... (AIPerf's default). */
    REPEATED,
    /** Every repeat of a point before the next point. */
    INDEPENDENT
  }

  /** How convergence is judged ({@code --convergence-mode}). */
  public enum ConvergenceMode {
    /** The confidence interval's width relative to the mean. */
    CI_WIDTH,
    /** The coefficient of variation across runs. */
    CV
  }

  /**
   * Stop repeating a point once a statistic of a metric is known well enough.
   *
   * @param metric the metric, e.g. {@code time_to_first_token}
   * @param statistic the statistic, e.g. {@link Statistic#AVG}
   * @param threshold the largest relative CI width or CV that counts as converged, in (0, 1)
   * @param mode how to judge it
   */
  public record Convergence(MetricTag metric, Statistic statistic, double threshold,
      ConvergenceMode mode) {
    /**
     * Checks the values.
     *
     * @param metric the metric, e.g. {@code time_to_first_token}
     * @param statistic the statistic, e.g. {@link Statistic#AVG}
     * @param threshold the largest relative CI width or CV that counts as converged, in (0, 1)
     * @param mode how to judge it
     * @throws IllegalArgumentException for a threshold outside (0, 1)
     */
    public Convergence {
      Objects.requireNonNull(metric, "metric");
      Objects.requireNonNull(statistic, "statistic");
      Objects.requireNonNull(mode, "mode");
      if (!(threshold > 0 && threshold < 1)) {
        throw new IllegalArgumentException("convergence threshold was '" + threshold
            + "' but it must be between 0 and 1 (exclusive)");
      }
    }
  }

  private final BenchmarkConfig base;
  private final Map<Parameter, List<Number>> parameters;
  private final Type type;
  private final Order order;
  private final int runs;
  private final double confidenceLevel;
  private final Duration runCooldown;
  private final Duration pointCooldown;
  private final boolean warmupOnlyFirst;
  private final boolean consistentSeed;
  private final @Nullable Convergence convergence;
  private final double gpuCostPerHour;
  private final int gpus;

  private SweepPlan(Builder b) {
    base = b.base;
    Map<Parameter, List<Number>> p = new LinkedHashMap<>();
    // AIPerf orders swept parameters by configuration path, whatever order they were given in:
    // run order, directory names (mean_4__concurrency_1) and the sweep files' columns follow it.
    b.parameters.entrySet().stream()
        .sorted(java.util.Map.Entry.comparingByKey(
            java.util.Comparator.comparing(Parameter::path)))
        .forEach(e -> p.put(e.getKey(), List.copyOf(e.getValue())));
    parameters = Collections.unmodifiableMap(p);
    type = b.type;
    order = b.order;
    runs = b.runs;
    confidenceLevel = b.confidenceLevel;
    runCooldown = b.runCooldown;
    pointCooldown = b.pointCooldown;
    warmupOnlyFirst = b.warmupOnlyFirst;
    consistentSeed = b.consistentSeed;
    convergence = b.convergence;
    gpuCostPerHour = b.gpuCostPerHour;
    gpus = b.gpus;
  }

  /**
   * Starts a plan over a benchmark configuration; its artifact directory holds every run.
   *
   * @param base the benchmark every point varies
   * @return a builder
   */
  public static Builder over(BenchmarkConfig base) {
    return new Builder(Objects.requireNonNull(base, "base"));
  }

  /**
   * Returns the benchmark every point varies.
   *
   * @return the base configuration
   */
  public BenchmarkConfig base() {
    return base;
  }

  /**
   * Returns the swept parameters and their values, in AIPerf's order (by configuration path).
   *
   * @return the parameters; empty for repeated runs of one configuration
   */
  public Map<Parameter, List<Number>> parameters() {
    return parameters;
  }

  /**
   * Returns how the parameters combine.
   *
   * @return grid or zip
   */
  public Type type() {
    return type;
  }

  /**
   * Returns the order of points and repeats.
   *
   * @return repeated or independent
   */
  public Order order() {
    return order;
  }

  /**
   * Returns the runs per point (the most, with {@link #convergence()}).
   *
   * @return 1 to 10
   */
  public int runs() {
    return runs;
  }

  /**
   * Returns the confidence level of the intervals.
   *
   * @return in (0, 1)
   */
  public double confidenceLevel() {
    return confidenceLevel;
  }

  /**
   * Returns the pause between two runs of a point.
   *
   * @return the cooldown
   */
  public Duration runCooldown() {
    return runCooldown;
  }

  /**
   * Returns the pause between two points.
   *
   * @return the cooldown
   */
  public Duration pointCooldown() {
    return pointCooldown;
  }

  /**
   * Tells whether only the first run of a point keeps the base's warmup.
   *
   * @return true by default, as AIPerf
   */
  public boolean warmupOnlyFirst() {
    return warmupOnlyFirst;
  }

  /**
   * Tells whether a synthetic dataset without a seed gets seed 42, so every run sends the same
   * prompts.
   *
   * @return true by default, as AIPerf
   */
  public boolean consistentSeed() {
    return consistentSeed;
  }

  /**
   * Returns the convergence rule that may stop repeating a point before {@link #runs()}.
   *
   * @return the rule, empty to always run {@link #runs()} times
   */
  public Optional<Convergence> convergence() {
    return Optional.ofNullable(convergence);
  }

  /**
   * Returns the price of a GPU-hour, for {@link Cost}.
   *
   * @return dollars, empty when not priced
   */
  public java.util.OptionalDouble gpuCostPerHour() {
    return PlanChecks.price(gpuCostPerHour);
  }

  /**
   * Returns the GPUs the price is for.
   *
   * @return at least 1
   */
  public int gpus() {
    return gpus;
  }

  /**
   * Returns every point's parameter values, in run order. Parameters are in AIPerf's order, by
   * their {@link Parameter#path() configuration path} (the synthetic lengths before concurrency
   * and rate); in a grid the last of them varies fastest.
   *
   * @return one map per point; a single empty map when nothing is swept
   */
  public List<Map<Parameter, Number>> points() {
    List<Map<Parameter, Number>> out = new ArrayList<>();
    out.add(new LinkedHashMap<>());
    if (parameters.isEmpty()) {
      return out;
    }
    if (type == Type.ZIP) {
      out.clear();
      int n = parameters.values().iterator().next().size();
      for (int i = 0; i < n; i++) {
        Map<Parameter, Number> point = new LinkedHashMap<>();
        for (var e : parameters.entrySet()) {
          point.put(e.getKey(), e.getValue().get(i));
        }
        out.add(point);
      }
      return out;
    }
    for (var e : parameters.entrySet()) {
      List<Map<Parameter, Number>> next = new ArrayList<>();
      for (Map<Parameter, Number> partial : out) {
        for (Number v : e.getValue()) {
          Map<Parameter, Number> point = new LinkedHashMap<>(partial);
          point.put(e.getKey(), v);
          next.add(point);
        }
      }
      out = next;
    }
    return out;
  }

  /**
   * Runs the plan: see {@link Builder#run()}.
   *
   * @return every point with its runs and estimates
   */
  public SweepResult run() {
    return PlanChecks.engine().sweep(this);
  }

  /**
   * Mutable builder of a {@link SweepPlan}; {@link #build()} checks everything at once.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final BenchmarkConfig base;
    private final Map<Parameter, List<Number>> parameters = new LinkedHashMap<>();
    private Type type = Type.GRID;
    private Order order = Order.REPEATED;
    private int runs = 1;
    private double confidenceLevel = 0.95;
    private Duration runCooldown = Duration.ZERO;
    private Duration pointCooldown = Duration.ZERO;
    private boolean warmupOnlyFirst = true;
    private boolean consistentSeed = true;
    private @Nullable Convergence convergence;
    private double gpuCostPerHour = Double.NaN;
    private int gpus = 1;

    private Builder(BenchmarkConfig base) {
      this.base = base;
    }

    /**
     * Sweeps the concurrency.
     *
     * @param values the concurrencies, each &gt; 0
     * @return this builder
     */
    public Builder concurrency(int... values) {
      return values(Parameter.CONCURRENCY, java.util.Arrays.stream(values).boxed().toList());
    }

    /**
     * Sweeps the request rate.
     *
     * @param values requests per second, each &gt; 0
     * @return this builder
     */
    public Builder requestRate(double... values) {
      return values(Parameter.REQUEST_RATE, java.util.Arrays.stream(values).boxed().toList());
    }

    /**
     * Sweeps the mean input tokens of a synthetic dataset.
     *
     * @param values tokens, each &gt; 0
     * @return this builder
     */
    public Builder inputTokens(int... values) {
      return values(Parameter.INPUT_TOKENS, java.util.Arrays.stream(values).boxed().toList());
    }

    /**
     * Sweeps the mean output tokens of a synthetic dataset.
     *
     * @param values tokens, each &gt; 0
     * @return this builder
     */
    public Builder outputTokens(int... values) {
      return values(Parameter.OUTPUT_TOKENS, java.util.Arrays.stream(values).boxed().toList());
    }

    /**
     * Sweeps a parameter over these values.
     *
     * @param parameter the parameter
     * @param values its values, in run order
     * @return this builder
     */
    public Builder values(Parameter parameter, List<? extends Number> values) {
      parameters.put(Objects.requireNonNull(parameter, "parameter"),
          new ArrayList<>(Objects.requireNonNull(values, "values")));
      return this;
    }

    /**
     * Sets how several parameters combine (default grid).
     *
     * @param type grid or zip
     * @return this builder
     */
    public Builder type(Type type) {
      this.type = Objects.requireNonNull(type, "type");
      return this;
    }

    /**
     * Sets the order of points and repeats (default repeated).
     *
     * @param order repeated or independent
     * @return this builder
     */
    public Builder order(Order order) {
      this.order = Objects.requireNonNull(order, "order");
      return this;
    }

    /**
     * Sets the runs per point (default 1).
     *
     * @param runs 1 to 10, as AIPerf
     * @return this builder
     */
    public Builder runs(int runs) {
      this.runs = runs;
      return this;
    }

    /**
     * Sets the confidence level of the intervals (default 0.95).
     *
     * @param level in (0, 1)
     * @return this builder
     */
    public Builder confidenceLevel(double level) {
      this.confidenceLevel = level;
      return this;
    }

    /**
     * Sets the pause between two runs of a point (default none).
     *
     * @param cooldown zero or more
     * @return this builder
     */
    public Builder runCooldown(Duration cooldown) {
      this.runCooldown = Objects.requireNonNull(cooldown, "cooldown");
      return this;
    }

    /**
     * Sets the pause between two points (default none).
     *
     * @param cooldown zero or more
     * @return this builder
     */
    public Builder pointCooldown(Duration cooldown) {
      this.pointCooldown = Objects.requireNonNull(cooldown, "cooldown");
      return this;
    }

    /**
     * Sets whether only the first run of a point keeps the warmup (default true).
     *
     * @param onlyFirst false to warm up before every run
     * @return this builder
     */
    public Builder warmupOnlyFirst(boolean onlyFirst) {
      this.warmupOnlyFirst = onlyFirst;
      return this;
    }

    /**
     * Sets whether an unseeded synthetic dataset gets seed 42 for every run (default true).
     *
     * @param consistent false to let each run draw its own prompts
     * @return this builder
     */
    public Builder consistentSeed(boolean consistent) {
      this.consistentSeed = consistent;
      return this;
    }

    /**
     * Stops repeating a point once this rule holds (after at least two runs); {@link #runs} is
     * then the most.
     *
     * @param convergence the rule
     * @return this builder
     */
    public Builder convergence(Convergence convergence) {
      this.convergence = Objects.requireNonNull(convergence, "convergence");
      return this;
    }

    /**
     * Prices every run: see {@link Cost}.
     *
     * @param dollarsPerGpuHour price of one GPU for an hour, &gt; 0
     * @param gpus GPUs serving the endpoint, &gt; 0
     * @return this builder
     */
    public Builder gpuCost(double dollarsPerGpuHour, int gpus) {
      this.gpuCostPerHour = dollarsPerGpuHour;
      this.gpus = gpus;
      return this;
    }

    /**
     * Checks the plan.
     *
     * @return the immutable plan
     * @throws InvalidBenchmarkConfigException listing every problem
     */
    public SweepPlan build() {
      List<String> problems = new ArrayList<>();
      parameters.forEach((p, values) -> {
        if (values.isEmpty()) {
          problems.add(p.flag() + " was '[]' but a sweep needs at least one value");
        }
        for (Number v : values) {
          if (v == null || !(v.doubleValue() > 0) || Double.isInfinite(v.doubleValue())) {
            problems.add(p.flag() + " was '" + v + "' but every value must be a number > 0");
          }
        }
      });
      if ((parameters.containsKey(Parameter.INPUT_TOKENS)
          || parameters.containsKey(Parameter.OUTPUT_TOKENS))
          && !(base.dataset() instanceof SyntheticDataset)) {
        problems.add("isl/osl were swept but the dataset is '" + base.dataset().type()
            + "'; only a synthetic dataset has input and output lengths to vary");
      }
      if (type == Type.ZIP && parameters.values().stream().map(List::size).distinct().count() > 1) {
        StringBuilder sizes = new StringBuilder();
        parameters.forEach((p, v) -> sizes.append(sizes.length() == 0 ? "" : ", ")
            .append(p.flag()).append('=').append(v.size()));
        problems.add("sweep type was 'zip' but the lists differ in length (" + sizes
            + "); zip pairs the i-th values, so give each list as many values, or use grid");
      }
      if (runs < 1 || runs > 10) {
        problems.add("runs was '" + runs + "' but it must be 1 to 10, as AIPerf's"
            + " --num-profile-runs");
      }
      PlanChecks.confidenceLevel(confidenceLevel, problems);
      PlanChecks.cooldown("runCooldown", runCooldown, problems);
      PlanChecks.cooldown("pointCooldown", pointCooldown, problems);
      PlanChecks.gpuCost(gpuCostPerHour, gpus, problems);
      if (!problems.isEmpty()) {
        throw new InvalidBenchmarkConfigException(problems);
      }
      return new SweepPlan(this);
    }

    /**
     * Builds the plan and runs every point, each run into its own directory under the base's
     * artifact directory; a run that fails is recorded with its point and the sweep goes on.
     *
     * @return every point with its runs and estimates
     * @throws InvalidBenchmarkConfigException listing every problem of the plan
     */
    public SweepResult run() {
      return build().run();
    }
  }
}
