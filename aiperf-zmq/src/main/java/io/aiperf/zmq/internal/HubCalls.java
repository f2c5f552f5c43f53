package io.aiperf.zmq.internal;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Operations the hub confirms: HELLO, SUB, CONSUME, RESPOND and FLUSH carry a token as their
 * last frame, and the hub answers OK or ERR with it. Registrations wait for that answer so that
 * a message sent after {@code subscribe} or {@code consume} returns already finds the
 * registration at the hub.
 */
final class HubCalls {
  private final HubLink link;
  private final String address;
  private final Duration opTimeout;
  private final Map<Long, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
  private final AtomicLong nextToken = new AtomicLong();

  HubCalls(HubLink link, String address, Duration opTimeout) {
    this.link = link;
    this.address = address;
    this.opTimeout = opTimeout;
  }

  /** Sends an operation with a fresh token; the future completes when the hub answers. */
  CompletableFuture<Void> start(byte[] op, byte[]... args) {
    long token = nextToken.incrementAndGet();
    CompletableFuture<Void> done = new CompletableFuture<>();
    pending.put(token, done);
    byte[][] frames = new byte[args.length + 2][];
    frames[0] = op;
    System.arraycopy(args, 0, frames, 1, args.length);
    frames[frames.length - 1] = Protocol.longBytes(token);
    link.enqueue(frames);
    return done;
  }

  /**
   * Sends a registration and waits for the hub to confirm it.
   *
   * @throws IllegalStateException if the hub refused it or did not answer in time
   */
  void call(byte[] op, byte[]... args) {
    CompletableFuture<Void> done = start(op, args);
    try {
      done.get(opTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      // A future fails only through completeExceptionally, which takes a non-null cause.
      Throwable cause = Objects.requireNonNullElse(e.getCause(), e);
      throw new IllegalStateException(cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw new IllegalStateException("The ZMQ hub at " + address + " did not answer within "
          + opTimeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the ZMQ hub", e);
    }
  }

  /** The hub's OK for a token. */
  void confirmed(byte[] token) {
    CompletableFuture<Void> done = pending.remove(Protocol.asLong(token));
    if (done != null) {
      done.complete(null);
    }
  }

  /** The hub's ERR for a token. */
  void refused(byte[] token, String why) {
    CompletableFuture<Void> done = pending.remove(Protocol.asLong(token));
    if (done != null) {
      done.completeExceptionally(new IllegalStateException(why));
    }
  }

  void failAll(IllegalStateException closed) {
    pending.values().forEach(f -> f.completeExceptionally(closed));
  }
}
