package io.aiperf.engine.internal.service;

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
import io.aiperf.engine.internal.service.PhaseRun.InFlight;
import io.aiperf.engine.internal.service.PhaseRun.Session;
import io.aiperf.engine.internal.timing.ArrivalSchedule;
import io.aiperf.engine.internal.timing.Pacer;
import io.aiperf.engine.internal.timing.RealtimePacing;
import io.aiperf.engine.internal.timing.RealtimePriority;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides when each request is sent, by issuing credits, phase by phase (warmup, then profiling).
 *
 * <ul>
 *   <li>Concurrency mode: a session starts as soon as a slot is free (closed loop), and that is
 *       its intended send time; the slot is held until its last turn returns, so concurrency
 *       counts sessions, as in AIPerf.
 *   <li>Request rate: sessions start on a seeded schedule (constant, Poisson, gamma) kept by a
 *       dedicated thread that parks then spins; concurrency, if set, is a ceiling.
 *   <li>Fixed schedule: sessions start at their trace timestamps.
 *   <li>Later turns of a session go after the previous reply plus the turn's delay, with the
 *       session's routing key so they reach the same worker, which holds the history.
 *   <li>Every credit carries its intended send time, so lateness and coordinated omission are
 *       measured. Ramps, prefill concurrency, cancellation, count, sessions, or a duration with a
 *       grace period: in-flight requests past the grace are cancelled and still accounted for.
 * </ul>
 *
 * <p>This class runs the issuing loop on its pacing thread; returned credits are settled, and
 * later turns and users' sessions started, on its {@link CreditLoop}, never on the thread that
 * returns them. A phase's state is a {@link PhaseRun}, the order sessions start in a
 * {@link StartOrder}; a {@link CreditDispatch} hands credits to the workers (a timed schedule's
 * ahead of their time to remote workers that hold them) and answers for them when one is lost.
 */
final class TimingManager extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(TimingManager.class);
  /** After a stall of the pacing thread, at most this much backlog is sent at once (AIPerf). */
  static final long MAX_CATCHUP_NANOS = 10_000_000L;
  private static final int ONCE_EACH = -1;
  private final TelemetryBarrier telemetry;

  private final NanoClock clock;
  private final RealtimePacing pacing;
  private final AtomicLong nextCreditId = new AtomicLong();
  private final AtomicLong nextSession = new AtomicLong();
  /** Settles returned credits and runs timed session steps, off the threads that return them. */
  private final CreditLoop credits = new CreditLoop("aiperf-credits", this::waitedFor);
  private volatile boolean cancelled;
  /** Set when the dataset arrives; the timing thread waits for it before issuing. */
  private volatile @Nullable DatasetReady dataset;
  /** Set with the dataset, just before it. */
  private volatile int @Nullable [] order;
  /** The phase running, null before the first. */
  private volatile @Nullable PhaseRun current;
  /** Hands credits to the workers; knows their load and which are lost. */
  private final CreditDispatch dispatch;

  TimingManager(String id, MessageBus bus, BenchmarkConfig config, NanoClock clock, Pacer pacer) {
    super(id, bus, config);
    this.clock = clock;
    this.pacing = new RealtimePacing(pacer, clock);
    this.telemetry = new TelemetryBarrier(bus, config);
    this.dispatch = new CreditDispatch(bus, clock, pacing::pacer, credits, this::dataset,
        (phase, f) -> settle(phase, f, false));
  }

  @Override
  void onInitialize() {
    track(bus.subscribe(DatasetReady.class, this::onDataset));
    track(bus.subscribe(ProfileStart.class, m -> startIssuing()));
    track(bus.subscribe(ProfileCancel.class, m -> cancel()));
    track(bus.subscribe(Messages.WorkersReady.class, dispatch::assign));
    track(bus.subscribe(Messages.WorkerLost.class, lost -> dispatch.workerLost(current, lost)));
    track(telemetry.subscribe());
    credits.start();
    // The sender (a worker's I/O thread) only enqueues: settling happens on the credit loop.
    track(bus.consume(Messages.CREDIT_RETURNS, credits, m -> {
      if (m instanceof CreditReturn r) {
        onReturn(r);
      } else if (m instanceof FirstToken f) {
        onFirstToken(f);
      }
    }));
  }

  /** The dataset, once a phase runs: the timing thread waits for it before starting one. */
  private DatasetReady dataset() {
    return Objects.requireNonNull(dataset, "phases start only once the dataset arrived");
  }

  private void onDataset(DatasetReady ready) {
    order = StartOrder.shuffled(ready);
    dataset = ready;
  }

  private void startIssuing() {
    Thread timingThread = new Thread(this::run, "aiperf-timing");
    timingThread.setDaemon(true);
    timingThread.setPriority(Thread.MAX_PRIORITY);
    timingThread.start();
  }

  /** Before the first credit: raising the thread starts a process. */
  private void raisePacingThread() {
    RealtimePriority.Grant grant = pacing.start();
    if (grant.granted()) {
      log.info("The pacing thread runs in real time ({})", grant.detail());
    } else {
      log.info("The pacing thread runs as an ordinary thread: real-time priority {}",
          grant.detail());
    }
    bus.publish(new Messages.PacingPriority(grant.granted()
        ? Messages.PacingPriority.State.REALTIME : Messages.PacingPriority.State.REFUSED,
        grant.detail()));
  }

  private void run() {
    try {
      // Events travel separately from the start signal (across processes too): wait, bounded,
      // until this manager has heard of the dataset and of the workers.
      long deadline = clock.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      while ((dataset == null || dispatch.isEmpty()) && clock.nanoTime() < deadline) {
        Thread.sleep(1);
      }
      DatasetReady ready = dataset;
      if (ready == null || dispatch.isEmpty()) {
        fail("Profiling started but the timing manager has not heard of the "
            + (ready == null ? "dataset" : "workers") + " within 30 s", null);
        return;
      }
      if (config.fixedSchedule() && !ready.timestamped()) {
        fail("fixedSchedule was set but the dataset has no 'timestamp' on its first turns", null);
        return;
      }
      // Only a schedule needs a prompt wake-up: a closed loop's thread waits for free slots, and
      // at the client's ceiling a real-time one would take the CPU from the replies it waits for.
      if (config.realtimePacing() && (config.requestRate().isPresent()
          || config.warmupRequestRate().isPresent() || StartOrder.fixedSchedule(config, ready))) {
        raisePacingThread();
      }
      if (config.hasWarmup() && !cancelled) {
        telemetry.await(Phase.WARMUP, () -> cancelled);
        runPhase(new PhaseRun(Phase.WARMUP, config.warmupRequestCount().orElse(0),
            config.warmupNumSessions().orElse(0), config.warmupDuration().orElse(null),
            config.warmupConcurrency(), config.warmupRequestRate(),
            config.warmupDuration().isPresent() ? config.warmupGracePeriod().orElse(null) : null,
            nextCreditId.get(), ready.seed(), config, bus, clock));
      }
      // Without a count, sessions or duration, each dataset entry (in the window) runs once.
      telemetry.await(Phase.PROFILING, () -> cancelled);
      int sessions = config.numSessions().orElse(
          config.requestCount() == 0 && config.benchmarkDuration().isEmpty() ? ONCE_EACH : 0);
      runPhase(new PhaseRun(Phase.PROFILING, config.requestCount(), sessions,
          config.benchmarkDuration().orElse(null), config.concurrency(), config.requestRate(),
          config.benchmarkDuration().isPresent() ? config.gracePeriod() : null,
          nextCreditId.get(), ready.seed(), config, bus, clock));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      fail("Issuing credits failed: " + e.getMessage(), e);
    }
  }

  /** Starts one phase's sessions, then waits for every turn to come back (bounded by grace). */
  private void runPhase(PhaseRun phase) throws InterruptedException {
    current = phase;
    DatasetReady ready = dataset();
    List<Integer> sequence = StartOrder.sequence(
        Objects.requireNonNull(order, "set with the dataset"), ready, config,
        phase.phase == Phase.PROFILING);
    if (phase.sessionLimit == ONCE_EACH) {
      phase.sessionLimit = sequence.size();
    }
    // Users hold the profiling phase only; a warmup runs at a concurrency or rate, as AIPerf's.
    if (config.userCentricRate().isPresent() && phase.phase == Phase.PROFILING) {
      runUsers(phase, sequence);
      awaitReturns(phase);
      return;
    }
    boolean fixed = StartOrder.fixedSchedule(config, ready) && phase.phase == Phase.PROFILING;
    ArrivalSchedule schedule = !fixed && phase.rate.isPresent()
        ? new ArrivalSchedule(phase.shape.arrivalPattern(), config.arrivalSmoothness(),
            ready.seed() ^ 0x5EED5EEDL ^ phase.phase.ordinal())
        : null;
    // A timed schedule's credits go this far ahead to workers that hold them until their time;
    // the schedule starts that much later, so that its first credits can go ahead too.
    long lead = schedule != null || fixed ? dispatch.leadNanos() : 0;
    long start = clock.nanoTime() + lead;
    phase.start(start);
    long traceOrigin = fixed ? StartOrder.traceOrigin(ready, config, sequence) : 0;
    long scheduleTime = start; // the seeded schedule, before any catch-up shift
    long shift = 0;
    long started = 0;
    while (!cancelled && !phase.enough(started)) {
      int conversation = sequence.get((int) (started % sequence.size()));
      long intended;
      if (schedule != null || fixed) {
        if (fixed) {
          long ts = ready.conversations().get(conversation).turns().get(0).turn()
              .timestampMillis();
          scheduleTime = start + (ts - traceOrigin) * 1_000_000L;
        } else if (started > 0 && schedule != null) { // not fixed: paced by the schedule
          scheduleTime += schedule.nextGapNanos(phase.rateAt(scheduleTime - start));
        }
        intended = scheduleTime + shift;
        if (intended >= phase.end) {
          break;
        }
        long sendAt = intended - lead;
        boolean onTime = clock.nanoTime() <= sendAt;
        if (!pacing.pacer().awaitUntil(sendAt)) {
          break;
        }
        long now = clock.nanoTime();
        long behind = now - sendAt;
        long slip = 0;
        if (onTime && behind > MAX_CATCHUP_NANOS) {
          // The pacing thread itself stalled (GC, no CPU): this request keeps its full lateness;
          // the rest of the schedule moves later rather than flood the server with the backlog.
          // Waiting for a concurrency slot is not a stall: that backlog is kept, and measured as
          // queue time, because it is what users of a saturated server would see.
          slip = behind - MAX_CATCHUP_NANOS;
          shift += slip;
        }
        RealtimePacing.Change change = pacing.afterWait(now, slip);
        if (change != null) {
          log.info("The pacing thread's real-time priority {}", change.detail());
          bus.publish(new Messages.PacingPriority(change.realtime()
              ? Messages.PacingPriority.State.REALTIME : Messages.PacingPriority.State.GIVEN_UP,
              change.detail()));
        }
      } else {
        intended = -1; // closed loop: when a slot is taken
      }
      if (phase.slots != null && !phase.slots.tryAcquire()) {
        credits.wake(); // returns it holds may free a slot: settle them now
        phase.slots.acquire();
      }
      if (phase.prefillSlots != null && !phase.prefillSlots.tryAcquire()) {
        credits.wake();
        phase.prefillSlots.acquire();
      }
      if (cancelled || clock.nanoTime() >= phase.end) {
        phase.releaseSlots();
        break;
      }
      if (intended < 0) {
        // A closed loop sends when a reply frees a slot: there is no earlier moment it was meant
        // to go, and stamping one before the wait would pass the wait off as lateness.
        intended = clock.nanoTime();
      }
      long session = nextSession.getAndIncrement();
      int turnCount = ready.conversations().get(conversation).turns().size();
      phase.sessionStarted(session, conversation, turnCount);
      issue(phase, session, conversation, 0, intended, lead > 0);
      started++;
    }
    phase.sendingDone();
    awaitReturns(phase);
  }

  /**
   * User-centric: each user runs sessions back to back, one turn every {@code users / rate}
   * seconds (later if the reply is slower, which then shows as lateness), and users start
   * staggered by {@code gap / users} so the total rate holds from the start.
   */
  private void runUsers(PhaseRun phase, List<Integer> sequence) {
    int users = config.numUsers();
    long gap = Math.round(users / config.userCentricRate().getAsDouble() * 1e9);
    phase.userGapNanos = gap;
    phase.userSequence = sequence;
    long start = clock.nanoTime();
    phase.start(start);
    phase.activeUsers.set(users);
    for (int u = 0; u < users; u++) {
      long intended = start + (long) u * gap / users;
      at(phase, intended, () -> startUserSession(phase, intended));
    }
  }

  /**
   * Runs an action of this phase at a time, on the credit loop. The phase counts it as pending
   * until it ran, so the phase cannot end while a turn or a session start is due.
   */
  private void at(PhaseRun phase, long nanos, Runnable action) {
    phase.pendingTurns.incrementAndGet();
    credits.schedule(nanos - clock.nanoTime(), () -> {
      try {
        action.run();
      } finally {
        phase.pendingTurns.decrementAndGet();
        phase.returned();
      }
    });
  }

  /** A user begins its next session at the intended time, unless the run is over. */
  private void startUserSession(PhaseRun phase, long intended) {
    long n = phase.usersStarted.getAndIncrement();
    if (cancelled || phase.stopContinuations || phase.enough(n) || intended >= phase.end) {
      if (phase.activeUsers.decrementAndGet() == 0) {
        phase.sendingDone();
      }
      return;
    }
    List<Integer> sequence =
        Objects.requireNonNull(phase.userSequence, "runUsers set it before the first user");
    int conversation = sequence.get((int) (n % sequence.size()));
    long session = nextSession.getAndIncrement();
    phase.sessionStarted(session, conversation,
        dataset().conversations().get(conversation).turns().size()).lastIntended = intended;
    issue(phase, session, conversation, 0, intended, false);
  }

  /**
   * Issues a credit.
   *
   * @param mayGoAhead whether it may go to its worker before its intended time, to be held
   *     there until then (a timed schedule's, see {@link CreditDispatch})
   */
  private void issue(PhaseRun phase, long session, int conversation, int turn, long intended,
      boolean mayGoAhead) {
    long creditId = nextCreditId.getAndIncrement();
    // Which credits are cancelled is a function of the seed and the credit: no shared generator
    // to lock, whichever thread issues.
    long cancelAfter = config.cancellationRate() > 0
        && phase.cancellationDraw(creditId) * 100 < config.cancellationRate()
        ? config.cancellationDelay().toNanos() : -1;
    if (phase.prefillSlots != null && turn == 0) {
      phase.holdingPrefill.add(creditId);
    }
    phase.sent.incrementAndGet();
    long now = clock.nanoTime();
    boolean ahead = mayGoAhead && intended > now;
    // Held until its time is not queued: a credit sent ahead counts as issued at its time.
    dispatch.send(phase, new Credit(creditId, phase.phase, session, conversation, turn, intended,
        ahead ? intended : now, cancelAfter, ahead));
  }

  private void awaitReturns(PhaseRun phase) throws InterruptedException {
    Duration grace = phase.grace;
    if (grace == null) {
      phase.awaitAllReturned(Long.MAX_VALUE);
    } else if (!phase.awaitAllReturned(grace.toNanos())) {
      log.debug("{}: grace period over with requests in flight; cancelling them", phase.phase);
      phase.stopContinuations = true;
      bus.publish(new CancelInFlight("Cancelled: still in flight when the grace period of "
          + grace.toSeconds() + " s after the benchmark duration ended"));
      phase.awaitAllReturned(Long.MAX_VALUE);
    }
    phase.stopRamp();
    // "Cancelled" means the user stopped the run; requests ended by the grace period are counted
    // as cancelled requests, but the run itself completed as configured.
    bus.publish(new CreditsComplete(phase.phase, phase.sent.get(), cancelled,
        phase.firstCreditId));
  }

  private void onReturn(CreditReturn r) {
    PhaseRun phase = current;
    if (phase == null || phase.phase != r.phase()) {
      return;
    }
    if (r.unsent()) {
      giveBack(phase, r);
      return;
    }
    InFlight f = phase.inFlight.remove(r.creditId());
    if (f == null) {
      return; // written off when its worker was lost: its record is made already
    }
    settle(phase, f, true);
  }

  /**
   * A credit sent ahead came back unsent (the run or phase was cancelled while it was held): it
   * made no request and will have no record, so it is not counted as sent. Counted as pending
   * meanwhile, so the phase cannot end, and report its count, between the two steps.
   */
  private void giveBack(PhaseRun phase, CreditReturn r) {
    phase.pendingTurns.incrementAndGet();
    try {
      InFlight f = phase.inFlight.remove(r.creditId());
      if (f != null) {
        phase.sent.decrementAndGet();
        settle(phase, f, false);
      }
    } finally {
      phase.pendingTurns.decrementAndGet();
      phase.returned();
    }
  }

  /** A credit is done: its worker, prefill slot and session move on. */
  private void settle(PhaseRun phase, InFlight f, boolean sessionGoesOn) {
    dispatch.settled(f);
    long creditId = f.credit().id();
    if (phase.prefillSlots != null && phase.holdingPrefill.remove(creditId)) {
      phase.prefillSlots.release();
    }
    long session = f.credit().session();
    Session s = phase.sessions.get(session);
    if (s != null) {
      int next = s.nextTurn.incrementAndGet();
      boolean more = sessionGoesOn && !cancelled && !phase.stopContinuations
          && clock.nanoTime() < phase.end;
      if (next < s.turns && more) {
        scheduleNextTurn(phase, session, s, next);
      } else {
        phase.sessionEnded(session);
        if (phase.userGapNanos > 0) {
          // The user goes on with a new conversation, one gap after its last turn.
          long intended = s.lastIntended + phase.userGapNanos;
          at(phase, intended, () -> startUserSession(phase, intended));
        }
      }
    }
    phase.returned();
  }

  /** The next turn goes after the previous reply plus its delay, to the same worker. */
  private void scheduleNextTurn(PhaseRun phase, long session, Session s, int turn) {
    long now = clock.nanoTime();
    long intended;
    long delayNanos;
    if (phase.userGapNanos > 0) {
      // A user's turns keep their cadence; a slow reply makes the next one late, not later.
      intended = s.lastIntended + phase.userGapNanos;
      delayNanos = Math.max(0, intended - now);
      s.lastIntended = intended;
    } else {
      delayNanos = dataset().conversations().get(s.conversation).turns().get(turn).turn()
          .delayMillis() * 1_000_000L;
      intended = now + delayNanos;
    }
    at(phase, now + delayNanos, () -> {
      if (cancelled || phase.stopContinuations || clock.nanoTime() >= phase.end) {
        phase.sessionEnded(session);
        if (phase.userGapNanos > 0) {
          // The user's session ends with the phase: the user has to stop too, or the phase
          // waits for a user that will never say it is done.
          startUserSession(phase, intended);
        }
      } else {
        issue(phase, session, s.conversation, turn, intended, false);
      }
    });
  }

  /** Whether a thread waits for a settle now (a slot, the phase's end): then returns wake. */
  private boolean waitedFor() {
    PhaseRun phase = current;
    return phase == null || phase.waitsForSettle();
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
    credits.stop();
  }
}
