package io.aiperf.api.spi;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * How services talk; they share nothing else. Three shapes:
 *
 * <ul>
 *   <li>publish/subscribe by message type, for events every interested service sees;
 *   <li>point-to-point channels with competing consumers and backpressure, for credits and records;
 *   <li>request/reply with a timeout, for commands.
 * </ul>
 *
 * <p>Contract: messages from one sender to one channel or type arrive in the order sent; nothing
 * accepted is dropped before {@link #close()}; {@link #close()} delivers what was accepted.
 *
 * @since 0.1.0
 */
public interface MessageBus extends AutoCloseable {
  /**
   * Delivers a message to every subscriber of its type (and of its supertypes).
   *
   * @param message the message
   */
  void publish(BusMessage message);

  /**
   * Subscribes to messages of a type, delivered one at a time in publication order on the bus's
   * event thread.
   *
   * @param type the message type (subtypes are delivered too)
   * @param handler what to do with each message; must not block for long
   * @param <M> the message type
   * @return the subscription
   */
  <M extends BusMessage> Subscription subscribe(Class<M> type, Consumer<? super M> handler);

  /**
   * Sends a message to one consumer of a channel, chosen round-robin. Blocks while the channel holds
   * its capacity of undelivered messages (backpressure).
   *
   * @param channel the channel name
   * @param message the message
   * @throws IllegalStateException if the bus is closed
   */
  void send(String channel, BusMessage message);

  /**
   * Sends a message to the consumer a routing key maps to, so that messages with the same key go
   * to the same consumer (e.g. all turns of a session to one worker).
   *
   * @param channel the channel name
   * @param routingKey the key
   * @param message the message
   */
  void send(String channel, long routingKey, BusMessage message);

  /**
   * Sends a message as {@link #send(String, BusMessage)} does, but only if that needs no wait for
   * capacity: for a thread that must never block, such as an event loop, which keeps the message
   * and hands it to a thread of its own when this returns false. A message accepted here is
   * delivered, and ordered with the sender's other messages, exactly as one sent.
   *
   * <p>What this cannot spare the caller is the consumer's own hand-off: a consumer registered
   * with {@code Runnable::run} runs its handler right here, on the calling thread.
   *
   * <p>The default returns false (never sends), which is correct for a bus that cannot tell
   * whether a send would block; such a bus is still a complete implementation.
   *
   * @param channel the channel name
   * @param message the message
   * @return true if the message was sent; false if it was not, because the channel holds its
   *     capacity of undelivered messages or this bus cannot send without blocking
   * @throws IllegalStateException if the bus sends here and is closed
   * @since 0.1.0
   */
  default boolean trySend(String channel, BusMessage message) {
    return false;
  }

  /**
   * Registers a consumer of a channel; the handler runs on the given executor.
   *
   * @param channel the channel name
   * @param executor where the handler runs; {@code Runnable::run} for the sender's thread
   * @param handler what to do with each message
   * @return the registration
   */
  Subscription consume(String channel, Executor executor, Consumer<BusMessage> handler);

  /**
   * Sends a request to the responder of a channel and waits asynchronously for its reply.
   *
   * @param channel the channel name
   * @param request the request
   * @param timeout how long to wait; the future then fails with a
   *     {@link java.util.concurrent.TimeoutException} naming the channel
   * @return the future reply
   */
  CompletableFuture<BusMessage> request(String channel, BusMessage request, Duration timeout);

  /**
   * Registers the responder of a channel.
   *
   * @param channel the channel name
   * @param responder computes the reply to each request
   * @return the registration
   */
  Subscription respond(String channel, Function<BusMessage, BusMessage> responder);

  /**
   * Returns the address other processes join this bus at, for a bus that accepts them (such as
   * the ZeroMQ hub of a run with remote workers).
   *
   * @return the address, e.g. {@code tcp://127.0.0.1:5557}, or empty for a bus in one process
   */
  default java.util.Optional<String> joinAddress() {
    return java.util.Optional.empty();
  }

  /** Delivers what was accepted, then releases the bus's threads and resources. */
  @Override
  void close();
}
