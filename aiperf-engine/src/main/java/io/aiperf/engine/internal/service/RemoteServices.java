package io.aiperf.engine.internal.service;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.ExportLevel;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.ServiceProvider.Service;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.service.Messages.RemoteSpec;
import java.nio.file.Path;

/** Builds the services that run in another process than the controller, from what it sends. */
public final class RemoteServices {
  private RemoteServices() {}

  /** What a remote worker needs of this run's configuration. */
  static RemoteSpec spec(BenchmarkConfig config) {
    return new RemoteSpec(EndpointCodec.write(config.endpoint()), config.concurrency(),
        config.workers() + config.remoteWorkers(), config.prefillConcurrency().isPresent(),
        config.exportLevel() == ExportLevel.RAW && config.artifactDir().isPresent(),
        config.sourceAddresses(), EngineSupport.tokenizerName(config),
        EngineSupport.openLoop(config), config.silenceWarning().toNanos(),
        MetricRegistry.installed().tags(), config.exportOutputsJson());
  }

  /**
   * Warms this process's client path for the controller's endpoint format, as the controller's
   * own JVM does before its clock starts (see {@link ClientWarmup}); once per JVM, bounded, and
   * skipped where it cannot run. Then, as there, one full collection ({@link
   * StartupCollection}).
   *
   * @param spec what the controller sent of its configuration
   * @throws InterruptedException if interrupted while warming
   */
  public static void warmUp(RemoteSpec spec) throws InterruptedException {
    ClientWarmup.startFor(config(spec), io.aiperf.engine.internal.NanoClock.SYSTEM).await();
    StartupCollection.run(io.aiperf.engine.internal.NanoClock.SYSTEM);
  }

  /**
   * A worker of the controller's run, in this process.
   *
   * @param workerId the id the controller gave it
   * @param bus the bus connected to the controller's
   * @param spec what the controller sent of its configuration
   * @return the worker, not yet initialized
   */
  public static Service worker(String workerId, MessageBus bus, RemoteSpec spec) {
    return new Worker(workerId, bus, config(spec), true);
  }

  /**
   * A worker of the controller's run, in this process, that sends its timestamps on the
   * controller's clock.
   *
   * @param workerId the id the controller gave it
   * @param bus the bus connected to the controller's
   * @param spec what the controller sent of its configuration
   * @param clockSync this process's offset to the controller's clock
   * @return the worker, not yet initialized
   */
  public static Service worker(String workerId, MessageBus bus, RemoteSpec spec,
      ClockSync clockSync) {
    return new Worker(workerId, bus, config(spec), true, io.aiperf.engine.internal.NanoClock.SYSTEM,
        Worker.HELD_BYTES_BUDGET, clockSync);
  }

  /**
   * A record processor of the controller's run, in this process: it takes responses from the
   * run's workers as the processors in the controller do, and sends the records back.
   *
   * @param processorId the id the controller gave it
   * @param bus the bus connected to the controller's
   * @param spec what the controller sent of its configuration
   * @return the processor, not yet initialized
   */
  public static Service recordProcessor(String processorId, MessageBus bus, RemoteSpec spec) {
    return new RecordProcessor(processorId, bus, config(spec), spec.openLoop(),
        spec.recordMetrics());
  }

  /**
   * A configuration holding what a worker reads: the endpoint, the concurrency that sizes its
   * connection pool, and the flags it sends by. Everything else stays with the controller.
   */
  static BenchmarkConfig config(RemoteSpec spec) {
    Benchmark.Builder b = Benchmark.builder()
        .endpoint(EndpointCodec.read(spec.endpoint()))
        .dataset(Datasets.synthetic().tokenizer(spec.tokenizer()))
        .requestCount(1)
        .workers(Math.max(1, spec.workers()))
        .sourceAddresses(spec.sourceAddresses())
        .silenceWarning(java.time.Duration.ofNanos(spec.silenceWarningNanos()));
    if (spec.concurrency() > 0) {
      b.concurrency(spec.concurrency());
      if (spec.prefill()) {
        b.prefillConcurrency(1);
      }
    } else {
      // No concurrency limit (a request rate): any rate leaves the worker's concurrency at 0,
      // so its connections are not capped; without one the builder's default of 1 would let a
      // remote worker hold one request at a time and turn the schedule into a queue.
      b.requestRate(1);
    }
    b.exportOutputsJson(spec.outputsJson());
    if (spec.keepBodies()) {
      // Only read as "keep request bodies for the raw export": the worker writes no files.
      b.exportLevel(ExportLevel.RAW).artifactDir(Path.of(System.getProperty("java.io.tmpdir")));
    }
    return b.build();
  }
}
