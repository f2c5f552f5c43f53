package io.aiperf.engine.internal.bus;

import io.aiperf.engine.internal.NanoClock;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A hand-off from threads that must never wait (event loops) to one thread of its own that may:
 * that thread takes the items in the order they were offered and runs an action on each, such as
 * building a record and sending it on a bus whose send blocks.
 *
 * <p>An {@link #offer} is a lock-free enqueue (one compare-and-set on the JDK's
 * {@link ConcurrentLinkedQueue}), one atomic add, and, only when the thread sleeps because it ran
 * out of work, an unpark. It never fails and never waits, so the queue is unbounded: what bounds
 * it is a budget in bytes. Each item counts the bytes it holds from its offer until its action
 * returned, and a thread that takes on new work (not an I/O thread) calls {@link #awaitRoom()}
 * first, which waits while the items held exceed the budget. Back-pressure thus reaches whoever
 * creates the work, never the thread that stamps it.
 */
public final class Handoff<T> implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Handoff.class);
  /** How often a thread waiting for room looks again: only while over budget. */
  private static final long ROOM_POLL_NANOS = 100_000;

  private final ConcurrentLinkedQueue<T> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong held = new AtomicLong();
  private final long budgetBytes;
  private final ToLongFunction<? super T> bytes;
  private final Consumer<? super T> action;
  private final NanoClock clock;
  private final Thread thread;
  /** Set by the thread just before it parks for lack of work; read by every offer. */
  private volatile boolean sleeping;
  private volatile boolean closing;

  /**
   * Starts the thread, timing waits for room on the system clock.
   *
   * @param name the thread's name
   * @param budgetBytes see {@link #Handoff(String, long, ToLongFunction, Consumer, NanoClock)}
   * @param bytes how many bytes an item holds
   * @param action what the thread does with each item
   */
  public Handoff(String name, long budgetBytes, ToLongFunction<? super T> bytes,
      Consumer<? super T> action) {
    this(name, budgetBytes, bytes, action, NanoClock.SYSTEM);
  }

  /**
   * Starts the thread.
   *
   * @param name the thread's name
   * @param budgetBytes how many bytes the items offered and not yet handled may hold before
   *     {@link #awaitRoom()} waits
   * @param bytes how many bytes an item holds; must give the same answer at its offer and after
   *     its action
   * @param action what the thread does with each item; an exception is logged and costs that
   *     item only
   * @param clock times the waits for room
   */
  public Handoff(String name, long budgetBytes, ToLongFunction<? super T> bytes,
      Consumer<? super T> action, NanoClock clock) {
    if (budgetBytes < 1) {
      throw new IllegalArgumentException("budgetBytes must be >= 1 but was " + budgetBytes);
    }
    this.budgetBytes = budgetBytes;
    this.bytes = bytes;
    this.action = action;
    this.clock = clock;
    this.thread = new Thread(this::run, name);
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Hands an item to the thread. Never blocks, takes no lock, and may be called from any thread.
   *
   * @param item the item; it must not change after this call
   */
  public void offer(T item) {
    // Counted before it is visible, so the thread's subtraction never comes first.
    held.addAndGet(bytes.applyAsLong(item));
    queue.offer(item);
    // Read after the enqueue: either this sees the thread asleep, or the thread's look at the
    // queue after announcing its sleep sees the item (both are volatile accesses).
    if (sleeping) {
      LockSupport.unpark(thread);
    }
  }

  /**
   * Waits while the items held exceed the budget, for a thread about to create more work. Returns
   * at once on the hand-off's own thread (it would wait for itself) and once closing.
   *
   * @return how long it waited, in nanoseconds; 0 when within budget
   */
  public long awaitRoom() {
    if (held.get() <= budgetBytes || Thread.currentThread() == thread) {
      return 0;
    }
    long start = clock.nanoTime();
    while (held.get() > budgetBytes && !closing) {
      LockSupport.parkNanos(this, ROOM_POLL_NANOS);
    }
    return Math.max(1, clock.nanoTime() - start);
  }

  /**
   * Returns how many bytes the items offered and not yet handled hold.
   *
   * @return the bytes
   */
  public long heldBytes() {
    return held.get();
  }

  /**
   * Returns the budget this hand-off was made with.
   *
   * @return the bytes
   */
  public long budgetBytes() {
    return budgetBytes;
  }

  /**
   * Returns whether nothing offered is left to handle.
   *
   * @return true when every item offered so far has been handled
   */
  public boolean isIdle() {
    return queue.isEmpty() && held.get() == 0;
  }

  private void run() {
    while (true) {
      T item = queue.poll();
      if (item != null) {
        handle(item);
        continue;
      }
      if (closing) {
        if (queue.isEmpty()) {
          return;
        }
        continue;
      }
      sleeping = true;
      if (queue.isEmpty() && !closing) {
        LockSupport.park(this);
      }
      sleeping = false;
    }
  }

  private void handle(T item) {
    try {
      action.accept(item);
    } catch (RuntimeException e) {
      log.error("{} failed on {}", thread.getName(), item.getClass().getSimpleName(), e);
    } finally {
      held.addAndGet(-bytes.applyAsLong(item));
    }
  }

  /**
   * Handles what was offered before, then stops the thread, waiting for it up to a timeout. Items
   * offered after this are not handled.
   *
   * @param timeout how long to wait for the thread to finish
   * @return whether it finished in time
   */
  public boolean close(Duration timeout) {
    closing = true;
    LockSupport.unpark(thread);
    if (Thread.currentThread() == thread) {
      return true;
    }
    try {
      thread.join(Math.max(1, timeout.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("{} did not finish within {} ms; {} items were left", thread.getName(),
          timeout.toMillis(), queue.size());
      return false;
    }
    return true;
  }

  /** Handles what was offered before, waiting up to ten seconds. */
  @Override
  public void close() {
    close(Duration.ofSeconds(10));
  }

  /**
   * Returns the thread, for tests and diagnostics.
   *
   * @return the thread that runs the action
   */
  public Thread thread() {
    return thread;
  }

  @Override
  public String toString() {
    return "Handoff[" + thread.getName() + ", held=" + held.get() + "/" + budgetBytes + "]";
  }
}
