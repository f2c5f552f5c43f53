package io.aiperf.api;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
  private final Integer explicitConcurrency;
  private final Integer explicitRequestCount;
  private final int concurrency;
  private final int requestCount;
  private final Double requestRate;
  private final ArrivalPattern arrivalPattern;
  private final Double arrivalSmoothness;
  private final Integer prefillConcurrency;
  private final Duration benchmarkDuration;
  private final Duration gracePeriod;
  private final Integer warmupRequestCount;
  private final Duration warmupDuration;
  private final Integer warmupConcurrency;
  private final Double warmupRequestRate;
  private final Duration concurrencyRampDuration;
  private final Duration requestRateRampDuration;
  private final double cancellationRate;
  private final Duration cancellationDelay;
  private final boolean fixedSchedule;
  private final boolean fixedScheduleAutoOffset;
  private final Long fixedScheduleStartOffset;
  private final Long fixedScheduleEndOffset;
  private final Integer numSessions;
  private final Double userCentricRate;
  private final Integer numUsers;
  private final java.util.Map<String, Double> goodput;
  private final boolean showTraceTiming;
  private final boolean exportHttpTrace;
  private final String exportPrefix;
  private final Duration sliceDuration;
  private final ExportLevel exportLevel;
  private final Integer workers;
  private final Integer recordProcessors;
  private final Path artifactDir;
  private final List<String> exporters;
  private final String messageBus;
  private final java.util.Map<String, String> messageBusSettings;
  private final BenchmarkListener listener;
  private final Duration startupTimeout;
  private final List<String> sourceAddresses;
  private final int remoteWorkers;
  private final List<String> commandLine;
  private final PrintWriter console;

  BenchmarkConfig(Benchmark.Builder b) {
    this.endpoint = b.endpoint;
    this.dataset = b.dataset;
    this.explicitConcurrency = b.concurrency;
    this.explicitRequestCount = b.requestCount;
    this.requestRate = b.requestRate;
    this.concurrency = b.concurrency != null ? b.concurrency
        : b.requestRate != null || b.userCentricRate != null ? 0 : 1;
    this.benchmarkDuration = b.benchmarkDuration;
    if (b.requestCount != null) {
      this.requestCount = b.requestCount;
    } else if (b.benchmarkDuration != null || b.numSessions != null || b.fixedSchedule
        || b.dataset instanceof FileDataset) {
      this.requestCount = 0;
    } else if (b.requestRate != null) {
      this.requestCount = 10;
    } else {
      this.requestCount = Math.max(10, 2 * concurrency);
    }
    this.arrivalPattern = b.arrivalPattern;
    this.arrivalSmoothness = b.arrivalSmoothness;
    this.prefillConcurrency = b.prefillConcurrency;
    this.gracePeriod = b.gracePeriod;
    this.warmupRequestCount = b.warmupRequestCount;
    this.warmupDuration = b.warmupDuration;
    this.warmupConcurrency = b.warmupConcurrency;
    this.warmupRequestRate = b.warmupRequestRate;
    this.concurrencyRampDuration = b.concurrencyRampDuration;
    this.requestRateRampDuration = b.requestRateRampDuration;
    this.cancellationRate = b.cancellationRate == null ? 0 : b.cancellationRate;
    this.cancellationDelay = b.cancellationDelay;
    this.fixedSchedule = b.fixedSchedule;
    this.fixedScheduleAutoOffset = b.fixedScheduleAutoOffset;
    this.fixedScheduleStartOffset = b.fixedScheduleStartOffset;
    this.fixedScheduleEndOffset = b.fixedScheduleEndOffset;
    this.numSessions = b.numSessions;
    this.userCentricRate = b.userCentricRate;
    this.numUsers = b.numUsers;
    this.goodput = b.goodput;
    this.showTraceTiming = b.showTraceTiming;
    this.exportHttpTrace = b.exportHttpTrace;
    this.exportPrefix = b.exportPrefix;
    this.sliceDuration = b.sliceDuration;
    this.exportLevel = b.exportLevel;
    this.workers = b.workers;
    this.recordProcessors = b.recordProcessors;
    this.artifactDir = b.artifactDir;
    this.exporters = b.exporters.isEmpty() && b.artifactDir != null ? List.of("json") : b.exporters;
    this.messageBus = b.messageBus;
    this.messageBusSettings = b.messageBusSettings;
    this.listener = b.listener;
    this.startupTimeout = b.startupTimeout;
    this.sourceAddresses = b.sourceAddresses;
    this.remoteWorkers = b.remoteWorkers;
    this.commandLine = b.commandLine;
    this.console = b.console;
  }

  /**
   * Returns a builder holding this configuration, to make a variant.
   *
   * @return a new builder
   */
  public Benchmark.Builder toBuilder() {
    return new Benchmark.Builder(this);
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
    return requestRate == null ? OptionalDouble.empty() : OptionalDouble.of(requestRate);
  }

  /**
   * Returns how send times are spaced at the request rate.
   *
   * @return the pattern: the one set, gamma when only a smoothness was set, else Poisson
   */
  public ArrivalPattern arrivalPattern() {
    if (arrivalPattern != null) {
      return arrivalPattern;
    }
    return arrivalSmoothness != null ? ArrivalPattern.GAMMA : ArrivalPattern.POISSON;
  }

  /**
   * Returns the gamma shape.
   *
   * @return the smoothness, 1.0 by default
   */
  public double arrivalSmoothness() {
    return arrivalSmoothness == null ? 1.0 : arrivalSmoothness;
  }

  /**
   * Returns the cap on requests waiting for their first token.
   *
   * @return the cap, empty when none
   */
  public OptionalInt prefillConcurrency() {
    return prefillConcurrency == null ? OptionalInt.empty() : OptionalInt.of(prefillConcurrency);
  }

  /**
   * Returns how long the run issues requests.
   *
   * @return the duration, empty when the request count bounds the run
   */
  public Optional<Duration> benchmarkDuration() {
    return Optional.ofNullable(benchmarkDuration);
  }

  /**
   * Returns how long requests in flight may finish after a duration-bounded run stops issuing.
   *
   * @return the grace period, 30 s by default
   */
  public Duration gracePeriod() {
    return gracePeriod == null ? Duration.ofSeconds(30) : gracePeriod;
  }

  /**
   * Returns the warmup's request count.
   *
   * @return the count, empty when the warmup is by duration or absent
   */
  public OptionalInt warmupRequestCount() {
    return warmupRequestCount == null ? OptionalInt.empty() : OptionalInt.of(warmupRequestCount);
  }

  /**
   * Returns the warmup's duration.
   *
   * @return the duration, empty when the warmup is by count or absent
   */
  public Optional<Duration> warmupDuration() {
    return Optional.ofNullable(warmupDuration);
  }

  /**
   * Tells whether the run starts with a warmup phase.
   *
   * @return true when a warmup count or duration is set
   */
  public boolean hasWarmup() {
    return warmupRequestCount != null || warmupDuration != null;
  }

  /**
   * Returns the warmup's concurrency.
   *
   * @return the override, else the profiling concurrency
   */
  public int warmupConcurrency() {
    return warmupConcurrency != null ? warmupConcurrency : concurrency;
  }

  /**
   * Returns the warmup's request rate.
   *
   * @return the override, else the profiling rate (empty in concurrency mode)
   */
  public OptionalDouble warmupRequestRate() {
    return warmupRequestRate != null ? OptionalDouble.of(warmupRequestRate) : requestRate();
  }

  /**
   * Returns the concurrency ramp.
   *
   * @return the ramp time, empty for none
   */
  public Optional<Duration> concurrencyRampDuration() {
    return Optional.ofNullable(concurrencyRampDuration);
  }

  /**
   * Returns the request rate ramp.
   *
   * @return the ramp time, empty for none
   */
  public Optional<Duration> requestRateRampDuration() {
    return Optional.ofNullable(requestRateRampDuration);
  }

  /**
   * Returns the share of requests to cancel.
   *
   * @return percent, 0 by default
   */
  public double cancellationRate() {
    return cancellationRate;
  }

  /**
   * Returns how long after being sent a request picked for cancellation is cancelled.
   *
   * @return the delay, zero by default
   */
  public Duration cancellationDelay() {
    return cancellationDelay == null ? Duration.ZERO : cancellationDelay;
  }

  /**
   * Tells whether requests replay on their dataset timestamps.
   *
   * @return true when asked for; a dataset with timestamps also turns it on when the run starts
   */
  public boolean fixedSchedule() {
    return fixedSchedule;
  }

  /**
   * Tells whether a trace is shifted so its first timestamp is time zero.
   *
   * @return true to shift
   */
  public boolean fixedScheduleAutoOffset() {
    return fixedScheduleAutoOffset;
  }

  /**
   * Returns the first trace timestamp replayed.
   *
   * @return milliseconds, empty for the trace's start
   */
  public OptionalLong fixedScheduleStartOffset() {
    return fixedScheduleStartOffset == null ? OptionalLong.empty()
        : OptionalLong.of(fixedScheduleStartOffset);
  }

  /**
   * Returns the last trace timestamp replayed.
   *
   * @return milliseconds, empty for the trace's end
   */
  public OptionalLong fixedScheduleEndOffset() {
    return fixedScheduleEndOffset == null ? OptionalLong.empty()
        : OptionalLong.of(fixedScheduleEndOffset);
  }

  /**
   * Returns the number of sessions to run.
   *
   * @return the count, empty when a request count, a duration or the dataset bounds the run
   */
  public OptionalInt numSessions() {
    return numSessions == null ? OptionalInt.empty() : OptionalInt.of(numSessions);
  }

  /**
   * Returns the total rate of a user-centric run.
   *
   * @return requests per second, empty unless user-centric
   */
  public OptionalDouble userCentricRate() {
    return userCentricRate == null ? OptionalDouble.empty() : OptionalDouble.of(userCentricRate);
  }

  /**
   * Returns the simulated users of a user-centric run.
   *
   * @return the users, 0 unless user-centric
   */
  public int numUsers() {
    return numUsers == null ? 0 : numUsers;
  }

  /**
   * Returns the goodput SLOs.
   *
   * @return metric tag to threshold in display units; empty when none
   */
  public java.util.Map<String, Double> goodput() {
    return goodput;
  }

  /**
   * Tells whether the console shows the HTTP trace timings.
   *
   * @return true when asked for
   */
  public boolean showTraceTiming() {
    return showTraceTiming;
  }

  /**
   * Tells whether the per-request export carries each request's HTTP timings.
   *
   * @return true when asked for
   */
  public boolean exportHttpTrace() {
    return exportHttpTrace;
  }

  /**
   * Returns the export file name prefix.
   *
   * @return the prefix, empty for AIPerf's default names
   */
  public Optional<String> exportPrefix() {
    return Optional.ofNullable(exportPrefix);
  }

  /**
   * Returns the timeslice length.
   *
   * @return the slice, empty when no timeslices are reported
   */
  public Optional<Duration> sliceDuration() {
    return Optional.ofNullable(sliceDuration);
  }

  /**
   * Returns how much is written besides the summary.
   *
   * @return the level, {@link ExportLevel#RECORDS} by default
   */
  public ExportLevel exportLevel() {
    return exportLevel;
  }

  boolean explicitFixedSchedule() {
    return fixedSchedule;
  }

  Long explicitStartOffset() {
    return fixedScheduleStartOffset;
  }

  Long explicitEndOffset() {
    return fixedScheduleEndOffset;
  }

  Integer explicitConcurrency() {
    return explicitConcurrency;
  }

  Integer explicitRequestCount() {
    return explicitRequestCount;
  }

  ArrivalPattern explicitArrivalPattern() {
    return arrivalPattern;
  }

  Double explicitArrivalSmoothness() {
    return arrivalSmoothness;
  }

  Duration explicitGracePeriod() {
    return gracePeriod;
  }

  Integer explicitWarmupConcurrency() {
    return warmupConcurrency;
  }

  Double explicitWarmupRequestRate() {
    return warmupRequestRate;
  }

  Duration explicitCancellationDelay() {
    return cancellationDelay;
  }

  /**
   * Returns the number of workers in this process: the one set, or none when remote workers are
   * asked for, or the CPU count capped by the concurrency.
   *
   * @return the worker count
   */
  public int workers() {
    if (workers != null) {
      return workers;
    }
    if (remoteWorkers > 0) {
      return 0;
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    return Math.max(1, concurrency > 0 ? Math.min(cpus, concurrency) : cpus);
  }

  /**
   * Returns the number of record processors: the one set, or half the CPU count (at least 1).
   *
   * @return the processor count
   */
  public int recordProcessors() {
    if (recordProcessors != null) {
      return recordProcessors;
    }
    return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
  }

  Integer explicitWorkers() {
    return workers;
  }

  Integer explicitRecordProcessors() {
    return recordProcessors;
  }

  /**
   * Returns the directory export files go to.
   *
   * @return the directory, empty when nothing is written
   */
  public Optional<Path> artifactDir() {
    return Optional.ofNullable(artifactDir);
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
    return Optional.ofNullable(messageBus);
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
    return messageBusSettings;
  }

  /**
   * Returns the listener.
   *
   * @return the listener, {@link BenchmarkListener#NONE} by default
   */
  public BenchmarkListener listener() {
    return listener;
  }

  /**
   * Returns the bound on each start-up step.
   *
   * @return the timeout
   */
  public Duration startupTimeout() {
    return startupTimeout;
  }

  /**
   * Returns the local addresses connections are opened from, in turn.
   *
   * @return IP literals; empty for the system's choice (spread over loopback addresses by itself
   *     against a loopback server when the concurrency needs it)
   */
  public List<String> sourceAddresses() {
    return sourceAddresses;
  }

  /**
   * Returns the number of workers in other processes the run waits for.
   *
   * @return the remote worker count, 0 for none
   */
  public int remoteWorkers() {
    return remoteWorkers;
  }

  /**
   * Returns the command line recorded for the exports.
   *
   * @return the arguments, empty when run from the API
   */
  public List<String> commandLine() {
    return commandLine;
  }

  /**
   * Returns where the console exporter writes.
   *
   * @return the writer, empty for standard output
   */
  public Optional<PrintWriter> console() {
    return Optional.ofNullable(console);
  }

  @Override
  public String toString() {
    return "BenchmarkConfig{endpoint=" + endpoint + ", dataset=" + dataset + ", concurrency="
        + concurrency + ", requestCount=" + requestCount + ", workers=" + workers()
        + ", recordProcessors=" + recordProcessors() + ", artifactDir=" + artifactDir + "}";
  }
}
