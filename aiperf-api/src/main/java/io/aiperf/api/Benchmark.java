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
   * lateness) against an in-process mock server, so users can tell the client's limits from the
   * server's. It takes about four times {@code stepDuration} plus warmups.
   *
   * <pre>{@code
   * System.out.println(Benchmark.calibrate(Duration.ofSeconds(5)).describe());
   * }</pre>
   *
   * @param stepDuration how long each measuring step runs, at least 1 second
   * @return the ceiling
   * @throws IllegalArgumentException if the step is shorter than 1 second
   */
  public static Calibration calibrate(Duration stepDuration) {
    Objects.requireNonNull(stepDuration, "stepDuration");
    if (stepDuration.compareTo(Duration.ofSeconds(1)) < 0) {
      throw new IllegalArgumentException("stepDuration was '" + stepDuration
          + "' but it must be at least 1 second");
    }
    return Plugins.select(BenchmarkEngineProvider.class, null).calibrate(stepDuration);
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
  /** IPv4 dotted quads, or IPv6 literals (hex groups and colons, optionally with a dotted tail). */
  private static final java.util.regex.Pattern IP_LITERAL = java.util.regex.Pattern.compile(
      "((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)"
          + "|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

  public static final class Builder {
    EndpointConfig endpoint;
    DatasetConfig dataset = Datasets.synthetic();
    Integer concurrency;
    Integer requestCount;
    Double requestRate;
    ArrivalPattern arrivalPattern;
    Double arrivalSmoothness;
    Integer prefillConcurrency;
    Duration benchmarkDuration;
    Duration gracePeriod;
    Integer warmupRequestCount;
    Duration warmupDuration;
    Integer warmupConcurrency;
    Double warmupRequestRate;
    Duration concurrencyRampDuration;
    Duration requestRateRampDuration;
    Double cancellationRate;
    Duration cancellationDelay;
    boolean fixedSchedule;
    boolean fixedScheduleAutoOffset;
    Long fixedScheduleStartOffset;
    Long fixedScheduleEndOffset;
    Integer numSessions;
    Double userCentricRate;
    Integer numUsers;
    java.util.Map<String, Double> goodput = java.util.Map.of();
    boolean showTraceTiming;
    boolean exportHttpTrace;
    String exportPrefix;
    Duration sliceDuration;
    ExportLevel exportLevel = ExportLevel.RECORDS;
    Integer workers;
    Integer recordProcessors;
    Path artifactDir;
    List<String> exporters = List.of();
    String messageBus;
    java.util.Map<String, String> messageBusSettings = java.util.Map.of();
    BenchmarkListener listener = BenchmarkListener.NONE;
    Duration startupTimeout = Duration.ofSeconds(60);
    List<String> sourceAddresses = List.of();
    int remoteWorkers;
    List<String> commandLine = List.of();
    PrintWriter console;

    Builder() {}

    Builder(BenchmarkConfig c) {
      endpoint = c.endpoint();
      dataset = c.dataset();
      concurrency = c.explicitConcurrency();
      requestCount = c.explicitRequestCount();
      requestRate = c.requestRate().isPresent() ? c.requestRate().getAsDouble() : null;
      arrivalPattern = c.explicitArrivalPattern();
      arrivalSmoothness = c.explicitArrivalSmoothness();
      prefillConcurrency = c.prefillConcurrency().isPresent()
          ? c.prefillConcurrency().getAsInt() : null;
      benchmarkDuration = c.benchmarkDuration().orElse(null);
      gracePeriod = c.explicitGracePeriod();
      warmupRequestCount = c.warmupRequestCount().isPresent()
          ? c.warmupRequestCount().getAsInt() : null;
      warmupDuration = c.warmupDuration().orElse(null);
      warmupConcurrency = c.explicitWarmupConcurrency();
      warmupRequestRate = c.explicitWarmupRequestRate();
      concurrencyRampDuration = c.concurrencyRampDuration().orElse(null);
      requestRateRampDuration = c.requestRateRampDuration().orElse(null);
      cancellationRate = c.cancellationRate() > 0 ? c.cancellationRate() : null;
      cancellationDelay = c.explicitCancellationDelay();
      fixedSchedule = c.explicitFixedSchedule();
      fixedScheduleAutoOffset = c.fixedScheduleAutoOffset();
      fixedScheduleStartOffset = c.explicitStartOffset();
      fixedScheduleEndOffset = c.explicitEndOffset();
      numSessions = c.numSessions().isPresent() ? c.numSessions().getAsInt() : null;
      userCentricRate = c.userCentricRate().isPresent() ? c.userCentricRate().getAsDouble() : null;
      numUsers = c.numUsers() > 0 ? c.numUsers() : null;
      goodput = c.goodput();
      showTraceTiming = c.showTraceTiming();
      exportHttpTrace = c.exportHttpTrace();
      exportPrefix = c.exportPrefix().orElse(null);
      sliceDuration = c.sliceDuration().orElse(null);
      exportLevel = c.exportLevel();
      workers = c.explicitWorkers();
      recordProcessors = c.explicitRecordProcessors();
      artifactDir = c.artifactDir().orElse(null);
      exporters = c.exporters();
      messageBus = c.messageBus().orElse(null);
      messageBusSettings = c.messageBusSettings();
      listener = c.listener();
      startupTimeout = c.startupTimeout();
      sourceAddresses = c.sourceAddresses();
      remoteWorkers = c.remoteWorkers();
      commandLine = c.commandLine();
      console = c.console().orElse(null);
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
      this.concurrency = concurrency;
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
      this.requestCount = requestCount;
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
      this.requestRate = requestsPerSecond;
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
      this.arrivalPattern = Objects.requireNonNull(pattern, "arrivalPattern");
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
      this.arrivalSmoothness = smoothness;
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
      this.prefillConcurrency = prefillConcurrency;
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
      this.benchmarkDuration = Objects.requireNonNull(duration, "benchmarkDuration");
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
      this.gracePeriod = Objects.requireNonNull(grace, "gracePeriod");
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
      this.warmupRequestCount = count;
      return this;
    }

    /**
     * Runs a warmup phase of this long first; its records are discarded.
     *
     * @param duration the warmup time, positive
     * @return this builder
     */
    public Builder warmupDuration(Duration duration) {
      this.warmupDuration = Objects.requireNonNull(duration, "warmupDuration");
      return this;
    }

    /**
     * Overrides the concurrency during warmup.
     *
     * @param concurrency the warmup concurrency, at least 1
     * @return this builder
     */
    public Builder warmupConcurrency(int concurrency) {
      this.warmupConcurrency = concurrency;
      return this;
    }

    /**
     * Overrides the request rate during warmup.
     *
     * @param requestsPerSecond the warmup rate, &gt; 0
     * @return this builder
     */
    public Builder warmupRequestRate(double requestsPerSecond) {
      this.warmupRequestRate = requestsPerSecond;
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
      this.concurrencyRampDuration = Objects.requireNonNull(duration, "concurrencyRampDuration");
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
      this.requestRateRampDuration = Objects.requireNonNull(duration, "requestRateRampDuration");
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
      this.cancellationRate = percent;
      this.cancellationDelay = Objects.requireNonNull(delay, "cancellation delay");
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
      this.fixedSchedule = on;
      return this;
    }

    /**
     * Shifts a trace so its first timestamp is time zero ({@code --fixed-schedule-auto-offset}).
     *
     * @param on whether to shift
     * @return this builder
     */
    public Builder fixedScheduleAutoOffset(boolean on) {
      this.fixedScheduleAutoOffset = on;
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
    public Builder fixedScheduleWindow(Long startMillis, Long endMillis) {
      this.fixedScheduleStartOffset = startMillis;
      this.fixedScheduleEndOffset = endMillis;
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
      this.userCentricRate = requestsPerSecond;
      this.numUsers = users;
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
      this.goodput = java.util.Map.copyOf(Objects.requireNonNull(slos, "goodput"));
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
      this.showTraceTiming = show;
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
      this.sliceDuration = Objects.requireNonNull(slice, "sliceDuration");
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
      this.exportLevel = Objects.requireNonNull(level, "exportLevel");
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
      this.exportPrefix = Objects.requireNonNull(prefix, "exportPrefix");
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
      this.exportHttpTrace = export;
      return this;
    }

    /**
     * Runs this many sessions (conversations) instead of a request count ({@code --num-sessions}).
     *
     * @param sessions the sessions, at least 1
     * @return this builder
     */
    public Builder numSessions(int sessions) {
      this.numSessions = sessions;
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
      this.workers = workers;
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
      this.remoteWorkers = remoteWorkers;
      return this;
    }

    /**
     * Sets the number of record processors (response parsing and tokenizing); default half the
     * CPU count, at least 1.
     *
     * @param recordProcessors the processor count, at least 1
     * @return this builder
     */
    public Builder recordProcessors(int recordProcessors) {
      this.recordProcessors = recordProcessors;
      return this;
    }

    /**
     * Writes export files to this directory (created if missing). Without it nothing is written.
     *
     * @param artifactDir the directory
     * @return this builder
     */
    public Builder artifactDir(Path artifactDir) {
      this.artifactDir = Objects.requireNonNull(artifactDir, "artifactDir");
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
      this.exporters = List.of(names);
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
      this.messageBus = Objects.requireNonNull(name, "messageBus");
      this.messageBusSettings = java.util.Map.copyOf(
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
      this.listener = Objects.requireNonNull(listener, "listener");
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
      this.startupTimeout = Objects.requireNonNull(timeout, "startupTimeout");
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
      this.sourceAddresses = List.copyOf(Objects.requireNonNull(addresses, "sourceAddresses"));
      return this;
    }

    /**
     * Sends the console exporter's table here instead of standard output.
     *
     * @param console where the table goes
     * @return this builder
     */
    public Builder console(PrintWriter console) {
      this.console = Objects.requireNonNull(console, "console");
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
      this.console = new PrintWriter(new OutputStreamWriter(console, StandardCharsets.UTF_8), true);
      return this;
    }

    /**
     * Records the command line that produced this configuration, for the exports.
     *
     * @param args the arguments, secrets already redacted
     * @return this builder
     */
    public Builder commandLine(List<String> args) {
      this.commandLine = List.copyOf(args);
      return this;
    }

    /**
     * Validates everything and returns the immutable configuration.
     *
     * @return the configuration
     * @throws InvalidBenchmarkConfigException listing every problem found
     */
    public BenchmarkConfig build() {
      List<String> problems = new ArrayList<>();
      if (endpoint == null) {
        problems.add("endpoint was not set but it is required, e.g. Endpoints.openAiChat(url)");
      } else {
        validateEndpoint(endpoint, problems);
      }
      if (concurrency != null && concurrency < 1) {
        problems.add(fmt("concurrency was '%d' but it must be at least 1", concurrency));
      }
      if (requestCount != null && requestCount < 1) {
        problems.add(fmt("requestCount was '%d' but it must be at least 1", requestCount));
      }
      if (remoteWorkers < 0) {
        problems.add(fmt("remoteWorkers was '%d' but it must be at least 0", remoteWorkers));
      }
      if (remoteWorkers > 0 && (messageBus == null || messageBus.equalsIgnoreCase("inmemory"))
          && System.getProperty(MESSAGE_BUS_PROPERTY) == null) {
        problems.add(fmt("remoteWorkers was '%d' but other processes cannot join the in-memory"
            + " bus: choose one they can, such as messageBus(\"zmq\") (module aiperf-zmq)",
            remoteWorkers));
      }
      for (String key : new java.util.TreeSet<>(messageBusSettings.keySet())) {
        if (key.isBlank()) {
          problems.add("messageBus setting key was '" + key + "' but it must not be blank");
        }
      }
      if (!messageBusSettings.isEmpty() && "inmemory".equalsIgnoreCase(messageBus)) {
        problems.add("messageBus settings were '"
            + new java.util.TreeSet<>(messageBusSettings.keySet())
            + "' but the in-memory bus takes no settings");
      }
      if (workers != null && workers < (remoteWorkers > 0 ? 0 : 1)) {
        problems.add(fmt("workers was '%d' but it must be at least 1", workers));
      }
      if (recordProcessors != null && recordProcessors < 1) {
        problems.add(fmt("recordProcessors was '%d' but it must be at least 1", recordProcessors));
      }
      validateLoad(problems);
      for (String a : sourceAddresses) {
        if (!IP_LITERAL.matcher(a).matches()) {
          problems.add("sourceAddress was '" + a + "' but it must be an IP address of this"
              + " machine such as 127.0.0.2 or 10.0.0.5 (host names are not resolved)");
        }
      }
      if (startupTimeout.isNegative() || startupTimeout.isZero()) {
        problems.add("startupTimeout was '" + startupTimeout + "' but it must be positive");
      }
      if (dataset instanceof SyntheticDataset s) {
        validateSynthetic(s, problems);
      }
      if (dataset instanceof FileDataset f && !java.nio.file.Files.isReadable(f.path())) {
        problems.add("input file was '" + f.path() + "' but it "
            + (java.nio.file.Files.exists(f.path()) ? "cannot be read" : "does not exist"));
      }
      if (fixedSchedule && !(dataset instanceof FileDataset)) {
        problems.add("fixedSchedule was set but it needs a dataset with timestamps (a"
            + " mooncake_trace, bailian_trace, single_turn or multi_turn file whose lines have a"
            + " 'timestamp')");
      }
      if (fixedSchedule && requestRate != null) {
        problems.add("fixedSchedule and requestRate were both set but a trace sets its own times");
      }
      if ((fixedScheduleStartOffset != null || fixedScheduleEndOffset != null) && !fixedSchedule
          && !(dataset instanceof FileDataset)) {
        problems.add("fixedScheduleStartOffset/EndOffset were set but they need a fixed schedule");
      }
      if (fixedScheduleStartOffset != null && fixedScheduleEndOffset != null
          && fixedScheduleEndOffset < fixedScheduleStartOffset) {
        problems.add(fmt("fixedScheduleEndOffset was '%d' but it must be >= the start offset (%d)",
            fixedScheduleEndOffset, fixedScheduleStartOffset));
      }
      if (userCentricRate != null) {
        if (!(userCentricRate > 0)) {
          problems.add(fmt("userCentricRate was '%s' but it must be > 0", userCentricRate));
        }
        if (numUsers == null || numUsers < 1) {
          problems.add("numUsers was '" + numUsers + "' but user-centric rate needs at least 1");
        }
        if (requestRate != null || fixedSchedule) {
          problems.add("userCentricRate was set but it cannot be combined with requestRate or"
              + " fixedSchedule: each sets when requests go out");
        }
        if (dataset instanceof SyntheticDataset s && s.turnsMean() < 2) {
          problems.add(fmt("userCentricRate was set but session turns mean was '%s' and it needs"
              + " at least 2 (users hold conversations)", s.turnsMean()));
        }
        if (requestCount == null && numSessions == null && benchmarkDuration == null) {
          problems.add("userCentricRate was set but it needs a bound: requestCount, numSessions"
              + " or benchmarkDuration");
        }
      }
      validateGoodput(problems);
      if (exportPrefix != null && (exportPrefix.isBlank() || exportPrefix.contains("/")
          || exportPrefix.contains("\\"))) {
        problems.add("exportPrefix was '" + exportPrefix + "' but it must be a plain file name"
            + " prefix, without a directory");
      }
      if (numSessions != null && requestCount != null) {
        problems.add("numSessions and requestCount were both set but a run ends by one of them");
      }
      if (numSessions != null && numSessions < 1) {
        problems.add(fmt("numSessions was '%d' but it must be at least 1", numSessions));
      }
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

    private void validateLoad(List<String> problems) {
      if (requestRate != null && !(requestRate > 0)) {
        problems.add(fmt("requestRate was '%s' but it must be > 0", requestRate));
      }
      if (warmupRequestRate != null && !(warmupRequestRate > 0)) {
        problems.add(fmt("warmupRequestRate was '%s' but it must be > 0", warmupRequestRate));
      }
      if (arrivalSmoothness != null && !(arrivalSmoothness > 0)) {
        problems.add(fmt("arrivalSmoothness was '%s' but it must be > 0", arrivalSmoothness));
      }
      if (arrivalSmoothness != null && arrivalPattern != null
          && arrivalPattern != ArrivalPattern.GAMMA) {
        problems.add("arrivalSmoothness was '" + arrivalSmoothness + "' but it applies to the gamma"
            + " pattern only, and arrivalPattern is " + arrivalPattern);
      }
      if ((arrivalPattern != null || arrivalSmoothness != null) && requestRate == null) {
        problems.add("arrivalPattern was set but it needs requestRate (the pattern spaces a rate)");
      }
      if (requestRateRampDuration != null && requestRate == null) {
        problems.add("requestRateRampDuration was set but it needs requestRate");
      }
      if (prefillConcurrency != null) {
        if (prefillConcurrency < 1) {
          problems.add(fmt("prefillConcurrency was '%d' but it must be at least 1",
              prefillConcurrency));
        } else if (concurrency != null && prefillConcurrency > concurrency) {
          problems.add(fmt("prefillConcurrency was '%d' but it cannot exceed concurrency (%d)",
              prefillConcurrency, concurrency));
        }
        if (endpoint != null && !endpoint.streaming()) {
          problems.add("prefillConcurrency was set but it needs streaming: the first token is"
              + " only seen in a stream");
        }
      }
      if (warmupConcurrency != null && warmupConcurrency < 1) {
        problems.add(fmt("warmupConcurrency was '%d' but it must be at least 1",
            warmupConcurrency));
      }
      if (warmupRequestCount != null && warmupRequestCount < 1) {
        problems.add(fmt("warmupRequestCount was '%d' but it must be at least 1",
            warmupRequestCount));
      }
      if (warmupRequestCount != null && warmupDuration != null) {
        problems.add("warmupRequestCount and warmupDuration were both set but a warmup ends by"
            + " one of them");
      }
      positive("benchmarkDuration", benchmarkDuration, problems);
      positive("sliceDuration", sliceDuration, problems);
      positive("warmupDuration", warmupDuration, problems);
      positive("concurrencyRampDuration", concurrencyRampDuration, problems);
      positive("requestRateRampDuration", requestRateRampDuration, problems);
      if (gracePeriod != null && gracePeriod.isNegative()) {
        problems.add("gracePeriod was '" + gracePeriod + "' but it must be zero or positive");
      }
      if (gracePeriod != null && benchmarkDuration == null) {
        problems.add("gracePeriod was set but it applies to benchmarkDuration runs only");
      }
      if (cancellationRate != null && !(cancellationRate >= 0 && cancellationRate <= 100)) {
        problems.add(fmt("request cancellation rate was '%s' but it must be a percentage from 0"
            + " to 100", cancellationRate));
      }
      if (cancellationDelay != null && cancellationDelay.isNegative()) {
        problems.add("request cancellation delay was '" + cancellationDelay
            + "' but it must be zero or positive");
      }
    }

    private void validateGoodput(List<String> problems) {
      if (goodput.isEmpty()) {
        return;
      }
      Set<String> known = new java.util.TreeSet<>();
      for (io.aiperf.api.spi.MetricProvider p : Plugins.all(io.aiperf.api.spi.MetricProvider.class)) {
        p.recordMetrics().forEach(m -> known.add(m.info().tag()));
      }
      goodput.forEach((tag, value) -> {
        if (!known.isEmpty() && !known.contains(tag)) {
          problems.add("goodput metric was '" + tag + "' but it must be a per-request metric: "
              + known);
        }
        if (value == null || !Double.isFinite(value) || value < 0) {
          problems.add("goodput threshold for '" + tag + "' was '" + value
              + "' but it must be a number >= 0 (in the metric's display unit)");
        }
      });
    }

    private static void positive(String name, Duration d, List<String> problems) {
      if (d != null && (d.isNegative() || d.isZero())) {
        problems.add(name + " was '" + d + "' but it must be positive");
      }
    }

    private static void validateEndpoint(EndpointConfig e, List<String> problems) {
      if (e.model().isEmpty() || e.model().get().isBlank()) {
        problems.add("model was not set but it is required (the model name the server serves)");
      }
      Set<String> types = Plugins.names(EndpointProvider.class);
      if (!types.isEmpty() && !types.contains(e.type())) {
        problems.add("endpoint type was '" + e.type() + "' but it must be one of " + types);
      }
      String url = e.url();
      try {
        URI uri = URI.create(url.contains("://") ? url : "http://" + url);
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("h2c")) {
          problems.add("url was '" + url + "' but its scheme must be http, https or h2c"
              + " (HTTP/2 cleartext)");
        } else if (uri.getHost() == null) {
          problems.add("url was '" + url + "' but it has no host, e.g. http://127.0.0.1:8000");
        }
      } catch (IllegalArgumentException ex) {
        problems.add("url was '" + url + "' but it is not a valid URL: " + ex.getMessage());
      }
      if (e.requestTimeout().isNegative() || e.requestTimeout().isZero()) {
        problems.add("requestTimeout was '" + e.requestTimeout() + "' but it must be positive");
      }
      e.headers().forEach((name, value) -> {
        if (name.isBlank() || !name.chars().allMatch(Builder::isTokenChar)) {
          problems.add("header name was '" + name + "' but it must be a non-empty HTTP token"
              + " (letters, digits and !#$%&'*+-.^_`|~)");
        }
        if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
          problems.add("header '" + name + "' value contains a line break, which HTTP forbids");
        }
      });
    }

    private static boolean isTokenChar(int c) {
      return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
    }

    private static void validateSynthetic(SyntheticDataset s, List<String> problems) {
      if (!(s.inputTokensMean() >= 1)) {
        problems.add(fmt("input tokens mean (isl) was '%s' but it must be at least 1",
            s.inputTokensMean()));
      }
      if (!(s.inputTokensStddev() >= 0)) {
        problems.add(fmt("input tokens stddev (isl-stddev) was '%s' but it must be >= 0",
            s.inputTokensStddev()));
      }
      if (s.outputTokensMean().isPresent() && !(s.outputTokensMean().getAsDouble() >= 1)) {
        problems.add(fmt("output tokens mean (osl) was '%s' but it must be at least 1",
            s.outputTokensMean().getAsDouble()));
      }
      if (!(s.outputTokensStddev() >= 0)) {
        problems.add(fmt("output tokens stddev (osl-stddev) was '%s' but it must be >= 0",
            s.outputTokensStddev()));
      }
      if (!(s.turnsMean() >= 1)) {
        problems.add(fmt("session turns mean was '%s' but it must be at least 1", s.turnsMean()));
      }
      if (!(s.turnsStddev() >= 0)) {
        problems.add(fmt("session turns stddev was '%s' but it must be >= 0", s.turnsStddev()));
      }
      if (!(s.turnDelayMeanMillis() >= 0) || !(s.turnDelayStddevMillis() >= 0)) {
        problems.add(fmt("session turn delay was '%s ± %s ms' but both must be >= 0",
            s.turnDelayMeanMillis(), s.turnDelayStddevMillis()));
      }
      if (s.entries().isPresent() && s.entries().getAsInt() < 1) {
        problems.add(fmt("dataset entries was '%d' but it must be at least 1",
            s.entries().getAsInt()));
      }
      validateSyntheticInputs(s, problems);
    }

    private static void validateSyntheticInputs(SyntheticDataset s, List<String> problems) {
      if (s.batchSize() < 1) {
        problems.add(fmt("batch size was '%d' but it must be at least 1", s.batchSize()));
      }
      if (s.prefixPromptCount() < 0 || s.prefixPromptLength() < 0
          || (s.prefixPromptCount() > 0) != (s.prefixPromptLength() > 0)) {
        problems.add(fmt("prefix prompts were '%d x %d tokens' but both the count and the length"
            + " must be at least 1 (or both 0)", s.prefixPromptCount(), s.prefixPromptLength()));
      }
      if (s.sharedSystemPromptLength() < 0) {
        problems.add(fmt("shared system prompt length was '%d' but it must be >= 0",
            s.sharedSystemPromptLength()));
      }
      if (s.hasImages()) {
        double[] size = s.imageSize();
        if (!(size[0] > 0)) {
          problems.add(fmt("image width mean was '%s' but it must be > 0 pixels", size[0]));
        }
        if (!(size[2] > 0)) {
          problems.add(fmt("image height mean was '%s' but it must be > 0 pixels", size[2]));
        }
        if (!(size[1] >= 0) || !(size[3] >= 0)) {
          problems.add(fmt("image size stddev was '%s x %s' but both must be >= 0", size[1],
              size[3]));
        }
      }
      if (!s.imageFormat().equals("png") && !s.imageFormat().equals("jpeg")) {
        problems.add("image format was '" + s.imageFormat() + "' but it must be png or jpeg");
      }
      if (s.imageBatchSize() < 1) {
        problems.add(fmt("image batch size was '%d' but it must be at least 1",
            s.imageBatchSize()));
      }
      if (!(s.audioLengthMean() >= 0) || !(s.audioLengthStddev() >= 0)) {
        problems.add(fmt("audio length was '%s ± %s s' but both must be >= 0",
            s.audioLengthMean(), s.audioLengthStddev()));
      }
      if (!s.audioFormat().equals("wav")) {
        problems.add("audio format was '" + s.audioFormat() + "' but it must be wav (mp3 needs"
            + " an encoder the JDK lacks)");
      }
      if (s.audioSampleRatesKhz().isEmpty()
          || s.audioSampleRatesKhz().stream().anyMatch(r -> !(r > 0) || r > 384)) {
        problems.add("audio sample rates were '" + s.audioSampleRatesKhz()
            + "' but each must be > 0 and <= 384 kHz");
      }
      if (s.audioDepths().isEmpty() || s.audioDepths().stream()
          .anyMatch(d -> d != 8 && d != 16 && d != 24 && d != 32)) {
        problems.add("audio depths were '" + s.audioDepths() + "' but each must be 8, 16, 24 or"
            + " 32 bits");
      }
      if (s.audioChannels() != 1 && s.audioChannels() != 2) {
        problems.add(fmt("audio channels was '%d' but it must be 1 or 2", s.audioChannels()));
      }
      if (s.audioBatchSize() < 1) {
        problems.add(fmt("audio batch size was '%d' but it must be at least 1",
            s.audioBatchSize()));
      }
    }

    private static String fmt(String format, Object... args) {
      return String.format(Locale.ROOT, format, args);
    }
  }
}
