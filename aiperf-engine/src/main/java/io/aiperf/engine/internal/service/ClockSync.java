package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a service in another process on the controller's time base. At join it measures the
 * offset of its clock to the controller's with a burst of round trips over the bus (a
 * {@link Messages.ClockProbe} answered by the controller's worker manager), then once a second
 * with a few more, so drift is followed and a clock step is seen within a second. After each
 * round it publishes a {@link Messages.ClockReport} for the run's report.
 *
 * <p>A worker rebases every timestamp of a record by {@link #toController(long)} on its
 * hand-off thread, when it builds the record: everything on the bus after the worker is then on
 * the controller's clock, so record processors (which may run on yet another host) and the
 * records manager need not know which clock a record came from, and the event loop does nothing
 * more than before. In the controller's own process there is no {@code ClockSync} at all.
 */
public final class ClockSync implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClockSync.class);
  /** The system property that turns the correction off (testing only): {@code off}. */
  public static final String TEST_CORRECTION_PROPERTY = "aiperf.testing.clockCorrection";
  static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);
  static final int JOIN_PROBES = 8;
  static final int ROUND_PROBES = 3;
  static final long ROUND_EVERY_MILLIS = 1_000;

  private final MessageBus bus;
  private final String serviceId;
  private final String host;
  private final NanoClock clock;
  private final boolean correct;
  private final ClockEstimate estimate = new ClockEstimate();
  /** Added to every local stamp; stays 0 when the correction is off. */
  private volatile long applied;
  private volatile boolean closed;
  private @Nullable ScheduledExecutorService timer;

  private ClockSync(MessageBus bus, String serviceId, String host, NanoClock clock,
      boolean correct) {
    this.bus = bus;
    this.serviceId = serviceId;
    this.host = host;
    this.clock = clock;
    this.correct = correct;
  }

  /**
   * Measures the offset now (a burst of round trips, bounded by {@link #PROBE_TIMEOUT} each; a
   * controller that does not answer leaves the offset at 0 and says so) and keeps measuring on
   * a thread of its own until closed.
   *
   * @param bus the bus joined to the controller's
   * @param serviceId this service's id, for the report
   * @param host this process's host and pid, for the report
   * @param clock this process's clock, the one the service stamps with
   * @param correct whether stamps are rebased (false only for tests that show what goes wrong)
   * @return the running synchronization
   */
  public static ClockSync start(MessageBus bus, String serviceId, String host, NanoClock clock,
      boolean correct) {
    ClockSync sync = new ClockSync(bus, serviceId, host, clock, correct);
    if (!sync.round(JOIN_PROBES)) {
      log.warn("{}: the controller did not answer clock probes; timestamps are sent as they"
          + " are, so they are right only if this host's clock agrees with the controller's",
          serviceId);
    } else {
      log.info("{}: clock offset to the controller {} ms +/- {} ms (round trip {} ms){}",
          serviceId, millis(sync.estimate.offsetNanos()),
          millis(sync.estimate.uncertaintyNanos(clock.nanoTime())),
          millis(sync.estimate.minRoundTripNanos()),
          correct ? "" : "; NOT applied (" + TEST_CORRECTION_PROPERTY + "=off)");
    }
    sync.report();
    ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, serviceId + "-clock");
      t.setDaemon(true);
      return t;
    });
    sync.timer = timer;
    timer.scheduleWithFixedDelay(() -> {
      try {
        sync.round(ROUND_PROBES);
        sync.report();
      } catch (RuntimeException e) {
        log.debug("{}: clock round failed: {}", serviceId, e.toString());
      }
    }, ROUND_EVERY_MILLIS, ROUND_EVERY_MILLIS, TimeUnit.MILLISECONDS);
    return sync;
  }

  /**
   * The controller's side: answers each probe with its clock, read as the probe is handled.
   *
   * @param clock the controller's clock, the run's time base
   * @return the responder of {@link Messages#CLOCK}
   */
  static java.util.function.Function<BusMessage, BusMessage> answering(NanoClock clock) {
    return m -> new Messages.ClockEcho(m instanceof Messages.ClockProbe p ? p.sentNanos() : 0,
        clock.nanoTime());
  }

  /** Whether the correction is on in this JVM (it is unless a test turned it off). */
  public static boolean correctionEnabled() {
    return !"off".equalsIgnoreCase(System.getProperty(TEST_CORRECTION_PROPERTY, ""));
  }

  /**
   * A local stamp on the controller's clock. 0 (a step that never happened) stays 0.
   *
   * @param localNanos a {@link NanoClock#nanoTime()} of this process
   * @return the same instant on the controller's clock
   */
  public long toController(long localNanos) {
    return localNanos == 0 ? 0 : localNanos + applied;
  }

  /**
   * A moment of the controller's clock on this one: when to send a credit that came ahead of
   * its intended time ({@link HeldCredits}).
   *
   * @param controllerNanos a moment of the controller's clock
   * @return the same moment on this process's clock
   */
  long toLocal(long controllerNanos) {
    return controllerNanos - applied;
  }

  /**
   * Whether this process keeps the controller's time: the offset was measured and is applied.
   * Only then can it send a credit at the controller's intended time by its own clock.
   */
  boolean keepsControllerTime() {
    return correct && estimate.known();
  }

  /** The offset added to stamps now; 0 when the correction is off. */
  long appliedNanos() {
    return applied;
  }

  /** Probes {@code n} times; false when none was answered. */
  private boolean round(int n) {
    boolean any = false;
    for (int i = 0; i < n && !closed; i++) {
      OptionalLong step;
      Messages.ClockEcho echo;
      long sent = clock.nanoTime();
      long[] received = new long[1];
      try {
        BusMessage answer = bus.request(Messages.CLOCK, new Messages.ClockProbe(sent),
                PROBE_TIMEOUT)
            // Stamped on the thread that completes the reply, before any wake-up of this one.
            .whenComplete((r, e) -> received[0] = clock.nanoTime())
            .get(PROBE_TIMEOUT.toMillis() + 500, TimeUnit.MILLISECONDS);
        if (!(answer instanceof Messages.ClockEcho e) || e.probeSentNanos() != sent) {
          continue;
        }
        echo = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return any;
      } catch (java.util.concurrent.ExecutionException
          | java.util.concurrent.TimeoutException | RuntimeException e) {
        log.debug("{}: clock probe not answered: {}", serviceId, e.toString());
        return any; // one unanswered probe: the controller is busy or gone; try next round
      }
      any = true;
      step = estimate.add(new ClockEstimate.Sample(sent, echo.controllerNanos(),
          received[0] == 0 ? clock.nanoTime() : received[0]));
      if (step.isPresent()) {
        log.warn("{}: clock step: the offset to the controller jumped by {} ms, more than the"
            + " measurements allow (a clock was set or stepped); measuring it anew",
            serviceId, millis(step.getAsLong()));
      }
    }
    if (any && correct) {
      applied = estimate.offsetNanos();
    }
    return any;
  }

  private void report() {
    if (closed) {
      return;
    }
    try {
      bus.publish(new Messages.ClockReport(serviceId, host, estimate.offsetNanos(),
          estimate.uncertaintyNanos(clock.nanoTime()), estimate.minRoundTripNanos(),
          estimate.samples(), estimate.steps(), estimate.largestStepNanos(), correct));
    } catch (RuntimeException e) {
      log.debug("{}: clock report not sent: {}", serviceId, e.toString());
    }
  }

  private static String millis(long nanos) {
    return String.format(Locale.ROOT, "%.3f", nanos / 1e6);
  }

  @Override
  public void close() {
    closed = true;
    ScheduledExecutorService t = timer;
    if (t != null) {
      t.shutdownNow();
    }
  }
}
