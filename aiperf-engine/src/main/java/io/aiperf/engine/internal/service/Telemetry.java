package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.GpuTelemetry;
import io.aiperf.api.MetricResult;
import io.aiperf.api.ServerMetrics;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller's side of the telemetry services: once the records manager's result is in, it
 * asks them to finish, waits for their summaries (bounded: a summary that does not come costs
 * the summary, never the run) and attaches them to the result, with AIPerf's energy-efficiency
 * metrics computed from the GPU telemetry and the client's own totals.
 */
final class Telemetry {
  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);
  /** The final scrapes' flush period and two scrape timeouts, and some room. */
  static final Duration WAIT = ScrapingService.FLUSH.plus(ScrapingService.SCRAPE_TIMEOUT
      .multipliedBy(2)).plusSeconds(5);

  private final BenchmarkConfig config;
  private final MessageBus bus;
  private final CompletableFuture<ServerMetrics> server = new CompletableFuture<>();
  private final CompletableFuture<GpuTelemetry> gpu = new CompletableFuture<>();

  Telemetry(BenchmarkConfig config, MessageBus bus) {
    this.config = config;
    this.bus = bus;
    bus.subscribe(Messages.ServerMetricsResults.class, m -> server.complete(m.summary()));
    bus.subscribe(Messages.GpuTelemetryResults.class, m -> gpu.complete(m.summary()));
  }

  BenchmarkResult attach(BenchmarkResult r) throws InterruptedException {
    if (!config.serverMetricsEnabled() && !config.gpuTelemetryEnabled()) {
      return r;
    }
    bus.publish(new Messages.TelemetryFinish());
    long deadline = NanoClock.SYSTEM.nanoTime() + WAIT.toNanos();
    Optional<ServerMetrics> s = config.serverMetricsEnabled()
        ? await(server, deadline, "server metrics") : Optional.empty();
    Optional<GpuTelemetry> g = config.gpuTelemetryEnabled()
        ? await(gpu, deadline, "GPU telemetry") : Optional.empty();
    List<MetricResult> efficiency = new ArrayList<>();
    if (g.isPresent()) {
      efficiency.addAll(EnergyEfficiency.metrics(g.get(), r));
      GpuTelemetry t = g.get();
      g = Optional.of(new GpuTelemetry(t.endpointsConfigured(), t.endpointsReachable(),
          t.start(), t.end(), t.gpus(), efficiency, t.problems()));
    }
    return r.withTelemetry(s, g, efficiency, List.of());
  }

  private static <T> Optional<T> await(CompletableFuture<T> f, long deadline, String what)
      throws InterruptedException {
    try {
      return Optional.of(f.get(Math.max(1, deadline - NanoClock.SYSTEM.nanoTime()),
          TimeUnit.NANOSECONDS));
    } catch (TimeoutException e) {
      log.warn("The {} summary did not come within {} s; the result goes without it", what,
          WAIT.toSeconds());
    } catch (ExecutionException e) {
      log.warn("The {} summary failed: {}", what, String.valueOf(e.getCause()));
    }
    return Optional.empty();
  }
}
