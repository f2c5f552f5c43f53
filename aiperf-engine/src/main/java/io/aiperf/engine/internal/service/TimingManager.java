package io.aiperf.engine.internal.service;

import io.aiperf.api.ArrivalPattern;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.service.Messages.CancelInFlight;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.CreditReturn;
import io.aiperf.engine.internal.service.Messages.CreditsComplete;
import io.aiperf.engine.internal.service.Messages.DatasetReady;
import io.aiperf.engine.internal.service.Messages.FirstToken;
import io.aiperf.engine.internal.service.Messages.Phase;
import io.aiperf.engine.internal.service.Messages.ProfileCancel;
import io.aiperf.engine.internal.service.Messages.ProfileStart;
import io.aiperf.engine.internal.timing.ArrivalSchedule;
import io.aiperf.engine.internal.timing.Pacer;
import java.time.Duration;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when each request is sent, by issuing credits, phase by phase (warmup, then profiling).
 *
 * <ul>
 *   <li>Concurrency mode: a credit goes out as soon as a slot is free (closed loop).
 *   <li>Request rate: credits follow a seeded schedule (constant, Poisson, gamma) kept by a
 *       dedicated thread that parks then spins; concurrency, if set, is a ceiling. Each credit
 *       carries its intended send time, so lateness and coordinated omission are measured.
 *   <li>Ramps, prefill concurrency, per-request cancellation, a count or a duration with a grace
 *       period; in-flight requests past the grace are cancelled and still accounted for.
 * </ul>
 *
 * The limits live here, not in the workers.
 */
final class TimingManager extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(TimingManager.class);
  /** After a stall, at most this much of the backlog is sent in a burst (AIPerf: 10 ms). */
  static final long MAX_CATCHUP_NANOS = 10_000_000L;
  private static final long RAMP_STEP_NANOS = 10_000_000L;

  private final NanoClock clock;
  private final Pacer pacer;
  private final AtomicLong nextCreditId = new AtomicLong();
  private volatile boolean cancelled;
  private volatile int[] order;
  private volatile long seed;
  private volatile PhaseRun current;

  TimingManager(String id, MessageBus bus, BenchmarkConfig config, NanoClock clock, Pacer pacer) {
    super(id, bus, config);
    this.clock = clock;
    this.pacer = pacer;
  }

  @Override
  void onInitialize() {
    track(bus.subscribe(DatasetReady.class, this::onDataset));
    track(bus.subscribe(ProfileStart.class, m -> startIssuing()));
    track(bus.subscribe(ProfileCancel.class, m -> cancel()));
    track(bus.consume(Messages.CREDIT_RETURNS, Runnable::run, m -> {
      if (m instanceof CreditReturn r) {
        onReturn(r);
      } else if (m instanceof FirstToken f) {
        onFirstToken(f);
      }
    }));
  }

  private void onDataset(DatasetReady ready) {
    // Sampling order: shuffled by the seed (AIPerf's default for synthetic data), then cycled.
    int n = ready.conversations().size();
    int[] o = new int[n];
    for (int i = 0; i < n; i++) {
      o[i] = i;
    }
    SplittableRandom random = new SplittableRandom(ready.seed() ^ 0x9E3779B97F4A7C15L);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    seed = ready.seed();
    order = o;
  }

  private void startIssuing() {
    Thread timingThread = new Thread(this::run, "aiperf-timing");
    timingThread.setDaemon(true);
    timingThread.setPriority(Thread.MAX_PRIORITY);
    timingThread.start();
  }

  private void run() {
    try {
      if (config.hasWarmup() && !cancelled) {
        PhaseRun warmup = new PhaseRun(Phase.WARMUP,
            config.warmupRequestCount().orElse(0), config.warmupDuration().orElse(null),
            config.warmupConcurrency(), config.warmupRequestRate(), null);
        runPhase(warmup);
      }
      PhaseRun profiling = new PhaseRun(Phase.PROFILING, config.requestCount(),
          config.benchmarkDuration().orElse(null), config.concurrency(), config.requestRate(),
          config.benchmarkDuration().isPresent() ? config.gracePeriod() : null);
      runPhase(profiling);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      fail("Issuing credits failed: " + e.getMessage(), e);
    }
  }

  /** Issues one phase's credits, then waits for them to come back (bounded by the grace). */
  private void runPhase(PhaseRun phase) throws InterruptedException {
    current = phase;
    int[] o = order;
    SplittableRandom cancelPicker = new SplittableRandom(seed ^ 0xC0FFEEL ^ phase.phase.ordinal());
    ArrivalSchedule schedule = phase.rate.isPresent()
        ? new ArrivalSchedule(config.arrivalPattern(), config.arrivalSmoothness(),
            seed ^ 0x5EED5EEDL ^ phase.phase.ordinal())
        : null;
    long start = clock.nanoTime();
    phase.start(start);
    long end = phase.duration == null ? Long.MAX_VALUE : start + phase.duration.toNanos();
    long scheduleTime = start; // the seeded schedule, before any catch-up shift
    long shift = 0;
    long issued = 0;
    while (!cancelled && (phase.count == 0 || issued < phase.count)) {
      long intended;
      if (schedule != null) {
        if (issued > 0) {
          scheduleTime += schedule.nextGapNanos(phase.rateAt(scheduleTime - start));
        }
        intended = scheduleTime + shift;
        if (intended >= end) {
          break;
        }
        boolean onTime = clock.nanoTime() <= intended;
        if (!pacer.awaitUntil(intended)) {
          break;
        }
        long behind = clock.nanoTime() - intended;
        if (onTime && behind > MAX_CATCHUP_NANOS) {
          // The pacing thread itself stalled (GC, no CPU): this request keeps its full lateness;
          // the rest of the schedule moves later rather than flood the server with the backlog.
          // Waiting for a concurrency slot is not a stall: that backlog is kept, and measured as
          // queue time, because it is what users of a saturated server would see.
          shift += behind - MAX_CATCHUP_NANOS;
          phase.shiftNanos.addAndGet(behind - MAX_CATCHUP_NANOS);
        }
      } else {
        intended = clock.nanoTime();
      }
      if (phase.slots != null) {
        phase.slots.acquire();
      }
      if (phase.prefillSlots != null) {
        phase.prefillSlots.acquire();
      }
      long now = clock.nanoTime();
      if (cancelled || now >= end) {
        release(phase);
        break;
      }
      long cancelAfter = config.cancellationRate() > 0
          && cancelPicker.nextDouble() * 100 < config.cancellationRate()
          ? config.cancellationDelay().toNanos() : -1;
      long creditId = nextCreditId.getAndIncrement();
      if (phase.prefillSlots != null) {
        phase.holdingPrefill.add(creditId);
      }
      phase.sent.incrementAndGet();
      bus.send(Messages.CREDITS, new Credit(creditId, phase.phase,
          o[(int) (issued % o.length)], 0, intended, now, cancelAfter));
      issued++;
    }
    phase.sendingDone(issued);
    awaitReturns(phase);
  }

  private void release(PhaseRun phase) {
    if (phase.slots != null) {
      phase.slots.release();
    }
    if (phase.prefillSlots != null) {
      phase.prefillSlots.release();
    }
  }

  private void awaitReturns(PhaseRun phase) throws InterruptedException {
    boolean inTime = phase.grace == null
        ? phase.awaitAllReturned(Long.MAX_VALUE)
        : phase.awaitAllReturned(phase.grace.toNanos());
    if (!inTime) {
      log.debug("{}: grace period over with requests in flight; cancelling them", phase.phase);
      bus.publish(new CancelInFlight("Cancelled: still in flight when the grace period of "
          + phase.grace.toSeconds() + " s after the benchmark duration ended"));
      phase.awaitAllReturned(Long.MAX_VALUE);
    }
    phase.stopRamp();
    // "Cancelled" means the user stopped the run; requests ended by the grace period are counted
    // as cancelled requests, but the run itself completed as configured.
    bus.publish(new CreditsComplete(phase.phase, phase.sent.get(), cancelled));
  }

  private void onReturn(CreditReturn r) {
    PhaseRun phase = current;
    if (phase == null || phase.phase != r.phase()) {
      return;
    }
    if (phase.slots != null) {
      phase.slots.release();
    }
    if (phase.prefillSlots != null && phase.holdingPrefill.remove(r.creditId())) {
      phase.prefillSlots.release();
    }
    phase.returned();
  }

  private void onFirstToken(FirstToken f) {
    PhaseRun phase = current;
    if (phase != null && phase.phase == f.phase() && phase.prefillSlots != null
        && phase.holdingPrefill.remove(f.creditId())) {
      phase.prefillSlots.release();
    }
  }

  /**
   * Stops issuing. A flag and free slots wake the timing thread; an interrupt could land inside a
   * bus send and turn a clean cancel into a failure.
   */
  private void cancel() {
    cancelled = true;
    PhaseRun phase = current;
    if (phase != null) {
      phase.wakeIssuer();
    }
  }

  @Override
  void onStop() {
    cancel();
    PhaseRun phase = current;
    if (phase != null) {
      phase.stopRamp();
    }
  }

  /** The state of one phase; shared by the timing thread and the threads returning credits. */
  private final class PhaseRun {
    final Phase phase;
    final int count;
    final Duration duration;
    final int concurrency;
    final OptionalDouble rate;
    final Duration grace;
    final Semaphore slots;
    final Semaphore prefillSlots;
    final Set<Long> holdingPrefill = ConcurrentHashMap.newKeySet();
    final AtomicLong sent = new AtomicLong();
    final AtomicLong returnedCount = new AtomicLong();
    final AtomicLong shiftNanos = new AtomicLong();
    private volatile long issued = -1;
    private Thread rampThread;

    PhaseRun(Phase phase, int count, Duration duration, int concurrency, OptionalDouble rate,
        Duration grace) {
      this.phase = phase;
      this.count = count;
      this.duration = duration;
      this.concurrency = concurrency;
      this.rate = rate;
      this.grace = grace;
      boolean ramp = config.concurrencyRampDuration().isPresent() && concurrency > 1;
      this.slots = concurrency > 0 ? new Semaphore(ramp ? 1 : concurrency) : null;
      this.prefillSlots = config.prefillConcurrency().isPresent()
          ? new Semaphore(config.prefillConcurrency().getAsInt()) : null;
    }

    void start(long startNanos) {
      if (slots != null && config.concurrencyRampDuration().isPresent() && concurrency > 1) {
        long rampNanos = config.concurrencyRampDuration().get().toNanos();
        rampThread = new Thread(() -> ramp(startNanos, rampNanos), "aiperf-concurrency-ramp");
        rampThread.setDaemon(true);
        rampThread.start();
      }
    }

    /** Linear from 1 to the target: adds slots as time passes. */
    private void ramp(long startNanos, long rampNanos) {
      int granted = 1;
      try {
        while (granted < concurrency) {
          TimeUnit.NANOSECONDS.sleep(RAMP_STEP_NANOS);
          double progress = Math.min(1.0, (double) (clock.nanoTime() - startNanos) / rampNanos);
          int target = Math.max(1, (int) Math.ceil(concurrency * progress));
          if (target > granted) {
            slots.release(target - granted);
            granted = target;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void stopRamp() {
      if (rampThread != null) {
        rampThread.interrupt();
      }
    }

    /** The request rate at this time into the phase: linear ramp, then the target. */
    double rateAt(long elapsedNanos) {
      double target = rate.getAsDouble();
      if (config.requestRateRampDuration().isEmpty()) {
        return target;
      }
      long rampNanos = config.requestRateRampDuration().get().toNanos();
      double progress = Math.min(1.0, (double) elapsedNanos / rampNanos);
      // Never start at zero: AIPerf starts at target × 0.1 s / ramp.
      double floor = target * Math.min(1.0, 1e8 / rampNanos);
      return Math.max(floor, target * progress);
    }

    void wakeIssuer() {
      if (slots != null) {
        slots.release(Math.max(1, concurrency));
      }
      if (prefillSlots != null) {
        prefillSlots.release(config.prefillConcurrency().getAsInt());
      }
    }

    void sendingDone(long issuedCount) {
      synchronized (this) {
        issued = issuedCount;
        notifyAll();
      }
    }

    void returned() {
      returnedCount.incrementAndGet();
      synchronized (this) {
        notifyAll();
      }
    }

    /** Waits until every issued credit is back; false if the timeout came first. */
    synchronized boolean awaitAllReturned(long timeoutNanos) throws InterruptedException {
      long deadline = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE
          : System.nanoTime() + timeoutNanos;
      while (issued < 0 || returnedCount.get() < issued) {
        long left = deadline == Long.MAX_VALUE ? 1_000 : (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        wait(Math.max(1, Math.min(left, 1_000)));
      }
      return true;
    }
  }
}
