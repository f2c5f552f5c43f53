package io.aiperf.engine.internal.service;

import io.aiperf.api.ArrivalPattern;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.Phase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * The state of one phase of the timing manager: its limits, its concurrency and prefill slots,
 * its sessions and the credits in flight. Shared by the timing thread (issuing) and the credit
 * loop (settling, later turns, users); a lost worker's credits are written off from the bus's
 * event thread.
 */
final class PhaseRun {
  private static final long RAMP_STEP_NANOS = 10_000_000L;
  private static final long MAX_AWAIT_PARK_NANOS = 100_000_000L;

  /** A credit in flight and the worker it went to (-1: none was left). */
  record InFlight(Credit credit, int worker) {}

  /** One running session: its conversation, which turn it is on, and its last intended send. */
  static final class Session {
    final int conversation;
    final int turns;
    final AtomicInteger nextTurn = new AtomicInteger();
    volatile long lastIntended;

    Session(int conversation, int turns) {
      this.conversation = conversation;
      this.turns = turns;
    }
  }

  final Phase phase;
  final int requestLimit;
  volatile int sessionLimit;
  volatile long end = Long.MAX_VALUE;
  final int concurrency;
  final OptionalDouble rate;
  /** How long requests in flight may finish after the duration; null: no limit. */
  final @Nullable Duration grace;
  /** Null without a concurrency limit. */
  final @Nullable Semaphore slots;
  /** Null without a prefill concurrency limit. */
  final @Nullable Semaphore prefillSlots;
  final Set<Long> holdingPrefill = ConcurrentHashMap.newKeySet();
  final Map<Long, Session> sessions = new ConcurrentHashMap<>();
  /** Credits issued and not yet back, with the worker each went to. */
  final Map<Long, InFlight> inFlight = new ConcurrentHashMap<>();
  final long firstCreditId;
  /** The worker holding each multi-turn session's history. */
  final Map<Long, Integer> sessionWorker = new ConcurrentHashMap<>();
  /** Seeds the cancellation draws. */
  private final long cancellationSeed;
  final AtomicLong sent = new AtomicLong();
  final AtomicLong plannedRequests = new AtomicLong();
  final AtomicInteger pendingTurns = new AtomicInteger();
  volatile boolean stopContinuations;
  volatile long userGapNanos;
  /** The conversations users run, in order; set when a user-centric phase starts. */
  volatile @Nullable List<Integer> userSequence;
  final AtomicInteger activeUsers = new AtomicInteger();
  final AtomicLong usersStarted = new AtomicLong();
  private volatile boolean sendingDone;
  /** The thread waiting for the phase's end, once one waits. */
  private volatile @Nullable Thread waiter;
  /** Null: the phase ends by count or sessions, not by time. */
  private final @Nullable Duration duration;
  private @Nullable Thread rampThread;
  private final BenchmarkConfig config;
  /** Ramps, prefill cap and arrival pattern of this phase. */
  final Shape shape;
  private final MessageBus bus;
  private final NanoClock clock;

  /**
   * A phase about to start.
   *
   * @param firstCreditId phases run one after the other: this phase's credits are numbered from
   *     here
   * @param seed the dataset's seed, for the cancellation picker
   * @param duration null when the phase is not limited by time
   * @param grace null when requests in flight may take as long as they take
   */
  PhaseRun(Phase phase, int requestLimit, int sessionLimit, @Nullable Duration duration,
      int concurrency, OptionalDouble rate, @Nullable Duration grace, long firstCreditId,
      long seed, BenchmarkConfig config, MessageBus bus, NanoClock clock) {
    this(phase, requestLimit, sessionLimit, duration, concurrency, rate, grace, firstCreditId,
        seed, config, bus, clock, phase == Phase.WARMUP ? Shape.warmup(config)
            : Shape.profiling(config));
  }

  /**
   * What shapes a phase's sending besides its limits: ramps, prefill cap and arrival pattern.
   * The warmup takes its own where given ({@code --warmup-*}), else the profiling ones.
   */
  record Shape(@Nullable Duration concurrencyRamp, @Nullable Duration rateRamp,
      OptionalInt prefillConcurrency, ArrivalPattern arrivalPattern) {
    static Shape profiling(BenchmarkConfig c) {
      return new Shape(c.concurrencyRampDuration().orElse(null),
          c.requestRateRampDuration().orElse(null), c.prefillConcurrency(), c.arrivalPattern());
    }

    static Shape warmup(BenchmarkConfig c) {
      return new Shape(c.warmupConcurrencyRampDuration().orElse(null),
          c.warmupRequestRateRampDuration().orElse(null), c.warmupPrefillConcurrency(),
          c.warmupArrivalPattern());
    }
  }

  PhaseRun(Phase phase, int requestLimit, int sessionLimit, @Nullable Duration duration,
      int concurrency, OptionalDouble rate, @Nullable Duration grace, long firstCreditId,
      long seed, BenchmarkConfig config, MessageBus bus, NanoClock clock, Shape shape) {
    this.shape = shape;
    this.config = config;
    this.bus = bus;
    this.clock = clock;
    this.phase = phase;
    this.firstCreditId = firstCreditId;
    this.requestLimit = requestLimit;
    this.sessionLimit = sessionLimit;
    this.duration = duration;
    this.concurrency = concurrency;
    this.rate = rate;
    this.grace = grace;
    this.cancellationSeed = seed ^ 0xC0FFEE11L ^ phase.ordinal();
    boolean ramp = shape.concurrencyRamp() != null && concurrency > 1;
    this.slots = concurrency > 0 ? new Semaphore(ramp ? 1 : concurrency) : null;
    this.prefillSlots = shape.prefillConcurrency().isPresent()
        ? new Semaphore(shape.prefillConcurrency().getAsInt()) : null;
  }

  /**
   * A uniform draw in [0, 1) for one credit: the seed and the credit decide it, so it needs no
   * shared generator (SplittableRandom's mixer over the seed's sequence).
   */
  double cancellationDraw(long creditId) {
    long z = cancellationSeed + (creditId + 1) * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z = z ^ (z >>> 31);
    return (z >>> 11) * 0x1.0p-53;
  }

  /**
   * Whether enough sessions were started: by sessions or by request count (turns planned),
   * whichever is reached first when both are set (AIPerf's warmup takes both).
   */
  boolean enough(long started) {
    return sessionLimit > 0 && started >= sessionLimit
        || requestLimit > 0 && plannedRequests.get() >= requestLimit;
  }

  /** Counts a new session's turns as planned; returns the session, now running. */
  Session sessionStarted(long session, int conversation, int turnCount) {
    plannedRequests.addAndGet(turnCount);
    Session s = new Session(conversation, turnCount);
    sessions.put(session, s);
    return s;
  }

  void sessionEnded(long session) {
    sessionWorker.remove(session);
    if (sessions.remove(session) != null && slots != null) {
      slots.release();
    }
  }

  void releaseSlots() {
    if (slots != null) {
      slots.release();
    }
    if (prefillSlots != null) {
      prefillSlots.release();
    }
  }

  void start(long nanos) {
    bus.publish(new Messages.PhaseStarted(phase, nanos, firstCreditId));
    end = duration == null ? Long.MAX_VALUE : nanos + duration.toNanos();
    Semaphore rampSlots = slots;
    Duration concurrencyRamp = shape.concurrencyRamp();
    if (rampSlots != null && concurrencyRamp != null && concurrency > 1) {
      long rampNanos = concurrencyRamp.toNanos();
      Thread t = new Thread(() -> ramp(rampSlots, nanos, rampNanos), "aiperf-concurrency-ramp");
      t.setDaemon(true);
      rampThread = t;
      t.start();
    }
  }

  /** Linear from 1 to the target: adds slots as time passes. */
  private void ramp(Semaphore slots, long rampStart, long rampNanos) {
    int granted = 1;
    try {
      while (granted < concurrency) {
        TimeUnit.NANOSECONDS.sleep(RAMP_STEP_NANOS);
        double progress = Math.min(1.0, (double) (clock.nanoTime() - rampStart) / rampNanos);
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
    Thread t = rampThread;
    if (t != null) {
      t.interrupt();
    }
  }

  /** The request rate at this time into the phase: linear ramp, then the target. */
  double rateAt(long elapsedNanos) {
    double target = rate.getAsDouble();
    Duration rateRamp = shape.rateRamp();
    if (rateRamp == null) {
      return target;
    }
    long rampNanos = rateRamp.toNanos();
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
      prefillSlots.release(shape.prefillConcurrency().getAsInt());
    }
  }

  /** Whether a thread waits for credits to be settled: for a slot, or for the phase's end. */
  boolean waitsForSettle() {
    return sendingDone || (slots != null && slots.hasQueuedThreads())
        || (prefillSlots != null && prefillSlots.hasQueuedThreads());
  }

  void sendingDone() {
    sendingDone = true;
    returned();
  }

  /** Wakes the thread waiting for the phase's end; nobody waits before sending is done. */
  void returned() {
    Thread w = waiter;
    if (sendingDone && w != null) {
      LockSupport.unpark(w);
    }
  }

  private boolean allBack() {
    return sendingDone && pendingTurns.get() == 0 && inFlight.isEmpty();
  }

  /**
   * Waits until every issued credit is back; false if the timeout came first. Parks rather than
   * waits on a monitor, so settling a credit never takes a lock; it also wakes every 100 ms.
   */
  boolean awaitAllReturned(long timeoutNanos) throws InterruptedException {
    waiter = Thread.currentThread();
    long deadline = timeoutNanos == Long.MAX_VALUE ? Long.MAX_VALUE
        : clock.nanoTime() + timeoutNanos;
    while (!allBack()) {
      long left = deadline == Long.MAX_VALUE ? MAX_AWAIT_PARK_NANOS : deadline - clock.nanoTime();
      if (left <= 0) {
        return false;
      }
      LockSupport.parkNanos(this, Math.max(1_000_000, Math.min(left, MAX_AWAIT_PARK_NANOS)));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    return true;
  }
}
