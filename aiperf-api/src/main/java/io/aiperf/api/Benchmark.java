package io.aiperf.api;

import io.aiperf.api.spi.BenchmarkEngineProvider;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.ResultMergerProvider;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Entry point: configure a benchmark with {@link #builder()}, then {@link Builder#run()} it.
 *
 * <pre>{@code
 * BenchmarkResult r = Benchmark.builder()
 *     .endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("qwen").streaming(true))
 *     .concurrency(64).requestCount(10_000)
 *     .dataset(Datasets.synthetic().inputTokens(550, 0).outputTokens(128, 0).seed(42))
 *     .run();
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Benchmark {
  // Over 500 lines on purpose: what remains is the public fluent Builder, one documented setter
  // per option, which users read as one page. Its fields live in the option groups
  // (LoadOptions, WarmupOptions, ExportOptions, RunOptions) and its checks in ConfigChecks.
  /** System property that names the message bus when the builder does not. */
  public static final String MESSAGE_BUS_PROPERTY = "aiperf.messageBus";

  private Benchmark() {}

  /**
   * Starts a new configuration.
   *
   * @return a builder with AIPerf's defaults
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Runs a configuration that was built before, and waits for its result.
   *
   * @param config the configuration
   * @return the result
   * @throws BenchmarkFailedException if the run could not complete
   */
  public static BenchmarkResult run(BenchmarkConfig config) {
    return start(config).await();
  }

  /**
   * Measures the client's own ceiling on this machine (max requests/s, max chunks/s, pacer
   * lateness) against a server that answers at once, so users can tell the client's limits from
   * the server's. It takes about four times {@code stepDuration} plus warmups. The target is
   * usually the mock server in its fast mode (what {@code aiperf calibrate} starts in process);
   * any server slower than that lowers the numbers, so they are a lower bound for the client.
   *
   * <pre>{@code
   * try (MockLlmServer mock = MockLlmServer.start(
   *     MockServerOptions.builder().port(0).fast(true).build())) {
   *   System.out.println(Benchmark.calibrate(mock.baseUrl(), Duration.ofSeconds(5)).describe());
   * }
   * }</pre>
   *
   * @param fastServerUrl base URL of an OpenAI-compatible server that answers at once
   * @param stepDuration how long each measuring step runs, at least 1 second
   * @return the ceiling
   * @throws IllegalArgumentException if the step is shorter than 1 second or the URL is blank
   * @since 0.1.0
   */
  public static Calibration calibrate(String fastServerUrl, Duration stepDuration) {
    Objects.requireNonNull(fastServerUrl, "fastServerUrl");
    Objects.requireNonNull(stepDuration, "stepDuration");
    if (fastServerUrl.isBlank()) {
      throw new IllegalArgumentException("fastServerUrl was '' but it must be a server's base URL");
    }
    if (stepDuration.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("stepDuration was '" + stepDuration
          + "' but it must be at least 1 second");
    }
    return Plugins.select(BenchmarkEngineProvider.class, null)
        .calibrate(fastServerUrl, stepDuration);
  }

  /**
   * Merges results of runs that measured the same server side by side (several hosts, or repeats
   * in one window): counts and sums add, min and max and the standard deviation combine exactly,
   * percentiles come from the merged histograms, throughputs are recomputed over the merged time
   * span. Merging the two halves of a run gives the whole run's distributions.
   *
   * <pre>{@code
   * BenchmarkResult whole = Benchmark.merge(List.of(hostA, hostB));
   * }</pre>
   *
   * @param results the results, at least one
   * @return the merged result
   * @throws IllegalArgumentException if the list is empty or a result has no histograms
   */
  public static BenchmarkResult merge(List<BenchmarkResult> results) {
    return Plugins.select(ResultMergerProvider.class, null).merge(results);
  }

  /**
   * Plans repeated runs or a parameter sweep of a configuration (AIPerf's
   * {@code --num-profile-runs} and list-valued flags).
   *
   * <pre>{@code
   * SweepResult r = Benchmark.sweep(config).concurrency(1, 8, 32).runs(3).run();
   * }</pre>
   *
   * @param base the configuration every point varies
   * @return a plan builder
   * @since 0.1.0
   */
  public static SweepPlan.Builder sweep(BenchmarkConfig base) {
    return SweepPlan.over(base);
  }

  /**
   * Plans a search for the highest request rate or concurrency that still meets objectives.
   *
   * <pre>{@code
   * SearchResult r = Benchmark.search(config).requestRate(5, 500)
   *     .ttft(Duration.ofMillis(200)).run();
   * }</pre>
   *
   * @param base the configuration each point runs at another load
   * @return a plan builder
   * @since 0.1.0
   */
  public static SearchPlan.Builder search(BenchmarkConfig base) {
    return SearchPlan.over(base);
  }

  /**
   * Starts a configuration that was built before, without waiting.
   *
   * @param config the configuration
   * @return a handle to wait for or cancel the run
   */
  public static BenchmarkRun start(BenchmarkConfig config) {
    Objects.requireNonNull(config, "config");
    BenchmarkEngineProvider engine = Plugins.select(BenchmarkEngineProvider.class, null);
    return engine.start(config);
  }

  /**
   * Mutable builder of an immutable {@link BenchmarkConfig}. Setters reject only {@code null};
   * {@link #build()} checks everything together and reports every problem at once.
   *
   * @since 0.1.0
   */
  public static final class Builder {
    // Null until endpoint(...) is called; build() reports it as a problem when still unset.
    @Nullable EndpointConfig endpoint;
    DatasetConfig dataset = Datasets.synthetic();
    final LoadOptions load;
    final WarmupOptions warmup;
    final ExportOptions export;
    final RunOptions run;
    final TelemetryOptions telemetry;

    Builder() {
      load = new LoadOptions();
      warmup = new WarmupOptions();
      export = new ExportOptions();
      run = new RunOptions();
      telemetry = new TelemetryOptions();
    }

    Builder(EndpointConfig endpoint, DatasetConfig dataset, LoadOptions load,
        WarmupOptions warmup, ExportOptions export, RunOptions run, TelemetryOptions telemetry) {
      this.endpoint = endpoint;
      this.dataset = dataset;
      this.load = new LoadOptions(load);
      this.warmup = new WarmupOptions(warmup);
      this.export = new ExportOptions(export);
      this.run = new RunOptions(run);
      this.telemetry = new TelemetryOptions(telemetry);
    }

    /**
     * Sets the endpoint to benchmark.
     *
     * @param endpoint the endpoint, e.g. from {@link Endpoints#openAiChat(String)}
     * @return this builder
     */
    public Builder endpoint(EndpointConfig endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /**
     * Sets the inputs to send.
     *
     * @param dataset the dataset, e.g. from {@link Datasets#synthetic()}
     * @return this builder
     */
    public Builder dataset(DatasetConfig dataset) {
      this.dataset = Objects.requireNonNull(dataset, "dataset");
      return this;
    }

    /**
     * Sets how many requests are in flight at once (AIPerf's {@code --concurrency}); default 1, or
     * no limit when a request rate is set (then the concurrency is a ceiling).
     *
     * @param concurrency requests in flight, at least 1
     * @return this builder
     */
    public Builder concurrency(int concurrency) {
      load.concurrency = concurrency;
      return this;
    }

    /**
     * Sets how many requests the run sends (AIPerf's {@code --request-count}); default
     * {@code max(10, 2 × concurrency)}, 10 at a request rate, no limit with a benchmark duration.
     *
     * @param requestCount the number of requests, at least 1
     * @return this builder
     */
    public Builder requestCount(int requestCount) {
      load.requestCount = requestCount;
      return this;
    }

    /**
     * Sends requests at this mean rate (AIPerf's {@code --request-rate}), an open loop: send times
     * come from the schedule, not from responses. With {@link #concurrency(int)} too, the
     * concurrency is a ceiling on requests in flight.
     *
     * @param requestsPerSecond the mean rate, &gt; 0
     * @return this builder
     */
    public Builder requestRate(double requestsPerSecond) {
      load.requestRate = requestsPerSecond;
      return this;
    }

    /**
     * Spaces send times by this pattern (AIPerf's {@code --arrival-pattern}); default
     * {@link ArrivalPattern#POISSON}. Needs a request rate.
     *
     * @param pattern the pattern
     * @return this builder
     */
    public Builder arrivalPattern(ArrivalPattern pattern) {
      load.arrivalPattern = Objects.requireNonNull(pattern, "arrivalPattern");
      return this;
    }

    /**
     * Sets the gamma shape k (AIPerf's {@code --arrival-smoothness}, vLLM's {@code --burstiness});
     * implies {@link ArrivalPattern#GAMMA}.
     *
     * @param smoothness the shape, &gt; 0
     * @return this builder
     */
    public Builder arrivalSmoothness(double smoothness) {
      load.arrivalSmoothness = smoothness;
      return this;
    }

    /**
     * Caps requests still waiting for their first token (AIPerf's {@code --prefill-concurrency});
     * streaming only, at most the concurrency. The loop becomes closed on prefill, so the result
     * notes the coordinated omission this brings.
     *
     * @param prefillConcurrency the cap, at least 1
     * @return this builder
     */
    public Builder prefillConcurrency(int prefillConcurrency) {
      load.prefillConcurrency = prefillConcurrency;
      return this;
    }

    /**
     * Stops issuing after this long (AIPerf's {@code --benchmark-duration}); requests in flight then
     * get the grace period, and the rest are cancelled and counted.
     *
     * @param duration the issuing time, positive
     * @return this builder
     */
    public Builder benchmarkDuration(Duration duration) {
      load.benchmarkDuration = Objects.requireNonNull(duration, "benchmarkDuration");
      return this;
    }

    /**
     * How long requests in flight may still finish after a duration-bounded run stops issuing
     * (AIPerf's {@code --benchmark-grace-period}); default 30 s.
     *
     * @param grace the grace period, zero or positive
     * @return this builder
     */
    public Builder gracePeriod(Duration grace) {
      load.gracePeriod = Objects.requireNonNull(grace, "gracePeriod");
      return this;
    }

    /**
     * Runs a warmup phase of this many requests first; its records are discarded. It uses the
     * profiling load settings unless {@link #warmupConcurrency} or {@link #warmupRequestRate} say
     * otherwise.
     *
     * @param count the warmup requests, at least 1
     * @return this builder
     */
    public Builder warmupRequestCount(int count) {
      warmup.warmupRequestCount = count;
      return this;
    }

    /**
     * Removes any warmup set before, so the run starts with its profiling phase.
     *
     * @return this builder
     * @since 0.1.0
     */
    public Builder noWarmup() {
      warmup.clear();
      return this;
    }

    /**
     * Runs a warmup phase of this long first; its records are discarded.
     *
     * @param duration the warmup time, positive
     * @return this builder
     */
    public Builder warmupDuration(Duration duration) {
      warmup.warmupDuration = Objects.requireNonNull(duration, "warmupDuration");
      return this;
    }

    /**
     * Overrides the concurrency during warmup.
     *
     * @param concurrency the warmup concurrency, at least 1
     * @return this builder
     */
    public Builder warmupConcurrency(int concurrency) {
      warmup.warmupConcurrency = concurrency;
      return this;
    }

    /**
     * Overrides the request rate during warmup.
     *
     * @param requestsPerSecond the warmup rate, &gt; 0
     * @return this builder
     */
    public Builder warmupRequestRate(double requestsPerSecond) {
      warmup.warmupRequestRate = requestsPerSecond;
      return this;
    }

    /**
     * Runs a warmup phase of this many sessions (conversations) first, as AIPerf's
     * {@code --num-warmup-sessions}; its records are discarded. With a count or a duration too,
     * the warmup ends at whichever comes first.
     *
     * @param sessions the warmup sessions, at least 1
     * @return this builder
     * @since 0.1.0
     */
    public Builder warmupNumSessions(int sessions) {
      warmup.warmupNumSessions = sessions;
      return this;
    }

    /**
     * How long requests in flight at the end of a warmup by duration may finish
     * ({@code --warmup-grace-period}); without it the warmup waits for every one of them, as
     * AIPerf does. Those still running then are cancelled; warmup records are discarded anyway.
     *
     * @param grace the grace, zero or positive
     * @return this builder
     * @since 0.1.0
     */
    public Builder warmupGracePeriod(Duration grace) {
      warmup.warmupGracePeriod = Objects.requireNonNull(grace, "warmupGracePeriod");
      return this;
    }

    /**
     * Overrides the arrival pattern during a warmup at a request rate
     * ({@code --warmup-arrival-pattern}); by default the profiling one.
     *
     * @param pattern the pattern
     * @return this builder
     * @since 0.1.0
     */
    public Builder warmupArrivalPattern(ArrivalPattern pattern) {
      warmup.warmupArrivalPattern = Objects.requireNonNull(pattern, "warmupArrivalPattern");
      return this;
    }

    /**
     * Overrides the prefill concurrency during warmup ({@code --warmup-prefill-concurrency});
     * by default the profiling one.
     *
     * @param prefillConcurrency requests waiting for their first token at most, at least 1
     * @return this builder
     * @since 0.1.0
     */
    public Builder warmupPrefillConcurrency(int prefillConcurrency) {
      warmup.warmupPrefillConcurrency = prefillConcurrency;
      return this;
    }

    /**
     * Overrides the concurrency ramp during warmup ({@code --warmup-concurrency-ramp-duration});
     * by default the profiling one.
     *
     * @param duration the ramp, positive
     * @return this builder
     * @since 0.1.0
     */
    public Builder warmupConcurrencyRampDuration(Duration duration) {
      warmup.warmupConcurrencyRampDuration =
          Objects.requireNonNull(duration, "warmupConcurrencyRampDuration");
      return this;
    }

    /**
     * Overrides the request-rate ramp during warmup
     * ({@code --warmup-request-rate-ramp-duration}); by default the profiling one.
     *
     * @param duration the ramp, positive
     * @return this builder
     * @since 0.1.0
     */
    public Builder warmupRequestRateRampDuration(Duration duration) {
      warmup.warmupRequestRateRampDuration =
          Objects.requireNonNull(duration, "warmupRequestRateRampDuration");
      return this;
    }

    /**
     * Raises the concurrency linearly from 1 to its target over this time
     * ({@code --concurrency-ramp-duration}).
     *
     * @param duration the ramp, positive
     * @return this builder
     */
    public Builder concurrencyRampDuration(Duration duration) {
      load.concurrencyRampDuration = Objects.requireNonNull(duration, "concurrencyRampDuration");
      return this;
    }

    /**
     * Raises the request rate linearly to its target over this time
     * ({@code --request-rate-ramp-duration}).
     *
     * @param duration the ramp, positive
     * @return this builder
     */
    public Builder requestRateRampDuration(Duration duration) {
      load.requestRateRampDuration = Objects.requireNonNull(duration, "requestRateRampDuration");
      return this;
    }

    /**
     * Cancels this percentage of requests, each after the delay counted from the moment it was
     * fully sent ({@code --request-cancellation-rate}, {@code --request-cancellation-delay}). A
     * cancelled request is an error record with code 499.
     *
     * @param percent share of requests to cancel, 0 to 100
     * @param delay time after the request was sent
     * @return this builder
     */
    public Builder requestCancellation(double percent, Duration delay) {
      load.cancellationRate = percent;
      load.cancellationDelay = Objects.requireNonNull(delay, "cancellation delay");
      return this;
    }

    /**
     * Replays a trace: each request is sent at its dataset timestamp (AIPerf's
     * {@code --fixed-schedule}). A dataset with timestamps switches this on by itself.
     *
     * @param on whether to replay on the trace's schedule
     * @return this builder
     */
    public Builder fixedSchedule(boolean on) {
      load.fixedSchedule = on;
      return this;
    }

    /**
     * Shifts a trace so its first timestamp is time zero ({@code --fixed-schedule-auto-offset}).
     *
     * @param on whether to shift
     * @return this builder
     */
    public Builder fixedScheduleAutoOffset(boolean on) {
      load.fixedScheduleAutoOffset = on;
      return this;
    }

    /**
     * Replays only the trace's requests with timestamps in [start, end] ms, inclusive
     * ({@code --fixed-schedule-start-offset}, {@code --fixed-schedule-end-offset}).
     *
     * @param startMillis first timestamp kept, or null for the trace's start
     * @param endMillis last timestamp kept, or null for the trace's end
     * @return this builder
     */
    public Builder fixedScheduleWindow(@Nullable Long startMillis, @Nullable Long endMillis) {
      load.fixedScheduleStartOffset = startMillis;
      load.fixedScheduleEndOffset = endMillis;
      return this;
    }

    /**
     * Simulates users (AIPerf's {@code --user-centric-rate} with {@code --num-users}): each user
     * runs sessions turn after turn, one turn every {@code users / rate} seconds, and users start
     * staggered so the total rate holds from the first second. Needs sessions of at least two turns
     * and a bound (a request count, sessions or a duration).
     *
     * @param requestsPerSecond the total rate of all users, &gt; 0
     * @param users how many users, at least 1
     * @return this builder
     */
    public Builder userCentricRate(double requestsPerSecond, int users) {
      load.userCentricRate = requestsPerSecond;
      load.numUsers = users;
      return this;
    }

    /**
     * Sets goodput SLOs (AIPerf's {@code --goodput}): a request is good when it meets every one, a
     * metric at most its threshold, or at least it for larger-is-better metrics such as
     * {@code output_token_throughput_per_user}. Thresholds are in display units (ms, tokens/sec).
     * The result then has {@code good_request_count} and {@code goodput} (good requests / s).
     *
     * <pre>{@code
     * .goodput(Map.of("time_to_first_token", 200.0, "inter_token_latency", 20.0))
     * }</pre>
     *
     * @param slos metric tag to threshold
     * @return this builder
     */
    public Builder goodput(java.util.Map<String, Double> slos) {
      export.goodput = java.util.Map.copyOf(Objects.requireNonNull(slos, "goodput"));
      return this;
    }

    /**
     * Shows the HTTP trace timings ({@code http_req_*}: blocked, connecting, TLS, sending, waiting,
     * receiving, ...) in the console table ({@code --show-trace-timing}); they are always exported.
     *
     * @param show whether to show them
     * @return this builder
     */
    public Builder showTraceTiming(boolean show) {
      export.showTraceTiming = show;
      return this;
    }

    /**
     * Also reports per-slice statistics of the measured phase, slices of this length by request
     * start ({@code --slice-duration}), in {@code profile_export_aiperf_timeslices.csv/.json}.
     *
     * @param slice the slice length, positive
     * @return this builder
     */
    public Builder sliceDuration(Duration slice) {
      export.sliceDuration = Objects.requireNonNull(slice, "sliceDuration");
      return this;
    }

    /**
     * Sets how much is written besides the summary ({@code --export-level}); default
     * {@link ExportLevel#RECORDS}.
     *
     * @param level the level
     * @return this builder
     */
    public Builder exportLevel(ExportLevel level) {
      export.exportLevel = Objects.requireNonNull(level, "exportLevel");
      return this;
    }

    /**
     * Names the export files {@code <prefix>.json}, {@code <prefix>.csv} and
     * {@code <prefix>.jsonl} instead of AIPerf's defaults ({@code --profile-export-prefix}).
     *
     * @param prefix the file name prefix, without a directory
     * @return this builder
     */
    public Builder exportPrefix(String prefix) {
      export.exportPrefix = Objects.requireNonNull(prefix, "exportPrefix");
      return this;
    }

    /**
     * Adds each request's HTTP timings as {@code trace_data} to {@code profile_export.jsonl}
     * ({@code --export-http-trace}).
     *
     * @param export whether to add them
     * @return this builder
     */
    public Builder exportHttpTrace(boolean export) {
      this.export.exportHttpTrace = export;
      return this;
    }

    /**
     * Writes {@code outputs.json} as AIPerf does ({@code --export-outputs-json}): for each
     * profiling request its ids, times, a few metrics and the text the server generated, in
     * request order.
     *
     * @param export whether to write it
     * @return this builder
     */
    public Builder exportOutputsJson(boolean export) {
      this.export.exportOutputsJson = export;
      return this;
    }

    /**
     * Runs this many sessions (conversations) instead of a request count ({@code --num-sessions}).
     *
     * @param sessions the sessions, at least 1
     * @return this builder
     */
    public Builder numSessions(int sessions) {
      load.numSessions = sessions;
      return this;
    }

    /**
     * Sets the number of workers (each one Netty event loop); default the CPU count, capped by
     * the concurrency.
     *
     * @param workers the worker count, at least 1
     * @return this builder
     */
    public Builder workers(int workers) {
      run.workers = workers;
      return this;
    }

    /**
     * Waits for this many workers in other processes (or hosts) to join before profiling, and
     * spreads requests over them: each joins with {@code aiperf service --type worker
     * --controller ADDRESS}. Needs a message bus other processes can join, such as
     * {@code messageBus("zmq")} from the aiperf-zmq module. Local workers then default to none.
     * A remote worker whose heartbeats stop for 3 s is declared lost: its requests in flight are
     * recorded as {@code WorkerLost} errors and the run goes on without it.
     *
     * @param remoteWorkers the number of remote workers, 0 for none (the default)
     * @return this builder
     */
    public Builder remoteWorkers(int remoteWorkers) {
      run.remoteWorkers = remoteWorkers;
      return this;
    }

    /**
     * Sets the number of record processors (response parsing and tokenizing); default the CPU
     * count.
     *
     * @param recordProcessors the processor count, at least 1
     * @return this builder
     */
    public Builder recordProcessors(int recordProcessors) {
      run.recordProcessors = recordProcessors;
      return this;
    }

    /**
     * Writes export files to this directory (created if missing). Without it nothing is written.
     *
     * @param artifactDir the directory
     * @return this builder
     */
    public Builder artifactDir(Path artifactDir) {
      export.artifactDir = Objects.requireNonNull(artifactDir, "artifactDir");
      return this;
    }

    /**
     * Chooses the exporters by name, e.g. {@code console} and {@code json}. By default {@code json}
     * runs when an artifact directory is set.
     *
     * @param names exporter names
     * @return this builder
     */
    public Builder exporters(String... names) {
      export.exporters = List.of(names);
      return this;
    }

    /**
     * Chooses the message bus by name; by default the system property
     * {@value Benchmark#MESSAGE_BUS_PROPERTY}, then the available bus with the highest priority.
     *
     * @param name the bus name, e.g. {@code inmemory}
     * @return this builder
     */
    public Builder messageBus(String name) {
      return messageBus(name, java.util.Map.of());
    }

    /**
     * Chooses the message bus by name and gives it settings of its own, so that each run's bus
     * is configured by its builder rather than by JVM-wide system properties. The keys belong to
     * the bus: {@code inmemory} takes none, {@code zmq} takes {@code connect}, {@code host},
     * {@code port} and its CURVE keys (see {@code io.aiperf.zmq.ZmqBusOptions}); a key the bus
     * does not know fails the run with a message naming it.
     *
     * <pre>{@code
     * .messageBus("zmq", Map.of("host", "0.0.0.0", "port", "5555"))
     * }</pre>
     *
     * @param name the bus name, e.g. {@code zmq}
     * @param settings the bus's settings, key to value; copied
     * @return this builder
     */
    public Builder messageBus(String name, java.util.Map<String, String> settings) {
      run.messageBus = Objects.requireNonNull(name, "messageBus");
      run.messageBusSettings = java.util.Map.copyOf(
          Objects.requireNonNull(settings, "messageBus settings"));
      return this;
    }

    /**
     * Observes the run.
     *
     * @param listener the listener
     * @return this builder
     */
    public Builder listener(BenchmarkListener listener) {
      run.listener = Objects.requireNonNull(listener, "listener");
      return this;
    }

    /**
     * Bounds each start-up step (plugin loading, tokenizer loading, server reachability, service
     * initialization and start, worker registration, dataset load); a step that takes longer fails
     * the run with a message naming it. Default 60 seconds. Plugin discovery itself is bounded by
     * the system property {@code aiperf.plugins.loadTimeoutSeconds} (default 30), since it runs
     * before a configuration exists.
     *
     * @param timeout the bound
     * @return this builder
     */
    public Builder startupTimeout(Duration timeout) {
      run.startupTimeout = Objects.requireNonNull(timeout, "startupTimeout");
      return this;
    }

    /**
     * How long requests in flight may receive nothing before the run says so (a WARN log line and
     * {@link BenchmarkProgress#silent()}), naming how many and for how long; repeated at most once
     * a minute while it lasts. A run in which no request has ended for six times this long (while
     * some still receive data) says what it is waiting for too. Default 10 seconds; raise it for servers that
     * legitimately think longer before answering (long non-streamed answers).
     *
     * @param silence the silence that is worth a warning, {@link Duration#ZERO} for never
     * @return this builder
     */
    public Builder silenceWarning(Duration silence) {
      run.silenceWarning = Objects.requireNonNull(silence, "silenceWarning");
      return this;
    }

    /**
     * Whether the thread that paces an open-loop schedule asks Linux for real-time priority
     * (SCHED_FIFO, a low real-time priority) when it starts. An ordinary thread on a busy machine
     * wakes up milliseconds late at p99, and every request it paces is that late; a real-time one
     * wakes within tens of microseconds. Allowed for root, with {@code CAP_SYS_NICE}, or where
     * {@code ulimit -r} permits; otherwise the thread stays ordinary, the log says why, and a run
     * that then misses its schedule says so in its warning. Default true; turn it off where a
     * real-time thread is unwelcome (it may spin up to 0.1 ms before each send).
     *
     * @param realtime false to keep the pacing thread an ordinary one
     * @return this builder
     */
    public Builder realtimePacing(boolean realtime) {
      run.realtimePacing = realtime;
      return this;
    }

    /**
     * Whether the client's I/O threads (which read the server's answers and stamp each chunk as
     * it is read) ask Linux for real-time priority (SCHED_FIFO, a low real-time priority) while
     * they are mostly idle. On a busy machine an ordinary thread woken by a readable socket
     * waits for the scheduler, milliseconds at p99, and the stamp it takes is that late; a
     * real-time one runs at once: against a mock in another JVM on two cores (itself with
     * real-time threads) the p99 of the difference between measured and true TTFT was 0.45-0.55
     * ms with it and 0.87-1.07 ms without (after a warm-up phase; 0.66-1.35 and 1.2-4.5 ms
     * without one). A thread gives the priority up while it works most of a core, and every
     * thread while this process works more than half of the machine's cores. Off by default:
     * near the client's ceiling it still cost throughput (a quarter of the non-streaming
     * requests per second against a static server on two cores), which is not yet understood.
     * Allowed for root, with {@code CAP_SYS_NICE}, or where {@code ulimit -r} permits; otherwise
     * the threads stay ordinary and the log says why once.
     *
     * @param realtime true to run the I/O threads at real-time priority while mostly idle
     * @return this builder
     */
    public Builder realtimeIo(boolean realtime) {
      run.realtimeIo = realtime;
      return this;
    }

    /**
     * Local IP addresses that connections are opened from, in turn. Each source address has its
     * own range of ephemeral ports towards the server (about 28,000 on Linux by default), so tens
     * of thousands of concurrent connections to one server need several. Against a loopback
     * server aiperf spreads over 127.0.0.1, 127.0.0.2, ... by itself when the concurrency needs
     * it; set this for a remote server, with addresses of this machine's network interfaces.
     *
     * @param addresses IP literals such as {@code "10.0.0.5"} (no host names); none for the
     *     system's choice
     * @return this builder
     */
    public Builder sourceAddresses(List<String> addresses) {
      run.sourceAddresses = List.copyOf(Objects.requireNonNull(addresses, "sourceAddresses"));
      return this;
    }

    /**
     * Sends the console exporter's table here instead of standard output.
     *
     * @param console where the table goes
     * @return this builder
     */
    public Builder console(PrintWriter console) {
      run.console = Objects.requireNonNull(console, "console");
      return this;
    }

    /**
     * Sends the console exporter's table here instead of standard output.
     *
     * @param console where the table goes
     * @return this builder
     */
    public Builder console(PrintStream console) {
      Objects.requireNonNull(console, "console");
      run.console = new PrintWriter(new OutputStreamWriter(console, StandardCharsets.UTF_8), true);
      return this;
    }

    /**
     * Records the command line that produced this configuration, for the exports.
     *
     * @param args the arguments, secrets already redacted
     * @return this builder
     */
    public Builder commandLine(List<String> args) {
      run.commandLine = List.copyOf(args);
      return this;
    }

    /**
     * Scrapes the inference server's Prometheus metrics during the run, as AIPerf's
     * ServerMetricsManager does: every endpoint URL's own {@code /metrics} (AIPerf's rule: the
     * URL with {@code /metrics} appended) plus these, every 333 ms on a thread of its own, the
     * warmup kept apart from the profiling window. The summary is
     * {@link BenchmarkResult#serverMetrics()}; with an artifact directory the files of
     * {@link #serverMetricsFormats} are written. An endpoint that cannot be scraped costs one
     * warning and nothing else.
     *
     * <pre>{@code
     * Benchmark.builder().endpoint(chat).serverMetrics()                       // the server's own
     * Benchmark.builder().endpoint(chat).serverMetrics(URI.create("http://router:9090/metrics"))
     * }</pre>
     *
     * @param extraEndpoints more Prometheus endpoints; {@code /metrics} is appended to a URL
     *     without it
     * @return this builder
     * @since 0.1.0
     */
    public Builder serverMetrics(java.net.URI... extraEndpoints) {
      telemetry.serverMetrics = true;
      telemetry.serverMetricsUrls = List.of(extraEndpoints);
      return this;
    }

    /**
     * Turns server-metrics scraping off (the default for the API; the CLI scrapes by default, as
     * AIPerf does, unless {@code --no-server-metrics}).
     *
     * @return this builder
     * @since 0.1.0
     */
    public Builder noServerMetrics() {
      telemetry.serverMetrics = false;
      telemetry.serverMetricsUrls = List.of();
      return this;
    }

    /**
     * Chooses the server-metrics files; default {@code JSON} and {@code CSV}, as AIPerf's.
     *
     * @param formats the formats
     * @return this builder
     * @since 0.1.0
     */
    public Builder serverMetricsFormats(ServerMetricsFormat... formats) {
      java.util.Set<ServerMetricsFormat> set = java.util.EnumSet.noneOf(ServerMetricsFormat.class);
      for (ServerMetricsFormat f : formats) {
        set.add(Objects.requireNonNull(f, "serverMetricsFormats"));
      }
      telemetry.serverMetricsFormats = set;
      return this;
    }

    /**
     * Scrapes GPU telemetry from NVIDIA DCGM exporters during the run, as AIPerf's
     * GPUTelemetryManager does: AIPerf's defaults ({@code http://localhost:9400/metrics} and
     * {@code http://localhost:9401/metrics}, skipped quietly when nothing listens) plus these.
     * Power, energy, utilization, memory, temperature and clocks per GPU are in
     * {@link BenchmarkResult#gpuTelemetry()}, with AIPerf's energy-efficiency metrics
     * ({@code nvidia_output_tokens_per_joule}, ...) over the profiling window.
     *
     * <pre>{@code
     * Benchmark.builder().endpoint(chat).gpuTelemetry(URI.create("http://gpu-node:9400/metrics"))
     * }</pre>
     *
     * @param dcgmEndpoints more DCGM exporters; {@code /metrics} is appended to a URL without it
     * @return this builder
     * @since 0.1.0
     */
    public Builder gpuTelemetry(java.net.URI... dcgmEndpoints) {
      telemetry.gpuTelemetry = true;
      telemetry.gpuTelemetryUrls = List.of(dcgmEndpoints);
      return this;
    }

    /**
     * Turns GPU telemetry off (the default for the API).
     *
     * @return this builder
     * @since 0.1.0
     */
    public Builder noGpuTelemetry() {
      telemetry.gpuTelemetry = false;
      telemetry.gpuTelemetryUrls = List.of();
      return this;
    }

    /**
     * Validates everything and returns the immutable configuration.
     *
     * @return the configuration
     * @throws InvalidBenchmarkConfigException listing every problem found
     */
    public BenchmarkConfig build() {
      List<String> problems = ConfigChecks.problems(this);
      if (!problems.isEmpty()) {
        throw new InvalidBenchmarkConfigException(problems);
      }
      return new BenchmarkConfig(this);
    }

    /**
     * Builds the configuration and runs it, waiting for the result.
     *
     * @return the result
     * @throws InvalidBenchmarkConfigException if the configuration is invalid
     * @throws BenchmarkFailedException if the run could not complete
     */
    public BenchmarkResult run() {
      return Benchmark.run(build());
    }

    /**
     * Builds the configuration and starts it without waiting.
     *
     * @return a handle to wait for or cancel the run
     * @throws InvalidBenchmarkConfigException if the configuration is invalid
     */
    public BenchmarkRun start() {
      return Benchmark.start(build());
    }
  }
}
