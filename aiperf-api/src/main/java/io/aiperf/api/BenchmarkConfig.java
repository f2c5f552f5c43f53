package io.aiperf.api;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * An immutable, validated benchmark configuration, made by {@link Benchmark.Builder#build()}.
 *
 * @since 0.1.0
 */
public final class BenchmarkConfig {
  private final EndpointConfig endpoint;
  private final DatasetConfig dataset;
  private final int concurrency;
  private final int requestCount;
  private final Integer workers;
  private final Integer recordProcessors;
  private final Path artifactDir;
  private final List<String> exporters;
  private final String messageBus;
  private final BenchmarkListener listener;
  private final Duration startupTimeout;
  private final List<String> commandLine;
  private final PrintWriter console;

  BenchmarkConfig(Benchmark.Builder b) {
    this.endpoint = b.endpoint;
    this.dataset = b.dataset;
    this.concurrency = b.concurrency == null ? 1 : b.concurrency;
    this.requestCount = b.requestCount == null ? Math.max(10, 2 * concurrency) : b.requestCount;
    this.workers = b.workers;
    this.recordProcessors = b.recordProcessors;
    this.artifactDir = b.artifactDir;
    this.exporters = b.exporters.isEmpty() && b.artifactDir != null ? List.of("json") : b.exporters;
    this.messageBus = b.messageBus;
    this.listener = b.listener;
    this.startupTimeout = b.startupTimeout;
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
   * @return the concurrency
   */
  public int concurrency() {
    return concurrency;
  }

  /**
   * Returns the number of requests to send.
   *
   * @return the request count
   */
  public int requestCount() {
    return requestCount;
  }

  /**
   * Returns the number of workers: the one set, or the CPU count capped by the concurrency.
   *
   * @return the worker count
   */
  public int workers() {
    if (workers != null) {
      return workers;
    }
    return Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), concurrency));
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
