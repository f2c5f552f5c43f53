package io.aiperf.engine.internal.service;

import io.aiperf.api.AiperfException;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkProgress;
import io.aiperf.api.BenchmarkFailedException;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.BenchmarkRun;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.SyntheticDataset;
import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.ExporterProvider;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.MessageBusProvider;
import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.ServiceProvider;
import io.aiperf.api.spi.ServiceProvider.Service;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.export.ResultsMarker;
import io.aiperf.engine.internal.service.Messages.CancelInFlight;
import io.aiperf.engine.internal.service.Messages.DatasetReady;
import io.aiperf.engine.internal.service.Messages.ProfileCancel;
import io.aiperf.engine.internal.service.Messages.ProfileResults;
import io.aiperf.engine.internal.service.Messages.ProfileStart;
import io.aiperf.engine.internal.service.Messages.Progress;
import io.aiperf.engine.internal.service.Messages.ServiceFailed;
import io.aiperf.engine.internal.service.Messages.WorkersReady;
import io.aiperf.engine.internal.timing.RealtimeThreads;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns a run's lifecycle: chooses the bus, creates the services through their providers, runs the
 * start-up steps (each bounded by the start-up timeout and named when it fails), starts profiling,
 * waits for the result, runs the exporters and stops everything, whatever happened.
 */
public final class SystemController implements BenchmarkRun {
  private static final Logger log = LoggerFactory.getLogger(SystemController.class);
  private static final int CHANNEL_CAPACITY = 1 << 16;
  private static final Duration CANCEL_DRAIN = Duration.ofSeconds(10);

  private final BenchmarkConfig config;
  private final CompletableFuture<BenchmarkResult> result = new CompletableFuture<>();
  private final CompletableFuture<Void> failure = new CompletableFuture<>();
  private final AtomicReference<MessageBus> busRef = new AtomicReference<>();
  private volatile boolean cancelRequested;
  private volatile boolean cancelNow;
  private volatile java.util.concurrent.@Nullable ScheduledExecutorService heartbeat;
  private final java.util.Set<String> joinedServices =
      java.util.concurrent.ConcurrentHashMap.newKeySet();
  private final java.util.Set<String> leftServices = new java.util.HashSet<>();
  private volatile boolean joinable;
  private static final Duration LEAVE_WAIT = Duration.ofSeconds(5);
  private static final Duration LEAVE_GRACE = Duration.ofMillis(300);
  /** Extra time for remote workers to join, on top of the start-up timeout. */
  private static final Duration REMOTE_REGISTRATION = Duration.ofSeconds(60);
  private final NanoClock clock = NanoClock.SYSTEM;

  /** A run that only warms the client up: it logs at DEBUG and warms nothing up itself. */
  private final boolean warmup;

  private SystemController(BenchmarkConfig config, boolean warmup) {
    this.config = withSeed(config);
    this.warmup = warmup;
  }

  /**
   * Starts a run on its own controller thread.
   *
   * @param config the validated configuration
   * @return the run's handle
   */
  public static BenchmarkRun start(BenchmarkConfig config) {
    return start(config, false);
  }

  /** A run of {@link ClientWarmup}: quiet in the log, on a daemon thread. */
  static BenchmarkRun startWarmup(BenchmarkConfig config) {
    return start(config, true);
  }

  private static BenchmarkRun start(BenchmarkConfig config, boolean warmup) {
    SystemController controller = new SystemController(config, warmup);
    Thread t = new Thread(controller::run, warmup ? "aiperf-warmup-controller"
        : "aiperf-controller");
    t.setDaemon(warmup);
    t.start();
    return controller;
  }

  /** INFO for a run, DEBUG for a warm-up: its lines would read as the user's run. */
  private void info(String format, Object... args) {
    if (warmup) {
      log.debug(format, args);
    } else {
      log.info(format, args);
    }
  }

  @Override
  public CompletableFuture<BenchmarkResult> result() {
    return result;
  }

  @Override
  public void cancel() {
    cancelRequested = true;
    MessageBus bus = busRef.get();
    if (bus != null) {
      publishCancel(bus);
    }
  }

  @Override
  public void cancelNow() {
    cancelRequested = true;
    cancelNow = true;
    MessageBus bus = busRef.get();
    if (bus != null) {
      bus.publish(new ProfileCancel("cancelled by the user"));
      publishCancelNow(bus);
    }
  }

  private static void publishCancelNow(MessageBus bus) {
    try {
      bus.publish(new CancelInFlight("Cancelled: the run was stopped at once while the request"
          + " was in flight"));
    } catch (IllegalStateException closed) {
      // The run ended meanwhile.
    }
  }

  /**
   * Stops issuing at once; requests in flight get {@link #CANCEL_DRAIN} to finish (AIPerf's
   * cancel-drain time), then end as cancelled (code 499), so a cancel never waits for the request
   * timeout.
   */
  private void publishCancel(MessageBus bus) {
    bus.publish(new ProfileCancel("cancelled by the user"));
    Thread drain = new Thread(() -> {
      try {
        result.get(CANCEL_DRAIN.toNanos(), TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        try {
          bus.publish(new CancelInFlight("Cancelled: the run was stopped and the request did not"
              + " finish within the " + CANCEL_DRAIN.toSeconds() + " s drain time"));
        } catch (IllegalStateException closed) {
          // The run ended meanwhile.
        }
      } catch (Exception ended) {
        // The run ended meanwhile.
      }
    }, "aiperf-cancel-drain");
    drain.setDaemon(true);
    drain.start();
  }

  @Override
  public BenchmarkResult await() {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      cancel();
      throw new AiperfException("Interrupted while waiting for the benchmark", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new AiperfException("Benchmark failed: " + e.getCause(), e.getCause());
    }
  }

  private void run() {
    List<Service> services = new ArrayList<>();
    MessageBus bus = null;
    ClientWarmup clientWarmup = null;
    BenchmarkResult succeeded = null;
    try {
      Duration stepTimeout = config.startupTimeout();
      step("loading plugins", stepTimeout, () -> {
        EngineSupport.endpointProvider(config);
        for (String name : config.exporters()) {
          Plugins.select(ExporterProvider.class, name);
        }
        return null;
      });
      step("loading the tokenizer", stepTimeout, () -> EngineSupport.tokenizer(config));
      StartupChecks.clientLimits(config);
      // The client warms up while this run starts its services and prepares its dataset.
      clientWarmup = warmup ? null : ClientWarmup.startFor(config, clock);
      MessageBusProvider busProvider = chooseBus();
      bus = busProvider.create(new BusConfig(CHANNEL_CAPACITY, config.messageBusSettings()));
      info("Message bus '{}'; {} workers, {} record processors", busProvider.name(),
          config.workers(), config.recordProcessors());
      busRef.set(bus);
      CompletableFuture<DatasetReady> datasetReady = new CompletableFuture<>();
      CompletableFuture<WorkersReady> workersReady = new CompletableFuture<>();
      CompletableFuture<ProfileResults> results = new CompletableFuture<>();
      bus.subscribe(DatasetReady.class, datasetReady::complete);
      bus.subscribe(WorkersReady.class, workersReady::complete);
      bus.subscribe(Messages.ServiceJoined.class, j -> joinedServices.add(j.serviceId()));
      bus.subscribe(Messages.ServiceLeaving.class, l -> {
        synchronized (leftServices) {
          leftServices.add(l.serviceId());
          leftServices.notifyAll();
        }
      });
      // A lost worker will not say goodbye: the end of the run need not wait for it.
      bus.subscribe(Messages.WorkerLost.class, l -> {
        synchronized (leftServices) {
          leftServices.add(l.workerId());
          leftServices.notifyAll();
        }
      });
      joinable = config.remoteWorkers() > 0 || bus.joinAddress().isPresent();
      // Credits and events travel apart across processes: wait until every worker holds the
      // dataset, so none gets a credit before it.
      int expectedWorkers = config.workers() + config.remoteWorkers();
      java.util.Set<String> holding = java.util.concurrent.ConcurrentHashMap.newKeySet();
      CompletableFuture<Void> datasetHeld = new CompletableFuture<>();
      bus.subscribe(Messages.DatasetReceived.class, d -> {
        if (holding.add(d.workerId()) && holding.size() >= expectedWorkers) {
          datasetHeld.complete(null);
        }
      });
      bus.subscribe(ProfileResults.class, results::complete);
      Telemetry telemetry = new Telemetry(config, bus);
      bus.subscribe(ServiceFailed.class, f -> failure.completeExceptionally(
          new AiperfException("Service " + f.serviceId() + " failed: " + f.message())));
      // A listener hears onStart before any progress: a ticker may tick while services start.
      java.util.concurrent.atomic.AtomicBoolean started =
          new java.util.concurrent.atomic.AtomicBoolean();
      SilenceWatch silence = new SilenceWatch(config.silenceWarning(),
          config.endpoint().requestTimeout());
      bus.subscribe(Progress.class, p -> {
        if (started.get()) {
          BenchmarkProgress progress = new BenchmarkProgress(p.completed(), p.errors(),
              p.total(), p.inFlight(), p.silent(), Duration.ofNanos(p.longestSilenceNanos()),
              Duration.ofNanos(p.oldestInFlightNanos()), Duration.ofNanos(p.sinceLastEndNanos()));
          // Logged as well as shown: with no progress display (--ui none) the log is all there is.
          silence.observe(progress, clock.nanoTime()).ifPresent(w -> {
            if (!warmup) {
              log.warn(w);
            }
          });
          config.listener().onProgress(progress);
          io.aiperf.api.LiveMetrics live = p.live();
          if (live != null) {
            config.listener().onLiveMetrics(live);
          }
        }
      });

      for (String url : config.endpoint().urls()) {
        StartupChecks.reachable(EngineSupport.baseUri(url), stepTimeout);
      }

      services.add(create("records_manager", "records_manager", bus));
      if (config.serverMetricsEnabled()) {
        services.add(create("server_metrics_manager", "server_metrics_manager", bus));
      }
      if (config.gpuTelemetryEnabled()) {
        services.add(create("gpu_telemetry_manager", "gpu_telemetry_manager", bus));
      }
      for (int i = 0; i < config.recordProcessors(); i++) {
        services.add(create("record_processor", "record_processor_" + i, bus));
      }
      services.add(create("worker_manager", "worker_manager", bus));
      for (int i = 0; i < config.workers(); i++) {
        services.add(create("worker", "worker_" + i, bus));
      }
      services.add(create("timing_manager", "timing_manager", bus));
      services.add(create("dataset_manager", "dataset_manager", bus));
      for (Service s : services) {
        step("initializing " + s.id(), stepTimeout, () -> {
          s.initialize();
          return null;
        });
      }
      for (Service s : services) {
        step("starting " + s.id(), stepTimeout, () -> {
          s.start();
          return null;
        });
      }
      if (joinable) {
        startControllerHeartbeat(bus);
      }
      if (config.remoteWorkers() > 0) {
        String address = bus.joinAddress().orElse("(this bus does not say its address)");
        log.info("Waiting for {} remote workers: on each, run 'aiperf service --type worker"
            + " --controller {}'", config.remoteWorkers(), address);
        config.listener().onWaitingForWorkers(config.remoteWorkers(), address);
      }
      // Remote workers may need a while to be started by hand or by an orchestrator.
      await(workersReady, "worker registration", config.remoteWorkers() > 0
          ? stepTimeout.plus(REMOTE_REGISTRATION) : stepTimeout);
      await(datasetReady, "dataset load", stepTimeout);
      await(datasetHeld, "dataset distribution to the workers", stepTimeout);

      if (clientWarmup != null) {
        clientWarmup.await(); // the first requests are then timed by compiled code
      }
      if (!warmup) {
        StartupCollection.run(clock);
      }
      info("Dataset ready ({} conversations, seed {}); profiling starts",
          datasetReady.get().conversations().size(), datasetReady.get().seed());
      config.listener().onStart(config);
      started.set(true);
      // The start-up's work (warm-up, dataset) is behind us: the I/O threads' real time is
      // judged by the load from here.
      if (!warmup) {
        RealtimeThreads.loadStarts(!EngineSupport.openLoop(config));
      }
      bus.publish(new ProfileStart());
      if (cancelRequested) {
        publishCancel(bus);
        if (cancelNow) {
          publishCancelNow(bus);
        }
      }
      BenchmarkResult r = CompletableFuture.anyOf(results, failure).thenApply(o ->
          ((ProfileResults) o).result()).get();
      r = telemetry.attach(r);
      info("Run complete: {} sent, {} succeeded, {} failed, {} cancelled{}",
          r.requestsSent(), r.requestsCompleted(), r.requestsFailed(), r.requestsCancelled(),
          r.wasCancelled() ? " (cancelled by the user)" : "");
      r.warnings().forEach(w -> info("Warning: {}", w)); // the console shows them in the table
      config.listener().onComplete(r);
      export(r);
      if (!r.wasCancelled() && r.requestsCompleted() == 0 && r.requestsSent() > 0) {
        ErrorSummary top = r.errors().isEmpty() ? null : r.errors().get(0);
        throw new BenchmarkFailedException("No request succeeded: all " + r.requestsSent()
            + " failed" + (top == null ? "" : "; most common error (" + top.count() + "×): "
            + top.type() + (top.code() > 0 ? " " + top.code() : "") + ": " + top.message()),
            r, null);
      }
      if (joinable) {
        // Completed once the remote services were told and have left (below): a CLI that exits
        // as soon as it has the result would otherwise end this process before they hear.
        succeeded = r;
      } else {
        result.complete(r);
      }
    } catch (ExecutionException e) {
      result.completeExceptionally(asFailure(causeOf(e)));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      result.completeExceptionally(new AiperfException("Interrupted", e));
    } catch (RuntimeException e) {
      result.completeExceptionally(asFailure(e));
    } finally {
      try {
        if (clientWarmup != null) {
          clientWarmup.cancel();
        }
        var heartbeat = this.heartbeat;
        if (heartbeat != null) {
          heartbeat.shutdownNow();
        }
        if (bus != null && joinable) {
          try {
            bus.publish(new Messages.RunEnded(result.isCompletedExceptionally() ? "failed"
                : "complete"));
            awaitServicesLeaving();
          } catch (RuntimeException e) {
            log.debug("Could not tell remote services the run ended: {}", e.toString());
          }
        }
        for (int i = services.size() - 1; i >= 0; i--) {
          services.get(i).stop();
        }
        if (bus != null) {
          bus.close();
        }
      } finally {
        if (succeeded != null) {
          result.complete(succeeded);
        }
      }
    }
  }

  /**
   * Keeps this end of the bus open, bounded, until every service that joined has stopped: their
   * last messages and their disconnect then land on an open hub.
   */
  private void awaitServicesLeaving() {
    long deadline = clock.nanoTime() + LEAVE_WAIT.toNanos();
    synchronized (leftServices) {
      while (!leftServices.containsAll(joinedServices) && clock.nanoTime() < deadline) {
        try {
          leftServices.wait(50);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    try {
      Thread.sleep(LEAVE_GRACE.toMillis()); // their bus close flushes through the hub
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Remote services leave when they stop hearing this, so none outlives its controller. */
  private void startControllerHeartbeat(MessageBus bus) {
    var heartbeat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "aiperf-controller-heartbeat");
      t.setDaemon(true);
      return t;
    });
    this.heartbeat = heartbeat;
    heartbeat.scheduleAtFixedRate(() -> {
      try {
        bus.publish(new Messages.ControllerHeartbeat(clock.nanoTime()));
      } catch (RuntimeException closed) {
        // The run is ending.
      }
    }, 0, 1, TimeUnit.SECONDS);
  }

  private Service create(String type, String id, MessageBus bus) {
    return Plugins.select(ServiceProvider.class, type).create(id, bus, config);
  }

  private MessageBusProvider chooseBus() {
    String name = config.messageBus().orElse(System.getProperty(Benchmark.MESSAGE_BUS_PROPERTY));
    return Plugins.select(MessageBusProvider.class, name);
  }

  private void export(BenchmarkResult r) {
    var context = new ExporterProvider.Context(config.artifactDir(), config.console());
    for (String name : config.exporters()) {
      try {
        Plugins.select(ExporterProvider.class, name).export(r, context);
      } catch (IOException | RuntimeException e) {
        log.error("Exporter '{}' failed: {}", name, e.getMessage(), e);
      }
    }
    config.artifactDir().ifPresent(dir -> ResultsMarker.write(dir, r.wasCancelled()));
  }

  private <T> T await(CompletableFuture<T> future, String step, Duration timeout)
      throws ExecutionException, InterruptedException {
    try {
      return future.applyToEither(failure.thenApply(v -> (T) null), t -> t)
          .get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      throw new AiperfException("Start-up step '" + step + "' did not finish within "
          + timeout.toSeconds() + " s (startup timeout)");
    }
  }

  private interface Step<T> {
    @Nullable T call() throws Exception;
  }

  private static <T> @Nullable T step(String name, Duration timeout, Step<T> body) {
    CompletableFuture<T> f = new CompletableFuture<>();
    Thread t = new Thread(() -> {
      try {
        f.complete(body.call());
      } catch (Throwable e) {
        f.completeExceptionally(e);
      }
    }, "aiperf-startup");
    t.setDaemon(true);
    t.start();
    try {
      return f.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      t.interrupt();
      throw new AiperfException("Start-up step '" + name + "' did not finish within "
          + timeout.toSeconds() + " s (startup timeout)");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AiperfException("Interrupted during start-up step '" + name + "'", e);
    } catch (ExecutionException e) {
      Throwable cause = causeOf(e);
      if (cause instanceof AiperfException ae) {
        throw ae;
      }
      throw new AiperfException("Start-up step '" + name + "' failed: "
          + (cause.getMessage() == null ? cause.toString() : cause.getMessage()), cause);
    }
  }

  private static Throwable causeOf(ExecutionException e) {
    return Objects.requireNonNull(e.getCause(), "an ExecutionException carries the failure");
  }

  private static RuntimeException asFailure(Throwable t) {
    if (t instanceof RuntimeException re) {
      return re;
    }
    return new AiperfException(t.getMessage() == null ? t.toString() : t.getMessage(), t);
  }

  private static BenchmarkConfig withSeed(BenchmarkConfig config) {
    if (config.dataset() instanceof SyntheticDataset s && s.seed().isEmpty()) {
      return config.toBuilder().dataset(s.seed(ThreadLocalRandom.current().nextLong() >>> 1))
          .build();
    }
    return config;
  }
}
