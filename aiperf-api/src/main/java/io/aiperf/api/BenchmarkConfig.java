package io.aiperf.api;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * An immutable, validated benchmark configuration, made by {@link Benchmark.Builder#build()}.
 *
 * @since 0.1.0
 */
public final class BenchmarkConfig {
  private final EndpointConfig endpoint;
  private final DatasetConfig dataset;
  // Private copies of the builder's option groups, never changed after construction.
  private final LoadOptions load;
  private final WarmupOptions warmup;
  private final ExportOptions export;
  private final RunOptions run;
  private final TelemetryOptions telemetry;
  private final int concurrency;
  private final int requestCount;
  private final List<String> exporters;

  BenchmarkConfig(Benchmark.Builder b) {
    this.endpoint = Objects.requireNonNull(b.endpoint,
        "endpoint: build() reports an unset endpoint before it constructs a config");
    this.dataset = b.dataset;
    this.load = new LoadOptions(b.load);
    this.warmup = new WarmupOptions(b.warmup);
    this.export = new ExportOptions(b.export);
    this.run = new RunOptions(b.run);
    this.telemetry = new TelemetryOptions(b.telemetry);
    this.concurrency = load.concurrency != null ? load.concurrency
        : load.requestRate != null || load.userCentricRate != null ? 0 : 1;
    if (load.requestCount != null) {
      this.requestCount = load.requestCount;
    } else if (load.benchmarkDuration != null || load.numSessions != null || load.fixedSchedule
        || dataset instanceof FileDataset) {
      this.requestCount = 0;
    } else if (load.requestRate != null) {
      this.requestCount = 10;
    } else {
      this.requestCount = Math.max(10, 2 * concurrency);
    }
    this.exporters = export.exporters.isEmpty() && export.artifactDir != null ? List.of("json")
        : export.exporters;
  }

  /**
   * Returns a builder holding this configuration, to make a variant.
   *
   * @return a new builder
   */
  public Benchmark.Builder toBuilder() {
    return new Benchmark.Builder(endpoint, dataset, load, warmup, export, run, telemetry);
  }

  /**
   * Returns the endpoint.
   *
   * @return the endpoint
   */
  public EndpointConfig endpoint() {
    return endpoint;
  }

  /**
   * Returns the dataset.
   *
   * @return the dataset
   */
  public DatasetConfig dataset() {
    return dataset;
  }

  /**
   * Returns the maximum number of requests in flight.
   *
   * @return the concurrency, 0 for no limit (a request rate without a ceiling)
   */
  public int concurrency() {
    return concurrency;
  }

  /**
   * Returns the number of requests to send.
   *
   * @return the request count, 0 when the duration, the session count or the dataset itself (a
   *     file, replayed once) bounds the run
   */
  public int requestCount() {
    return requestCount;
  }

  /**
   * Returns the mean request rate of an open-loop run.
   *
   * @return requests per second, empty in concurrency mode
   */
  public OptionalDouble requestRate() {
    return load.requestRate == null ? OptionalDouble.empty()
        : OptionalDouble.of(load.requestRate);
  }

  /**
   * Returns how send times are spaced at the request rate.
   *
   * @return the pattern: the one set, gamma when only a smoothness was set, else Poisson
   */
  public ArrivalPattern arrivalPattern() {
    if (load.arrivalPattern != null) {
      return load.arrivalPattern;
    }
    return load.arrivalSmoothness != null ? ArrivalPattern.GAMMA : ArrivalPattern.POISSON;
  }

  /**
   * Returns the gamma shape.
   *
   * @return the smoothness, 1.0 by default
   */
  public double arrivalSmoothness() {
    return load.arrivalSmoothness == null ? 1.0 : load.arrivalSmoothness;
  }

  /**
   * Returns the cap on requests waiting for their first token.
   *
   * @return the cap, empty when none
   */
  public OptionalInt prefillConcurrency() {
    return load.prefillConcurrency == null ? OptionalInt.empty()
        : OptionalInt.of(load.prefillConcurrency);
  }

  /**
   * Returns how long the run issues requests.
   *
   * @return the duration, empty when the request count bounds the run
   */
  public Optional<Duration> benchmarkDuration() {
    return Optional.ofNullable(load.benchmarkDuration);
  }

  /**
   * Returns how long requests in flight may finish after a duration-bounded run stops issuing.
   *
   * @return the grace period, 30 s by default
   */
  public Duration gracePeriod() {
    return load.gracePeriod == null ? Duration.ofSeconds(30) : load.gracePeriod;
  }

  /**
   * Returns the warmup's request count.
   *
   * @return the count, empty when the warmup is by duration or absent
   */
  public OptionalInt warmupRequestCount() {
    return warmup.warmupRequestCount == null ? OptionalInt.empty()
        : OptionalInt.of(warmup.warmupRequestCount);
  }

  /**
   * Returns the warmup's duration.
   *
   * @return the duration, empty when the warmup is by count or absent
   */
  public Optional<Duration> warmupDuration() {
    return Optional.ofNullable(warmup.warmupDuration);
  }

  /**
   * Tells whether the run starts with a warmup phase.
   *
   * @return true when a warmup count or duration is set
   */
  public boolean hasWarmup() {
    return warmup.present();
  }

  /**
   * Returns the warmup's session count.
   *
   * @return the sessions, empty when the warmup is not limited by sessions
   * @since 0.1.0
   */
  public OptionalInt warmupNumSessions() {
    return warmup.warmupNumSessions == null ? OptionalInt.empty()
        : OptionalInt.of(warmup.warmupNumSessions);
  }

  /**
   * Returns how long requests in flight may finish after a warmup by duration.
   *
   * @return the grace, empty to wait for all of them
   * @since 0.1.0
   */
  public Optional<Duration> warmupGracePeriod() {
    return Optional.ofNullable(warmup.warmupGracePeriod);
  }

  /**
   * Returns the warmup's arrival pattern.
   *
   * @return the override, else the profiling pattern
   * @since 0.1.0
   */
  public ArrivalPattern warmupArrivalPattern() {
    return warmup.warmupArrivalPattern != null ? warmup.warmupArrivalPattern : arrivalPattern();
  }

  /**
   * Returns the warmup's prefill concurrency.
   *
   * @return the override, else the profiling one (empty for none)
   * @since 0.1.0
   */
  public OptionalInt warmupPrefillConcurrency() {
    return warmup.warmupPrefillConcurrency != null
        ? OptionalInt.of(warmup.warmupPrefillConcurrency) : prefillConcurrency();
  }

  /**
   * Returns the warmup's concurrency ramp.
   *
   * @return the override, else the profiling ramp (empty for none)
   * @since 0.1.0
   */
  public Optional<Duration> warmupConcurrencyRampDuration() {
    return warmup.warmupConcurrencyRampDuration != null
        ? Optional.of(warmup.warmupConcurrencyRampDuration) : concurrencyRampDuration();
  }

  /**
   * Returns the warmup's request-rate ramp.
   *
   * @return the override, else the profiling ramp (empty for none)
   * @since 0.1.0
   */
  public Optional<Duration> warmupRequestRateRampDuration() {
    return warmup.warmupRequestRateRampDuration != null
        ? Optional.of(warmup.warmupRequestRateRampDuration) : requestRateRampDuration();
  }

  /**
   * Returns the warmup's concurrency.
   *
   * @return the override, else the profiling concurrency
   */
  public int warmupConcurrency() {
    return warmup.warmupConcurrency != null ? warmup.warmupConcurrency : concurrency;
  }

  /**
   * Returns the warmup's request rate.
   *
   * @return the override, else the profiling rate (empty in concurrency mode)
   */
  public OptionalDouble warmupRequestRate() {
    return warmup.warmupRequestRate != null ? OptionalDouble.of(warmup.warmupRequestRate)
        : requestRate();
  }

  /**
   * Returns the concurrency ramp.
   *
   * @return the ramp time, empty for none
   */
  public Optional<Duration> concurrencyRampDuration() {
    return Optional.ofNullable(load.concurrencyRampDuration);
  }

  /**
   * Returns the request rate ramp.
   *
   * @return the ramp time, empty for none
   */
  public Optional<Duration> requestRateRampDuration() {
    return Optional.ofNullable(load.requestRateRampDuration);
  }

  /**
   * Returns the share of requests to cancel.
   *
   * @return percent, 0 by default
   */
  public double cancellationRate() {
    return load.cancellationRate == null ? 0 : load.cancellationRate;
  }

  /**
   * Returns how long after being sent a request picked for cancellation is cancelled.
   *
   * @return the delay, zero by default
   */
  public Duration cancellationDelay() {
    return load.cancellationDelay == null ? Duration.ZERO : load.cancellationDelay;
  }

  /**
   * Tells whether requests replay on their dataset timestamps.
   *
   * @return true when asked for; a dataset with timestamps also turns it on when the run starts
   */
  public boolean fixedSchedule() {
    return load.fixedSchedule;
  }

  /**
   * Tells whether a trace is shifted so its first timestamp is time zero.
   *
   * @return true to shift
   */
  public boolean fixedScheduleAutoOffset() {
    return load.fixedScheduleAutoOffset;
  }

  /**
   * Returns the first trace timestamp replayed.
   *
   * @return milliseconds, empty for the trace's start
   */
  public OptionalLong fixedScheduleStartOffset() {
    return load.fixedScheduleStartOffset == null ? OptionalLong.empty()
        : OptionalLong.of(load.fixedScheduleStartOffset);
  }

  /**
   * Returns the last trace timestamp replayed.
   *
   * @return milliseconds, empty for the trace's end
   */
  public OptionalLong fixedScheduleEndOffset() {
    return load.fixedScheduleEndOffset == null ? OptionalLong.empty()
        : OptionalLong.of(load.fixedScheduleEndOffset);
  }

  /**
   * Returns the number of sessions to run.
   *
   * @return the count, empty when a request count, a duration or the dataset bounds the run
   */
  public OptionalInt numSessions() {
    return load.numSessions == null ? OptionalInt.empty() : OptionalInt.of(load.numSessions);
  }

  /**
   * Returns the total rate of a user-centric run.
   *
   * @return requests per second, empty unless user-centric
   */
  public OptionalDouble userCentricRate() {
    return load.userCentricRate == null ? OptionalDouble.empty()
        : OptionalDouble.of(load.userCentricRate);
  }

  /**
   * Returns the simulated users of a user-centric run.
   *
   * @return the users, 0 unless user-centric
   */
  public int numUsers() {
    return load.numUsers == null ? 0 : load.numUsers;
  }

  /**
   * Returns the goodput SLOs.
   *
   * @return metric tag to threshold in display units; empty when none
   */
  public java.util.Map<String, Double> goodput() {
    return export.goodput;
  }

  /**
   * Tells whether the console shows the HTTP trace timings.
   *
   * @return true when asked for
   */
  public boolean showTraceTiming() {
    return export.showTraceTiming;
  }

  /**
   * Tells whether the per-request export carries each request's HTTP timings.
   *
   * @return true when asked for
   */
  public boolean exportHttpTrace() {
    return export.exportHttpTrace;
  }

  /**
   * Tells whether {@code outputs.json} (each request's generated text) is written.
   *
   * @return true when asked for
   */
  public boolean exportOutputsJson() {
    return export.exportOutputsJson;
  }

  /**
   * Returns the export file name prefix.
   *
   * @return the prefix, empty for AIPerf's default names
   */
  public Optional<String> exportPrefix() {
    return Optional.ofNullable(export.exportPrefix);
  }

  /**
   * Returns the timeslice length.
   *
   * @return the slice, empty when no timeslices are reported
   */
  public Optional<Duration> sliceDuration() {
    return Optional.ofNullable(export.sliceDuration);
  }

  /**
   * Returns how much is written besides the summary.
   *
   * @return the level, {@link ExportLevel#RECORDS} by default
   */
  public ExportLevel exportLevel() {
    return export.exportLevel;
  }

  /**
   * Returns the number of workers in this process: the one set, or none when remote workers are
   * asked for, or the CPU count capped by the concurrency.
   *
   * @return the worker count
   */
  public int workers() {
    if (run.workers != null) {
      return run.workers;
    }
    if (run.remoteWorkers > 0) {
      return 0;
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    return Math.max(1, concurrency > 0 ? Math.min(cpus, concurrency) : cpus);
  }

  /**
   * Returns the number of record processors: the one set, or the CPU count. A processor waits
   * while no responses are queued, so one per CPU costs nothing at a low rate and lets parsing
   * and token counting keep up with the load at the client's ceiling.
   *
   * @return the processor count
   */
  public int recordProcessors() {
    if (run.recordProcessors != null) {
      return run.recordProcessors;
    }
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  /**
   * Returns the directory export files go to.
   *
   * @return the directory, empty when nothing is written
   */
  public Optional<Path> artifactDir() {
    return Optional.ofNullable(export.artifactDir);
  }

  /**
   * Returns the exporter names to run at the end.
   *
   * @return the names
   */
  public List<String> exporters() {
    return exporters;
  }

  /**
   * Returns the message bus name chosen in the builder.
   *
   * @return the name, empty to use the system property or the highest-priority bus
   */
  public Optional<String> messageBus() {
    return Optional.ofNullable(run.messageBus);
  }

  /**
   * Returns the settings given to the message bus with
   * {@link Benchmark.Builder#messageBus(String, java.util.Map)}; the engine passes them to the
   * bus provider in an {@link io.aiperf.api.spi.BusConfig}.
   *
   * @return key to value, empty when none were given (a bus may then read its documented system
   *     properties)
   */
  public java.util.Map<String, String> messageBusSettings() {
    return run.messageBusSettings;
  }

  /**
   * Returns the listener.
   *
   * @return the listener, {@link BenchmarkListener#NONE} by default
   */
  public BenchmarkListener listener() {
    return run.listener;
  }

  /**
   * Returns the bound on each start-up step.
   *
   * @return the timeout
   */
  public Duration startupTimeout() {
    return run.startupTimeout;
  }

  /**
   * Returns how long requests in flight may receive nothing before the run warns.
   *
   * @return the silence, {@link Duration#ZERO} when the warning is off; 10 seconds by default
   */
  public Duration silenceWarning() {
    return run.silenceWarning;
  }

  /**
   * Returns whether the pacing thread asks for real-time priority.
   *
   * @return true (the default) if it asks; see {@link Benchmark.Builder#realtimePacing(boolean)}
   */
  public boolean realtimePacing() {
    return run.realtimePacing;
  }

  /**
   * Returns whether the client's I/O threads ask for real-time priority while mostly idle.
   *
   * @return true if they ask (false by default); see {@link Benchmark.Builder#realtimeIo(boolean)}
   */
  public boolean realtimeIo() {
    return run.realtimeIo;
  }

  /**
   * Returns the local addresses connections are opened from, in turn.
   *
   * @return IP literals; empty for the system's choice (spread over loopback addresses by itself
   *     against a loopback server when the concurrency needs it)
   */
  public List<String> sourceAddresses() {
    return run.sourceAddresses;
  }

  /**
   * Returns the number of workers in other processes the run waits for.
   *
   * @return the remote worker count, 0 for none
   */
  public int remoteWorkers() {
    return run.remoteWorkers;
  }

  /**
   * Returns the command line recorded for the exports.
   *
   * @return the arguments, empty when run from the API
   */
  public List<String> commandLine() {
    return run.commandLine;
  }

  /**
   * Returns where the console exporter writes.
   *
   * @return the writer, empty for standard output
   */
  public Optional<PrintWriter> console() {
    return Optional.ofNullable(run.console);
  }

  /**
   * Returns whether the inference server's Prometheus metrics are scraped during the run.
   *
   * @return true when on
   * @since 0.1.0
   */
  public boolean serverMetricsEnabled() {
    return telemetry.serverMetrics;
  }

  /**
   * Returns the Prometheus endpoints scraped besides each endpoint URL's own {@code /metrics}.
   *
   * @return the extra URLs, as given
   * @since 0.1.0
   */
  public List<java.net.URI> serverMetricsUrls() {
    return telemetry.serverMetricsUrls;
  }

  /**
   * Returns the files server metrics are exported to (with an artifact directory).
   *
   * @return the formats
   * @since 0.1.0
   */
  public java.util.Set<ServerMetricsFormat> serverMetricsFormats() {
    return java.util.Collections.unmodifiableSet(telemetry.serverMetricsFormats);
  }

  /**
   * Returns whether GPU telemetry is scraped from DCGM exporters during the run.
   *
   * @return true when on
   * @since 0.1.0
   */
  public boolean gpuTelemetryEnabled() {
    return telemetry.gpuTelemetry;
  }

  /**
   * Returns the DCGM exporters scraped besides AIPerf's defaults ({@code localhost:9400} and
   * {@code localhost:9401}).
   *
   * @return the extra URLs, as given
   * @since 0.1.0
   */
  public List<java.net.URI> gpuTelemetryUrls() {
    return telemetry.gpuTelemetryUrls;
  }

  @Override
  public String toString() {
    return "BenchmarkConfig{endpoint=" + endpoint + ", dataset=" + dataset + ", concurrency="
        + concurrency + ", requestCount=" + requestCount + ", workers=" + workers()
        + ", recordProcessors=" + recordProcessors() + ", artifactDir=" + export.artifactDir + "}";
  }
}
