package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.Subscription;
import io.aiperf.engine.internal.service.Messages.Phase;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The timing manager's wait for the server-metrics and GPU-telemetry services before a phase's
 * first credit: they scrape every endpoint anew, so the phase's counters count from a page made
 * after the phase before it ended. The wait comes before any request of the phase is timed, and
 * it is bounded: a service that does not answer delays the phase, it does not stop it.
 */
final class TelemetryBarrier {
  private static final Logger log = LoggerFactory.getLogger(TelemetryBarrier.class);
  /** A service's first probe and a round of scrapes, each bounded by the scrape timeout. */
  static final Duration WAIT = ScrapingService.SCRAPE_TIMEOUT.multipliedBy(2).plusSeconds(1);

  private final MessageBus bus;
  private final int services;
  private final Map<Phase, CountDownLatch> latches = new ConcurrentHashMap<>();

  TelemetryBarrier(MessageBus bus, BenchmarkConfig config) {
    this.bus = bus;
    this.services = (config.serverMetricsEnabled() ? 1 : 0)
        + (config.gpuTelemetryEnabled() ? 1 : 0);
  }

  Subscription subscribe() {
    return bus.subscribe(Messages.TelemetryBaselineTaken.class, t -> latch(t.phase())
        .countDown());
  }

  private CountDownLatch latch(Phase phase) {
    return latches.computeIfAbsent(phase, p -> new CountDownLatch(services));
  }

  /**
   * Asks the services to scrape before a phase and waits for them, bounded.
   *
   * @param phase the phase about to start
   * @param cancelled whether the run was cancelled (then there is nothing to wait for)
   * @throws InterruptedException if the timing thread is interrupted
   */
  void await(Phase phase, BooleanSupplier cancelled) throws InterruptedException {
    if (services == 0 || cancelled.getAsBoolean()) {
      return;
    }
    CountDownLatch latch = latch(phase);
    bus.publish(new Messages.TelemetryBaseline(phase));
    if (!latch.await(WAIT.toNanos(), TimeUnit.NANOSECONDS)) {
      log.debug("{}: the telemetry services did not scrape within {}; starting anyway", phase,
          WAIT);
    }
  }
}
