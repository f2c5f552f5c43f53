package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.DatasetReady;
import io.aiperf.engine.internal.service.PhaseRun.InFlight;
import io.aiperf.engine.internal.timing.Pacer;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands the timing manager's credits to its workers and answers for them while they are out:
 * which worker takes each (a session's later turns the one that holds its history, new sessions
 * the least loaded live one), each credit in flight with its worker, and what becomes of them
 * when a worker is lost.
 *
 * <p>Credits of a timed schedule (request rate, fixed schedule, trace) may go
 * {@link #LEAD_NANOS} ahead of their intended time to workers that hold them
 * ({@link HeldCredits}: remote workers that keep the controller's time), which send each at its
 * intended time by their own clock: the trip over the bus then happens before the send instead
 * of making it late. A closed loop's credits have no time to be early for and go as issued; a
 * worker that does not hold credits gets a credit at its intended time.
 *
 * <p>When a worker is lost, what it had in flight is written off as a WorkerLost error, except
 * the credits it held whose intended time is still to come: it cannot have sent those, so they
 * go to another worker, still on time.
 */
final class CreditDispatch {
  private static final Logger log = LoggerFactory.getLogger(CreditDispatch.class);
  /**
   * How far ahead of its time a held credit goes: several times the bus's trip from the
   * controller to a worker (2 to 3 ms at the median on a loaded two-core machine, 13 ms at p99),
   * and still only a few credits held at once at rates a remote worker serves.
   */
  static final long LEAD_NANOS = 20_000_000L;

  private final WorkerPool workers = new WorkerPool();
  private final MessageBus bus;
  private final NanoClock clock;
  /** The pacing thread's pacer: a credit ahead for a worker that does not hold waits with it. */
  private final Supplier<Pacer> pacer;
  /** Runs a re-issued credit's send at its time, for a worker that does not hold credits. */
  private final CreditLoop loop;
  private final Supplier<DatasetReady> dataset;
  /** The timing manager's settle, for a credit that will never come back. */
  private final BiConsumer<PhaseRun, InFlight> settleLost;

  CreditDispatch(MessageBus bus, NanoClock clock, Supplier<Pacer> pacer, CreditLoop loop,
      Supplier<DatasetReady> dataset, BiConsumer<PhaseRun, InFlight> settleLost) {
    this.bus = bus;
    this.clock = clock;
    this.pacer = pacer;
    this.loop = loop;
    this.dataset = dataset;
    this.settleLost = settleLost;
  }

  /** Takes the run's workers. */
  void assign(Messages.WorkersReady ready) {
    workers.assign(ready.workerIds(), ready.holdingIds());
  }

  /** Whether no worker was assigned yet. */
  boolean isEmpty() {
    return workers.isEmpty();
  }

  /** How far ahead of their time a timed schedule's credits go: 0 when no worker holds them. */
  long leadNanos() {
    return workers.anyHolds() ? LEAD_NANOS : 0;
  }

  /**
   * Sends a credit and keeps it in flight until settled. A credit sent ahead goes ahead only to
   * a worker that holds credits: for another, the caller's thread (the pacing thread, the only
   * one that issues credits ahead) waits for its time here.
   */
  void send(PhaseRun phase, Credit credit) {
    // Every turn of a session to the worker that holds its history; new ones to the least loaded.
    Integer sticky = credit.turn() > 0 ? phase.sessionWorker.get(credit.session()) : null;
    int worker = sticky != null ? sticky : workers.pick();
    InFlight f = new InFlight(credit, worker);
    if (worker >= 0) {
      workers.loaded(worker); // settled() takes it back, whoever settles the credit
    }
    phase.inFlight.put(credit.id(), f);
    if (worker < 0 || workers.isLost(worker)) {
      // The loss handler may have handled this credit already: only one of us does.
      if (worker >= 0 && credit.ahead() && credit.intendedNanos() > clock.nanoTime()
          && reissue(phase, f)) {
        return;
      }
      if (phase.inFlight.remove(credit.id(), f)) {
        writeOff(phase, f, worker < 0 ? "No worker left to send the request: every worker was"
            + " lost" : "Worker " + workers.id(worker) + " that held this session's history was"
            + " lost");
      }
      return;
    }
    if (dataset.get().conversations().get(credit.conversation()).turns().size() > 1) {
      phase.sessionWorker.put(credit.session(), worker);
    }
    Credit out = credit;
    if (credit.ahead() && !workers.holds(worker)) {
      pacer.get().awaitUntil(credit.intendedNanos());
      if (phase.inFlight.get(credit.id()) != f) {
        return; // the worker was lost meanwhile: the credit was re-issued or written off
      }
      out = credit.sendNow();
    }
    bus.send(workers.channel(worker), out);
  }

  /** A credit of this worker was settled. */
  void settled(InFlight f) {
    if (f.worker() >= 0) {
      workers.unloaded(f.worker());
    }
  }

  /**
   * A worker was lost: its credits in flight are written off, those it held for a time still to
   * come go to another worker.
   *
   * @param phase the phase running, null before the first
   */
  void workerLost(@Nullable PhaseRun phase, Messages.WorkerLost lost) {
    int w = workers.indexOf(lost.workerId());
    if (w < 0 || !workers.markLost(w)) {
      return;
    }
    if (phase == null) {
      log.warn("Worker {} lost: {}", lost.workerId(), lost.reason());
      return;
    }
    long now = clock.nanoTime();
    int reissued = 0;
    int writtenOff = 0;
    for (InFlight f : List.copyOf(phase.inFlight.values())) {
      if (f.worker() != w) {
        continue;
      }
      // Held for a time still to come: a worker that keeps our time has not sent it yet.
      if (f.credit().ahead() && f.credit().intendedNanos() > now && reissue(phase, f)) {
        reissued++;
      } else if (phase.inFlight.remove(f.credit().id(), f)) {
        writeOff(phase, f, "Worker " + lost.workerId() + " was lost (" + lost.reason()
            + ") while the request was in flight");
        writtenOff++;
      }
    }
    log.warn("Worker {} lost: {}; its {} requests in flight are recorded as WorkerLost errors,"
        + " and {} credits it held for a time still to come went to other workers",
        lost.workerId(), lost.reason(), writtenOff, reissued);
  }

  /**
   * Gives a held credit of a lost worker to another live one, still for its intended time.
   *
   * @return true when the credit is taken care of (re-issued, or settled meanwhile); false
   *     when it must be written off: no worker is left, or its session's history was on the
   *     lost one
   */
  private boolean reissue(PhaseRun phase, InFlight f) {
    Credit c = f.credit();
    if (c.turn() > 0) {
      return false; // its session's history is on the lost worker
    }
    int to = workers.pick();
    if (to < 0) {
      return false;
    }
    InFlight g = new InFlight(c, to);
    workers.loaded(to);
    // Replaced, never removed and put back: the phase must not see it settled in between.
    if (!phase.inFlight.replace(c.id(), f, g)) {
      workers.unloaded(to);
      return true; // settled or handled meanwhile
    }
    settled(f);
    if (dataset.get().conversations().get(c.conversation()).turns().size() > 1) {
      phase.sessionWorker.put(c.session(), to); // its later turns follow it
    }
    if (workers.isLost(to)) {
      // Lost meanwhile: its loss handler may have looked before the replace; whoever takes g
      // from the map handles it.
      if (!reissue(phase, g) && phase.inFlight.remove(c.id(), g)) {
        writeOff(phase, g, "Every worker that could take the request was lost");
      }
      return true;
    }
    long wait = c.intendedNanos() - clock.nanoTime();
    if (workers.holds(to) || wait <= 0) {
      bus.send(workers.channel(to), workers.holds(to) ? c : c.sendNow());
    } else {
      loop.schedule(wait, () -> {
        if (phase.inFlight.get(c.id()) == g) {
          bus.send(workers.channel(to), c.sendNow());
        }
      });
    }
    return true;
  }

  /** Records a credit that will never return as an error, and frees what it held. */
  private void writeOff(PhaseRun phase, InFlight f, String message) {
    Credit c = f.credit();
    Messages.PreparedConversation conversation =
        dataset.get().conversations().get(c.conversation());
    int inputTokens = conversation.turns().get(c.turn()).inputTokens();
    String workerId = f.worker() >= 0 ? workers.id(f.worker()) : "";
    bus.send(Messages.RAW_RECORDS, Messages.RawRecord.builder().credit(c).worker(workerId)
        .inputTokens(inputTokens).end(clock.nanoTime()).error("WorkerLost", message).build());
    settleLost.accept(phase, f);
  }
}
