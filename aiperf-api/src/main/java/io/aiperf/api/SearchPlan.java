package io.aiperf.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import org.jspecify.annotations.Nullable;

/**
 * A search for the highest load that still meets service-level objectives: the highest request
 * rate (or concurrency) at which at least {@link #attainment()} of the requests meet every
 * per-request limit (TTFT, ITL, end-to-end latency: AIPerf's good request fraction, DistServe's
 * goodput), the error rate stays under its limit and every statistic {@link Slo} holds. The base
 * configuration's own goodput thresholds ({@link Benchmark.Builder#goodput}, AIPerf's
 * {@code --goodput}) count as per-request limits too.
 *
 * <p>It brackets (doubling from the lowest load until a point fails), then bisects between the
 * highest load that passed and the lowest that failed until they are within
 * {@link #precision()}. Each point runs once; it runs again, up to {@link #maxRunsPerPoint()},
 * only while the confidence interval of its verdict straddles a threshold. It stops early when
 * the client is the limit (it sent below the asked rate and late), since a higher load would
 * measure the client, not the server.
 *
 * <pre>{@code
 * SearchResult r = Benchmark.search(config)
 *     .requestRate(5, 500)
 *     .ttft(Duration.ofMillis(200))
 *     .attainment(0.95)
 *     .run();
 * System.out.println(r.describe());
 * }</pre>
 *
 * @since 0.1.0
 */
public final class SearchPlan {

  /** What the search varies. */
  public enum Dimension {
    /** Requests per second (open loop). */
    REQUEST_RATE,
    /** Requests in flight (closed loop); searched over whole numbers. */
    CONCURRENCY
  }

  private final BenchmarkConfig base;
  private final Dimension dimension;
  private final double lo;
  private final double hi;
  private final @Nullable Duration ttft;
  private final @Nullable Duration itl;
  private final @Nullable Duration e2e;
  private final double errorRate;
  private final double attainment;
  private final List<Slo> slos;
  private final double precision;
  private final int maxRunsPerPoint;
  private final int maxPoints;
  private final double confidenceLevel;
  private final Duration cooldown;
  private final double gpuCostPerHour;
  private final int gpus;

  private SearchPlan(Builder b) {
    base = b.base;
    dimension = b.dimension;
    lo = b.lo;
    hi = b.hi;
    ttft = b.ttft;
    itl = b.itl;
    e2e = b.e2e;
    errorRate = b.errorRate;
    attainment = b.attainment;
    slos = List.copyOf(b.slos);
    precision = b.precision;
    maxRunsPerPoint = b.maxRunsPerPoint;
    maxPoints = b.maxPoints;
    confidenceLevel = b.confidenceLevel;
    cooldown = b.cooldown;
    gpuCostPerHour = b.gpuCostPerHour;
    gpus = b.gpus;
  }

  /**
   * Starts a search over a benchmark configuration; each point runs it at another load, in its
   * own directory under the base's artifact directory.
   *
   * @param base the benchmark; its own request rate or concurrency is replaced at each point
   * @return a builder
   */
  public static Builder over(BenchmarkConfig base) {
    return new Builder(Objects.requireNonNull(base, "base"));
  }

  /**
   * Returns the benchmark each point runs.
   *
   * @return the base configuration
   */
  public BenchmarkConfig base() {
    return base;
  }

  /**
   * Returns what the search varies.
   *
   * @return the dimension
   */
  public Dimension dimension() {
    return dimension;
  }

  /**
   * Returns the lowest load tried.
   *
   * @return requests per second, or a concurrency
   */
  public double lo() {
    return lo;
  }

  /**
   * Returns the highest load tried.
   *
   * @return requests per second, or a concurrency
   */
  public double hi() {
    return hi;
  }

  /**
   * Returns the per-request limit on the time to first token.
   *
   * @return the limit, empty when not checked
   */
  public Optional<Duration> ttft() {
    return Optional.ofNullable(ttft);
  }

  /**
   * Returns the per-request limit on the inter-token latency.
   *
   * @return the limit, empty when not checked
   */
  public Optional<Duration> itl() {
    return Optional.ofNullable(itl);
  }

  /**
   * Returns the per-request limit on the request latency.
   *
   * @return the limit, empty when not checked
   */
  public Optional<Duration> e2e() {
    return Optional.ofNullable(e2e);
  }

  /**
   * Returns the largest acceptable share of failed requests.
   *
   * @return a fraction in (0, 1), empty when not checked
   */
  public OptionalDouble errorRate() {
    return Double.isNaN(errorRate) ? OptionalDouble.empty() : OptionalDouble.of(errorRate);
  }

  /**
   * Returns the smallest share of requests that must meet every per-request limit.
   *
   * @return in (0, 1]
   */
  public double attainment() {
    return attainment;
  }

  /**
   * Returns the objectives on statistics (e.g. TTFT p99 under 200 ms) every point must meet.
   *
   * @return the objectives
   */
  public List<Slo> slos() {
    return slos;
  }

  /**
   * Returns the relative width at which the bisection stops.
   *
   * @return e.g. 0.05 for 5 %
   */
  public double precision() {
    return precision;
  }

  /**
   * Returns the most runs of one point.
   *
   * @return at least 1
   */
  public int maxRunsPerPoint() {
    return maxRunsPerPoint;
  }

  /**
   * Returns the most points the search tries.
   *
   * @return at least 2
   */
  public int maxPoints() {
    return maxPoints;
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
   * Returns the pause between two runs.
   *
   * @return the cooldown
   */
  public Duration cooldown() {
    return cooldown;
  }

  /**
   * Returns the price of a GPU-hour, for {@link Cost}.
   *
   * @return dollars, empty when not priced
   */
  public OptionalDouble gpuCostPerHour() {
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
   * Tells whether any per-request limit is set, here or as the base configuration's goodput.
   *
   * @return true with a TTFT, ITL or request latency limit or a goodput threshold
   */
  public boolean hasRequestLimits() {
    return ttft != null || itl != null || e2e != null || !base.goodput().isEmpty();
  }

  /**
   * Runs the search: see {@link Builder#run()}.
   *
   * @return the answer, every point and the Pareto frontier
   */
  public SearchResult run() {
    return PlanChecks.engine().search(this);
  }

  /**
   * Mutable builder of a {@link SearchPlan}; {@link #build()} checks everything at once.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    private final BenchmarkConfig base;
    private Dimension dimension = Dimension.REQUEST_RATE;
    private double lo = Double.NaN;
    private double hi = Double.NaN;
    private @Nullable Duration ttft;
    private @Nullable Duration itl;
    private @Nullable Duration e2e;
    private double errorRate = Double.NaN;
    private double attainment = 0.95;
    private final List<Slo> slos = new ArrayList<>();
    private double precision = 0.05;
    private int maxRunsPerPoint = 3;
    private int maxPoints = 20;
    private double confidenceLevel = 0.95;
    private Duration cooldown = Duration.ZERO;
    private double gpuCostPerHour = Double.NaN;
    private int gpus = 1;

    private Builder(BenchmarkConfig base) {
      this.base = base;
    }

    /**
     * Searches the request rate between two bounds.
     *
     * @param lowest the lowest rate, &gt; 0; the search starts here
     * @param highest the highest rate, &gt; lowest
     * @return this builder
     */
    public Builder requestRate(double lowest, double highest) {
      this.dimension = Dimension.REQUEST_RATE;
      this.lo = lowest;
      this.hi = highest;
      return this;
    }

    /**
     * Searches the concurrency between two bounds.
     *
     * @param lowest the lowest concurrency, &gt; 0; the search starts here
     * @param highest the highest concurrency, &gt; lowest
     * @return this builder
     */
    public Builder concurrency(int lowest, int highest) {
      this.dimension = Dimension.CONCURRENCY;
      this.lo = lowest;
      this.hi = highest;
      return this;
    }

    /**
     * Sets the per-request limit on the time to first token ({@code --ttft-sla-ms}).
     *
     * @param limit &gt; 0
     * @return this builder
     */
    public Builder ttft(Duration limit) {
      this.ttft = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Sets the per-request limit on the inter-token latency ({@code --itl-sla-ms}).
     *
     * @param limit &gt; 0
     * @return this builder
     */
    public Builder itl(Duration limit) {
      this.itl = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Sets the per-request limit on the request latency ({@code --e2e-sla-ms}).
     *
     * @param limit &gt; 0
     * @return this builder
     */
    public Builder e2e(Duration limit) {
      this.e2e = Objects.requireNonNull(limit, "limit");
      return this;
    }

    /**
     * Sets the largest acceptable share of failed requests ({@code --error-rate-sla}).
     *
     * @param fraction in (0, 1), e.g. 0.01
     * @return this builder
     */
    public Builder errorRate(double fraction) {
      this.errorRate = fraction;
      return this;
    }

    /**
     * Sets the share of requests that must meet every per-request limit (default 0.95,
     * {@code --slo-attainment-fraction}).
     *
     * @param fraction in (0, 1]
     * @return this builder
     */
    public Builder attainment(double fraction) {
      this.attainment = fraction;
      return this;
    }

    /**
     * Adds an objective on a statistic, e.g. {@code Slo.parse("time_to_first_token.p99<200ms")}.
     *
     * @param slo the objective
     * @return this builder
     */
    public Builder slo(Slo slo) {
      slos.add(Objects.requireNonNull(slo, "slo"));
      return this;
    }

    /**
     * Sets the relative width of the final interval (default 0.05).
     *
     * @param relative in (0, 1)
     * @return this builder
     */
    public Builder precision(double relative) {
      this.precision = relative;
      return this;
    }

    /**
     * Sets the most runs of a point whose verdict is uncertain (default 3).
     *
     * @param runs 1 to 10
     * @return this builder
     */
    public Builder maxRunsPerPoint(int runs) {
      this.maxRunsPerPoint = runs;
      return this;
    }

    /**
     * Sets the most points tried (default 20).
     *
     * @param points 2 to 200
     * @return this builder
     */
    public Builder maxPoints(int points) {
      this.maxPoints = points;
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
     * Sets the pause between two runs (default none).
     *
     * @param cooldown zero or more
     * @return this builder
     */
    public Builder cooldown(Duration cooldown) {
      this.cooldown = Objects.requireNonNull(cooldown, "cooldown");
      return this;
    }

    /**
     * Prices every point and the answer: see {@link Cost}.
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
    public SearchPlan build() {
      List<String> problems = new ArrayList<>();
      if (Double.isNaN(lo) || Double.isNaN(hi)) {
        problems.add("the search range was not set but it needs one: requestRate(lo, hi) or"
            + " concurrency(lo, hi)");
      } else if (!(lo > 0) || !(hi > lo) || Double.isInfinite(hi)) {
        problems.add(String.format(Locale.ROOT, "the search range was '%s to %s' but it must"
            + " be finite with 0 < lowest < highest", num(lo), num(hi)));
      }
      for (var limit : new Object[][] {{"ttft", ttft}, {"itl", itl}, {"e2e", e2e}}) {
        Duration d = (Duration) limit[1];
        if (d != null && (d.isZero() || d.isNegative())) {
          problems.add(limit[0] + " was '" + d + "' but a limit must be > 0");
        }
      }
      if (!Double.isNaN(errorRate) && !(errorRate > 0 && errorRate < 1)) {
        problems.add("errorRate was '" + errorRate + "' but it must be a fraction in (0, 1), e.g."
            + " 0.01");
      }
      if (!(attainment > 0 && attainment <= 1)) {
        problems.add("attainment was '" + attainment + "' but it must be in (0, 1], e.g. 0.95");
      }
      if (ttft == null && itl == null && e2e == null && Double.isNaN(errorRate) && slos.isEmpty()
          && base.goodput().isEmpty()) {
        problems.add("no objective was given but a search needs at least one: ttft, itl, e2e,"
            + " errorRate, an slo or the configuration's goodput");
      }
      if (!(precision > 0 && precision < 1)) {
        problems.add("precision was '" + precision + "' but it must be in (0, 1), e.g. 0.05");
      }
      if (maxRunsPerPoint < 1 || maxRunsPerPoint > 10) {
        problems.add("maxRunsPerPoint was '" + maxRunsPerPoint + "' but it must be 1 to 10");
      }
      if (maxPoints < 2 || maxPoints > 200) {
        problems.add("maxPoints was '" + maxPoints + "' but it must be 2 to 200");
      }
      PlanChecks.confidenceLevel(confidenceLevel, problems);
      PlanChecks.cooldown("cooldown", cooldown, problems);
      PlanChecks.gpuCost(gpuCostPerHour, gpus, problems);
      if (!problems.isEmpty()) {
        throw new InvalidBenchmarkConfigException(problems);
      }
      return new SearchPlan(this);
    }

    private static String num(double v) {
      return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Builds the plan and searches. Bad news is an answer, not an exception: a result whose
     * {@link SearchResult#outcome()} says the objectives failed at the lowest load, held at the
     * highest, or that the client was the limit, with every point measured.
     *
     * @return the answer, every point and the Pareto frontier
     * @throws InvalidBenchmarkConfigException listing every problem of the plan
     */
    public SearchResult run() {
      return build().run();
    }
  }
}
