package io.aiperf.engine.internal.service;

import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.timing.Pacer;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongUnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote worker's credits that came ahead of their intended time ({@link Credit#ahead()}):
 * held, and sent at that time on this host's clock by a pacing thread of their own, which parks
 * until shortly before the earliest and spins the rest (as the controller's pacing thread does).
 * So the credit's trip over the bus happens before its time instead of making it late.
 *
 * <p>The thread starts with the worker, not with the first credit: a thread started on demand
 * sent the first seconds of a run late (p90 lateness 190 ms) while it and its code warmed up.
 *
 * <p>A credit is sent or given back, never both: whoever takes it from the queue owns it, the
 * pacing thread when it is due, {@link #cancel()} or {@link #drain()} when the run or the phase
 * stops first.
 */
final class HeldCredits implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(HeldCredits.class);

  /** What became of a credit handed to {@link #hold}. */
  enum Outcome {
    /** Held: the pacing thread sends it when due, or {@link #cancel()} gives it back. */
    HELD,
    /** Due already: the caller sends it now, on its own thread. */
    DUE,
    /** The run was cancelled: the caller gives it back unsent. */
    REFUSED
  }

  private record Held(long due, long sequence, Credit credit) implements Comparable<Held> {
    @Override
    public int compareTo(Held o) {
      int c = Long.compare(due, o.due);
      return c != 0 ? c : Long.compare(sequence, o.sequence);
    }
  }

  private final NanoClock clock;
  private final LongUnaryOperator toLocal;
  private final Consumer<Credit> send;
  private final Thread thread;
  /** Guarded by this. */
  private final PriorityQueue<Held> queue = new PriorityQueue<>();
  /** Guarded by this: equal due times go in the order they came. */
  private long sequence;
  /** Guarded by this. */
  private boolean cancelled;
  /** Guarded by this: credits that came ahead, and those of them that came after their time. */
  private long came;
  private long cameLate;
  /** Guarded by this: the latest a credit came after its time. */
  private long latestNanos;
  private volatile boolean closed;

  /**
   * A holder; its thread runs from {@link #start()}.
   *
   * @param name the pacing thread's name
   * @param clock this process's clock
   * @param toLocal a moment of the controller's clock to the same moment on {@code clock}
   * @param send sends a credit now, on the pacing thread
   */
  HeldCredits(String name, NanoClock clock, LongUnaryOperator toLocal, Consumer<Credit> send) {
    this.clock = clock;
    this.toLocal = toLocal;
    this.send = send;
    thread = new Thread(this::run, name);
    thread.setDaemon(true);
    // As the controller's timing thread: a send that waits for a CPU is a late send.
    thread.setPriority(Thread.MAX_PRIORITY);
  }

  void start() {
    thread.start();
  }

  /**
   * Takes a credit sent ahead.
   *
   * @param credit a credit with {@link Credit#ahead()}
   * @return what became of it; the caller acts on {@link Outcome#DUE} and
   *     {@link Outcome#REFUSED}
   */
  Outcome hold(Credit credit) {
    long due = toLocal.applyAsLong(credit.intendedNanos());
    Held held;
    synchronized (this) {
      if (cancelled || closed) {
        return Outcome.REFUSED;
      }
      came++;
      // Late already (a slow trip): no hand-over to another thread, it goes at once.
      long early = due - clock.nanoTime();
      if (early <= 0) {
        cameLate++;
        latestNanos = Math.max(latestNanos, -early);
        return Outcome.DUE;
      }
      held = new Held(due, sequence++, credit);
      queue.add(held);
      if (queue.peek() != held) {
        return Outcome.HELD; // the thread waits for an earlier one and will find this after
      }
    }
    LockSupport.unpark(thread); // a new earliest: the thread may be parked for a later one
    return Outcome.HELD;
  }

  /**
   * How the credits' trips went, for the worker's log: a credit that came after its time was
   * sent that late (the lead did not cover the trip).
   */
  synchronized String summary() {
    return String.format(java.util.Locale.ROOT, "%d credits came ahead of their time, %d of them"
        + " too late to be held (the latest %.3f ms after its time)", came, cameLate,
        latestNanos / 1e6);
  }

  /** Credits held now. */
  synchronized int size() {
    return queue.size();
  }

  /**
   * The run was cancelled: takes every credit not yet sent, and refuses those still to come.
   *
   * @return the credits no request was made for, for the caller to give back
   */
  List<Credit> cancel() {
    return takeAll(true);
  }

  /**
   * The phase's requests in flight are being cancelled (its grace period is over): takes every
   * credit not yet sent. A later phase's credits are held as before.
   *
   * @return the credits no request was made for, for the caller to give back
   */
  List<Credit> drain() {
    return takeAll(false);
  }

  private List<Credit> takeAll(boolean refuseMore) {
    List<Credit> unsent = new ArrayList<>();
    synchronized (this) {
      cancelled |= refuseMore;
      for (Held h = queue.poll(); h != null; h = queue.poll()) {
        unsent.add(h.credit());
      }
    }
    LockSupport.unpark(thread);
    return unsent;
  }

  private void run() {
    while (!closed) {
      Held next;
      synchronized (this) {
        next = queue.peek();
      }
      if (next == null) {
        LockSupport.park(this);
        continue;
      }
      long remaining = next.due() - clock.nanoTime();
      if (remaining > Pacer.ORDINARY_SPIN_NANOS) {
        // Unparked early when an earlier credit comes: then the loop looks at it instead.
        LockSupport.parkNanos(this, remaining - Pacer.ORDINARY_SPIN_NANOS);
        continue;
      }
      if (remaining > 0) {
        Thread.onSpinWait();
        continue;
      }
      Held due = take(next);
      if (due != null) {
        try {
          send.accept(due.credit());
        } catch (RuntimeException e) {
          log.error("Sending a held credit failed: {}", e.toString(), e);
        }
      }
    }
  }

  /** The credit, if it is still the earliest held: a cancel may have taken it. */
  private synchronized @Nullable Held take(Held expected) {
    if (queue.peek() != expected) {
      return null;
    }
    return queue.poll();
  }

  /** Ends the thread; credits still held are dropped with the run. */
  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(thread);
  }
}
