package io.aiperf.zmq.internal;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one bus has in flight, and the deadlines its close waits on.
 *
 * <p>A channel message holds one of the sending bus's {@code channelCapacity} credits for that
 * channel from {@code send} until the consumer's handler has finished with it, wherever that
 * consumer runs (the consumer acknowledges, the hub passes a credit back as CREDIT). So
 * {@code send} blocks rather than anything being dropped, and socket high-water marks can stay
 * off. Close waits, each step bounded by one deadline, until the credits are back, the queued
 * handlers have run and the handler threads have stopped.
 */
final class FlowControl {
  // Logged under the bus's name, as before the bus was split into parts.
  private static final Logger log = LoggerFactory.getLogger(ZmqMessageBusImpl.class);

  private final String peerId;
  private final int channelCapacity;
  private final Duration closeTimeout;
  private final Map<String, Semaphore> credits = new ConcurrentHashMap<>();
  private final AtomicLong unacknowledged = new AtomicLong();
  private final AtomicInteger deliveriesInProgress = new AtomicInteger();

  FlowControl(String peerId, int channelCapacity, Duration closeTimeout) {
    this.peerId = peerId;
    this.channelCapacity = channelCapacity;
    this.closeTimeout = closeTimeout;
  }

  /**
   * Takes a credit for a channel, blocking until one is back.
   *
   * @param channel the channel
   * @throws IllegalStateException if interrupted while waiting
   */
  void acquire(String channel) {
    Semaphore credit = credits.computeIfAbsent(channel, c -> new Semaphore(channelCapacity));
    try {
      credit.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending on channel '" + channel + "'",
          e);
    }
  }

  /** Counts a message that went out on a credit and waits for its acknowledgement. */
  void sent() {
    unacknowledged.incrementAndGet();
  }

  /** The hub passed credits back: consumers finished with that many messages. */
  void credited(String channel, int n) {
    Semaphore credit = credits.get(channel);
    if (credit != null) {
      credit.release(n);
    }
    unacknowledged.addAndGet(-n);
  }

  /** Unblocks every sender, which then sees that the bus is closed. */
  void releaseAll() {
    credits.values().forEach(s -> s.release(Integer.MAX_VALUE / 2));
  }

  void deliveryStarted() {
    deliveriesInProgress.incrementAndGet();
  }

  void deliveryFinished() {
    deliveriesInProgress.decrementAndGet();
  }

  /** Returns the deadline of a close that starts now. */
  long closeDeadline() {
    return Ticks.nanos() + closeTimeout.toNanos();
  }

  /** Waits until every channel message this bus sent was handled, and warns if not. */
  void awaitAcknowledged(long deadline) {
    awaitZero(unacknowledged::get, deadline);
    if (unacknowledged.get() > 0) {
      log.warn("Closing the ZMQ bus with {} channel messages not yet handled by a consumer "
          + "after {}", unacknowledged.get(), closeTimeout);
    }
  }

  /** Waits until the handlers of messages delivered to this bus have finished. */
  void awaitDeliveries(long deadline) {
    awaitZero(deliveriesInProgress::get, deadline);
  }

  /** Shuts a handler thread down and waits for what it queued, until the deadline. */
  void awaitTermination(ExecutorService executor, long deadline) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(Math.max(0, deadline - Ticks.nanos()),
          TimeUnit.NANOSECONDS)) {
        log.warn("ZMQ bus {}: handlers still running after the close timeout of {}", peerId,
            closeTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Returns how long is left until the deadline, at least 1 ns so that a wait still looks. */
  static long nanosLeft(long deadline) {
    return Math.max(1, deadline - Ticks.nanos());
  }

  private static void awaitZero(LongSupplier value, long deadline) {
    while (value.getAsLong() > 0 && Ticks.nanos() - deadline < 0) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
