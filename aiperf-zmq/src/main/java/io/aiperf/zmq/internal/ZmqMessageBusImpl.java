package io.aiperf.zmq.internal;

import static io.aiperf.zmq.internal.Protocol.op;
import static io.aiperf.zmq.internal.Protocol.string;
import static io.aiperf.zmq.internal.Protocol.utf8;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.Subscription;
import io.aiperf.zmq.ZmqBusOptions;
import io.aiperf.zmq.ZmqMessageBus;
import java.io.IOException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZContext;

/**
 * A bus connected to a {@link Hub}: the API callers use, and the order in which it opens and
 * closes. The work is done by its parts: {@link HubLink} (the socket and its I/O thread, or
 * straight into the hub thread on the hub's own bus),
 * {@link FlowControl} (credits and close deadlines), {@link HubCalls} (operations the hub
 * confirms), {@link EventSubscribers}, {@link ChannelConsumers} and {@link RequestReply} (one
 * per kind of traffic), and {@link Codec} (messages to bytes).
 *
 * <p>Backpressure and no loss: a channel message holds a credit of its sender from {@code send}
 * until a consumer has handled it ({@link FlowControl}), so {@code send} blocks rather than
 * anything being dropped. Events are not flow-controlled (they are few: phase changes,
 * progress), but they are never dropped either: they travel over the same ROUTER/DEALER
 * sockets, not PUB/SUB, which drops at its high-water mark.
 *
 * <p>Handlers never run on the I/O thread: events run on the bus's event thread, requests on its
 * responder thread, channel messages on each consumer's executor.
 */
final class ZmqMessageBusImpl implements ZmqMessageBus {
  private static final Logger log = LoggerFactory.getLogger(ZmqMessageBusImpl.class);
  private static final AtomicInteger BUSES = new AtomicInteger();

  private final ZContext context;
  /** The hub this bus runs, or null on a client. */
  private final @Nullable Hub hub;
  private final String address;
  private final String peerId;
  private final Duration opTimeout;
  private final Duration closeTimeout;
  private final Codec codec;
  private final HubLink link;
  private final FlowControl flow;
  private final HubCalls calls;
  private final EventSubscribers events;
  private final ChannelConsumers consumers;
  private final RequestReply requests;

  private final ExecutorService eventThread;
  private final ExecutorService responderThread;
  private final ExecutorService deliveryPool;
  private final ScheduledExecutorService timer;
  private final AtomicBoolean closed = new AtomicBoolean();

  ZmqMessageBusImpl(ZContext context, String connectTo, @Nullable Hub hub, String address,
      ZmqBusOptions options) {
    this.context = context;
    this.hub = hub;
    this.address = address;
    this.opTimeout = options.connectTimeout();
    this.closeTimeout = options.closeTimeout();
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    this.codec = new Codec(cl != null ? cl : ZmqMessageBusImpl.class.getClassLoader(),
        hub == null ? null : hub.payloads());
    byte[] random = new byte[2];
    new SecureRandom().nextBytes(random);
    this.peerId = ProcessHandle.current().pid() + "-" + BUSES.incrementAndGet() + "-"
        + String.format(java.util.Locale.ROOT, "%02x%02x", random[0], random[1]);
    int n = BUSES.get();
    try {
      link = hub != null ? new LocalLink(hub, peerId, this::handle, codec, this::deliverOwn)
          : new DealerLink(context, connectTo, peerId, options, this::handle,
              daemon("aiperf-zmq-io-" + n));
    } catch (IOException | RuntimeException e) {
      context.close();
      if (hub != null) {
        hub.stop(closeTimeout.toMillis());
      }
      throw new IllegalStateException("Cannot open a ZMQ bus to " + connectTo + ": "
          + e.getMessage(), e);
    }
    eventThread = Executors.newSingleThreadExecutor(daemon("aiperf-zmq-events-" + n));
    responderThread = Executors.newSingleThreadExecutor(daemon("aiperf-zmq-responder-" + n));
    deliveryPool = Executors.newCachedThreadPool(daemon("aiperf-zmq-delivery-" + n));
    timer = Executors.newSingleThreadScheduledExecutor(daemon("aiperf-zmq-timer-" + n));
    flow = new FlowControl(peerId, options.channelCapacity(), closeTimeout);
    calls = new HubCalls(link, address, opTimeout);
    events = new EventSubscribers(peerId, codec, link, calls, eventThread, closed::get);
    consumers = new ChannelConsumers(peerId, codec, link, calls, flow, deliveryPool);
    requests = new RequestReply(codec, link, calls, responderThread, timer, closed::get);
    link.start();
    try {
      calls.call(op(Protocol.HELLO));
    } catch (IllegalStateException e) {
      // Nothing reached the hub, so nothing would ever drain: do not linger on close.
      link.abandon();
      shutDown();
      throw new IllegalStateException("No answer from the ZMQ hub at " + address + " within "
          + opTimeout + "; check that it runs, the address, and the CURVE keys (a hub with "
          + "CURVE refuses clients without its public key or with an unauthorized key)", e);
    }
    log.debug("ZMQ bus {} connected to {}", peerId, address);
  }

  @Override
  public String address() {
    return address;
  }

  /**
   * The hub's bound tcp endpoint, where buses in other processes connect; a client accepts no
   * one, so it has none (its {@link #address()} is the hub's).
   */
  @Override
  public Optional<String> joinAddress() {
    return hub == null ? Optional.empty() : Optional.ofNullable(hub.tcpAddress());
  }

  @Override
  public boolean isHub() {
    return hub != null;
  }

  @Override
  public String peerId() {
    return peerId;
  }

  @Override
  public void publish(BusMessage message) {
    checkOpen();
    byte[] payload = codec.encode(message);
    link.enqueue(op(Protocol.PUB), Codec.typesFrame(message.getClass()), payload);
  }

  @Override
  public <M extends BusMessage> Subscription subscribe(Class<M> type,
      Consumer<? super M> handler) {
    checkOpen();
    return events.subscribe(type, handler);
  }

  @Override
  public void send(String channel, BusMessage message) {
    if (hub != null) {
      sendOwn(hub, channel, false, 0, message);
    } else {
      send(channel, Protocol.EMPTY, message);
    }
  }

  @Override
  public void send(String channel, long routingKey, BusMessage message) {
    if (hub != null) {
      sendOwn(hub, channel, true, routingKey, message);
    } else {
      send(channel, Protocol.longBytes(routingKey), message);
    }
  }

  private void send(String channel, byte[] key, BusMessage message) {
    checkOpen();
    byte[] payload = codec.encode(message);
    takeCredit(channel);
    link.enqueue(op(Protocol.SEND), utf8(channel), key, payload);
  }

  /**
   * The hub's own bus passes the message itself to the hub thread; it is encoded here only if
   * the channel has a consumer in another process (which may take it), so that CBOR stays off
   * the hub thread. A channel whose only consumer is this bus's and runs its handler on the
   * caller's thread ({@code Runnable::run}) gets the message on this thread, as from the
   * in-memory bus, when none of this bus's messages on the channel is still on its way through
   * the hub (which keeps their order).
   */
  private void sendOwn(Hub hub, String channel, boolean keyed, long key, BusMessage message) {
    checkOpen();
    OwnChannel own = hub.ownChannel(channel);
    takeCredit(channel);
    OwnChannel.Sole sole = own.sole;
    if (sole != null && own.pending.get() == 0
        && consumers.runOnSender(sole.consumer(), own, sole.inFlight(), message)) {
      return;
    }
    byte[] encoded = hub.hasRemoteConsumer(channel) ? codec.encode(message) : null;
    own.pending.incrementAndGet();
    hub.offerLocal(new OwnChannel.Send(own, keyed, key, message, encoded));
  }

  private void takeCredit(String channel) {
    flow.acquire(channel);
    if (closed.get()) {
      throw new IllegalStateException("The message bus is closed; channel '" + channel
          + "' did not take the message");
    }
    flow.sent();
  }

  @Override
  public Subscription consume(String channel, Executor executor, Consumer<BusMessage> handler) {
    checkOpen();
    return consumers.consume(channel, executor, handler);
  }

  @Override
  public CompletableFuture<BusMessage> request(String channel, BusMessage request,
      Duration timeout) {
    checkOpen();
    return requests.request(channel, request, timeout);
  }

  @Override
  public Subscription respond(String channel, Function<BusMessage, BusMessage> responder) {
    checkOpen();
    return requests.respond(channel, responder);
  }

  /**
   * A message from the hub, on the I/O thread (the hub thread on the hub's own bus): each kind
   * goes to the part that handles it, which never blocks.
   */
  private void handle(List<byte[]> f) {
    switch (f.get(0)[0]) {
      case Protocol.OK -> calls.confirmed(f.get(1));
      case Protocol.ERR -> calls.refused(f.get(1), string(f.get(2)));
      case Protocol.EVENT -> events.onEvent(f.get(1), f.get(2));
      case Protocol.DELIVER -> consumers.onDeliver(f);
      case Protocol.CREDIT -> flow.credited(string(f.get(1)), Protocol.asInt(f.get(2)));
      case Protocol.REQUEST -> requests.onRequest(f);
      case Protocol.REPLY -> requests.onReply(Protocol.asLong(f.get(1)), f.get(2), null);
      case Protocol.REPLY_ERROR ->
          requests.onReply(Protocol.asLong(f.get(1)), null, string(f.get(2)));
      default -> log.warn("ZMQ bus {} ignored unknown opcode {}", peerId, f.get(0)[0]);
    }
  }

  /** A message of this (the hub's own) bus for one of its consumers, on the hub thread. */
  private boolean deliverOwn(int consumer, OwnChannel channel,
      java.util.concurrent.atomic.AtomicInteger inFlight, BusMessage message) {
    return consumers.deliverOwn(consumer, channel, inFlight, message);
  }

  /**
   * Closes in an order that loses nothing this bus accepted: wait until every channel message it
   * sent was handled by a consumer (credits back), withdraw its consumers and responders, pass a
   * FLUSH marker through the hub (after it, every event this bus published has been fanned out
   * and every message for this bus is in its queues), run the queued handlers, say BYE, and only
   * then close the socket, with a bounded linger.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = flow.closeDeadline();
    flow.awaitAcknowledged(deadline);
    flow.releaseAll(); // senders see "closed"
    consumers.cancelAll();
    requests.withdrawAll();
    try {
      CompletableFuture<Void> flushed = calls.start(op(Protocol.FLUSH));
      flushed.get(FlowControl.nanosLeft(deadline), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("The ZMQ hub at {} did not confirm the flush on close: {}", address,
          e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flow.awaitTermination(eventThread, deadline);
    flow.awaitDeliveries(deadline);
    flow.awaitTermination(responderThread, deadline);
    shutDown();
  }

  private void shutDown() {
    closed.set(true);
    link.enqueue(op(Protocol.BYE));
    link.stop(closeTimeout.toNanos(), closeTimeout.toMillis() + 1_000);
    if (hub != null) {
      hub.stop(closeTimeout.toMillis() + 1_000);
    }
    eventThread.shutdownNow();
    responderThread.shutdownNow();
    deliveryPool.shutdownNow();
    timer.shutdownNow();
    IllegalStateException closedError = new IllegalStateException("The message bus is closed");
    requests.failAll(closedError);
    calls.failAll(closedError);
    link.closePipe();
    context.close();
  }

  /** For tests: whether the hub knows a consumer of the channel outside its own bus. */
  boolean hasRemoteConsumer(String channel) {
    return hub != null && hub.hasRemoteConsumer(channel);
  }

  /** For tests: what the hub of this (hub's own) bus holds. */
  LocalPayloads payloads() {
    if (hub == null) {
      throw new IllegalStateException("Only the hub's own bus holds messages");
    }
    return hub.payloads();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("The message bus is closed");
    }
  }

  private static ThreadFactory daemon(String name) {
    AtomicInteger count = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, count.getAndIncrement() == 0 ? name : name + "-" + count.get());
      t.setDaemon(true);
      return t;
    };
  }
}
