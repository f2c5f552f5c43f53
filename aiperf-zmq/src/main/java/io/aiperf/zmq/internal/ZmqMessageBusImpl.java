package io.aiperf.zmq.internal;

import static io.aiperf.zmq.internal.Protocol.op;
import static io.aiperf.zmq.internal.Protocol.string;
import static io.aiperf.zmq.internal.Protocol.utf8;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.Subscription;
import io.aiperf.zmq.CurveKeys;
import io.aiperf.zmq.ZmqBusOptions;
import io.aiperf.zmq.ZmqMessageBus;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A bus on one DEALER socket connected to a {@link Hub}. Only the I/O thread touches the socket:
 * callers encode on their own thread and queue frames, then wake the I/O thread through a pipe it
 * polls together with the socket.
 *
 * <p>Backpressure and no loss: a channel message holds one of the sending bus's
 * {@code channelCapacity} credits for that channel from {@code send} until the consumer's handler
 * has finished with it, wherever that consumer runs (the consumer acknowledges, the hub passes a
 * credit back). So {@code send} blocks rather than anything being dropped, and socket high-water
 * marks are off (0 = unlimited) because credits already bound what is in flight. Events are not
 * flow-controlled (they are few: phase changes, progress), but they are never dropped either: they
 * travel over the same ROUTER/DEALER sockets, not PUB/SUB, which drops at its high-water mark.
 *
 * <p>Handlers never run on the I/O thread: events run on the bus's event thread, requests on its
 * responder thread, channel messages on each consumer's executor, reached through a per-consumer
 * serial queue on a pool so that a handler which blocks (e.g. in {@code send}) cannot stop the
 * credits that would unblock it.
 */
final class ZmqMessageBusImpl implements ZmqMessageBus {
  private static final Logger log = LoggerFactory.getLogger(ZmqMessageBusImpl.class);
  private static final AtomicInteger BUSES = new AtomicInteger();
  private static final ClassValue<byte[]> TYPES_FRAME = new ClassValue<>() {
    @Override
    protected byte[] computeValue(Class<?> type) {
      return utf8(String.join("\n", WireTypes.TYPE_NAMES.get(type)));
    }
  };

  /** A batch is sent once it reaches this size, so a burst of large messages is not one frame. */
  static final int MAX_BATCH_BYTES = 256 * 1024;

  private final ZContext context;
  private final Hub hub;
  private final String address;
  private final String peerId;
  private final int channelCapacity;
  private final Duration opTimeout;
  private final Duration closeTimeout;
  private final Codec codec;

  /** The socket to the hub; null on the hub's own bus, which talks to it through memory. */
  private final ZMQ.Socket dealer;
  /** Batches the hub sent to its own bus (null on a client); see {@link Hub#attachLocal}. */
  private final ConcurrentLinkedQueue<byte[]> fromHub;
  private final Pipe wakePipe;
  /** True while the I/O thread is awake or a wake-up byte is on its way: no write needed. */
  private final AtomicBoolean wakePending = new AtomicBoolean(true);
  private final ConcurrentLinkedQueue<Object> outgoing = new ConcurrentLinkedQueue<>();
  private final Thread ioThread;
  private volatile boolean ioStop;
  private volatile long dealerLinger;
  private volatile long stopDeadline;
  /** Batches the socket would not take yet, in order; only the I/O thread touches it. */
  private final java.util.ArrayDeque<byte[]> backlog = new java.util.ArrayDeque<>();
  private final Protocol.Batch batch = new Protocol.Batch();

  private final ExecutorService eventThread;
  private final ExecutorService responderThread;
  private final ExecutorService deliveryPool;
  private final ScheduledExecutorService timer;

  private final List<TypedSubscriber<?>> subscribers = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> subscribedTypes = new HashMap<>();
  private final Object registrations = new Object();
  private final Map<Integer, LocalConsumer> consumers = new ConcurrentHashMap<>();
  private final AtomicInteger nextConsumer = new AtomicInteger();
  private final Map<String, Semaphore> credits = new ConcurrentHashMap<>();
  private final AtomicLong unacknowledged = new AtomicLong();
  private final AtomicInteger deliveriesInProgress = new AtomicInteger();
  private final Map<String, Function<BusMessage, BusMessage>> responders =
      new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<BusMessage>> requests = new ConcurrentHashMap<>();
  private final AtomicLong nextRequest = new AtomicLong();
  private final Map<Long, CompletableFuture<Void>> pendingOps = new ConcurrentHashMap<>();
  private final AtomicLong nextToken = new AtomicLong();
  private final Set<String> warnedUndecodable = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();

  ZmqMessageBusImpl(ZContext context, String connectTo, Hub hub, String address,
      ZmqBusOptions options) {
    this.context = context;
    this.hub = hub;
    this.address = address;
    this.channelCapacity = options.channelCapacity();
    this.opTimeout = options.connectTimeout();
    this.closeTimeout = options.closeTimeout();
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    this.codec = new Codec(cl != null ? cl : ZmqMessageBusImpl.class.getClassLoader());
    byte[] random = new byte[2];
    new SecureRandom().nextBytes(random);
    this.peerId = ProcessHandle.current().pid() + "-" + BUSES.incrementAndGet() + "-"
        + String.format("%02x%02x", random[0], random[1]);
    int n = BUSES.get();
    try {
      if (hub != null) {
        // In the hub's JVM: no socket, no inproc hop; the same protocol through two queues.
        dealer = null;
        fromHub = new ConcurrentLinkedQueue<>();
        hub.attachLocal(peerId.getBytes(StandardCharsets.ISO_8859_1), batch -> {
          fromHub.add(batch);
          wake();
        });
      } else {
        fromHub = null;
        dealer = openDealer(context, connectTo, peerId, options);
      }
      dealerLinger = closeTimeout.toMillis();
      wakePipe = Pipe.open();
      wakePipe.source().configureBlocking(false);
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
    ioThread = daemon("aiperf-zmq-io-" + n).newThread(this::ioLoop);
    ioThread.start();
    try {
      call(op(Protocol.HELLO));
    } catch (IllegalStateException e) {
      // Nothing reached the hub, so nothing would ever drain: do not linger on close.
      dealerLinger = 0;
      stopDeadline = System.nanoTime();
      shutDown();
      throw new IllegalStateException("No answer from the ZMQ hub at " + address + " within "
          + opTimeout + "; check that it runs, the address, and the CURVE keys (a hub with "
          + "CURVE refuses clients without its public key or with an unauthorized key)", e);
    }
    log.debug("ZMQ bus {} connected to {}", peerId, address);
  }

  private static ZMQ.Socket openDealer(ZContext context, String connectTo, String peerId,
      ZmqBusOptions options) {
    ZMQ.Socket dealer = context.createSocket(SocketType.DEALER);
    dealer.setIdentity(peerId.getBytes(StandardCharsets.ISO_8859_1));
    dealer.setSndHWM(0);
    dealer.setRcvHWM(0);
    // JeroMQ 0.6.0 now and then stalls a fresh tcp connection in its ZMTP handshake (the
    // greeting sits unread; about 1 connect in 40 on a busy 2-core machine). A short
    // handshake interval drops such a connection and reconnects; queued frames stay in the
    // pipe, so nothing is lost, the HELLO just takes a second longer.
    dealer.setHandshakeIvl(Hub.HANDSHAKE_MILLIS);
    // ZMTP heartbeats: a hub that vanished without closing the connection is noticed.
    dealer.setHeartbeatIvl(1_000);
    dealer.setHeartbeatTimeout(5_000);
    if (options.curveServerKey() != null) {
      CurveKeys mine = options.curveKeys() != null ? options.curveKeys()
          : CurveKeys.generate();
      dealer.setCurveServerKey(ZMQ.Curve.z85Decode(options.curveServerKey().publicKey()));
      dealer.setCurvePublicKey(ZMQ.Curve.z85Decode(mine.publicKey()));
      dealer.setCurveSecretKey(ZMQ.Curve.z85Decode(mine.secretKey()));
    }
    dealer.connect(connectTo);
    return dealer;
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

  // ---------------------------------------------------------------- publish/subscribe

  @Override
  public void publish(BusMessage message) {
    checkOpen();
    byte[] payload = codec.encode(message);
    enqueue(op(Protocol.PUB), TYPES_FRAME.get(message.getClass()), payload);
  }

  @Override
  public <M extends BusMessage> Subscription subscribe(Class<M> type,
      Consumer<? super M> handler) {
    checkOpen();
    TypedSubscriber<M> s = new TypedSubscriber<>(type, handler);
    subscribers.add(s);
    synchronized (registrations) {
      if (subscribedTypes.merge(type.getName(), 1, Integer::sum) == 1) {
        try {
          call(op(Protocol.SUB), utf8(type.getName()));
        } catch (IllegalStateException e) {
          subscribers.remove(s);
          subscribedTypes.merge(type.getName(), -1, Integer::sum);
          throw e;
        }
      }
    }
    return () -> {
      if (subscribers.remove(s)) {
        synchronized (registrations) {
          if (subscribedTypes.merge(type.getName(), -1, Integer::sum) == 0) {
            subscribedTypes.remove(type.getName());
            if (!closed.get()) {
              enqueue(op(Protocol.UNSUB), utf8(type.getName()));
            }
          }
        }
      }
    };
  }

  private void deliverEvent(byte[] typesFrame, byte[] payload) {
    Set<String> types = Set.of(string(typesFrame).split("\n"));
    BusMessage message = null;
    for (TypedSubscriber<?> s : subscribers) {
      if (!types.contains(s.type.getName())) {
        continue;
      }
      if (message == null) {
        message = decodeOrLog(payload, "an event");
        if (message == null) {
          return;
        }
      }
      s.offer(message);
    }
  }

  // ---------------------------------------------------------------- channels

  @Override
  public void send(String channel, BusMessage message) {
    send(channel, Protocol.EMPTY, message);
  }

  @Override
  public void send(String channel, long routingKey, BusMessage message) {
    send(channel, Protocol.longBytes(routingKey), message);
  }

  private void send(String channel, byte[] key, BusMessage message) {
    checkOpen();
    byte[] payload = codec.encode(message);
    Semaphore credit = credits.computeIfAbsent(channel, c -> new Semaphore(channelCapacity));
    try {
      credit.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while sending on channel '" + channel + "'",
          e);
    }
    if (closed.get()) {
      throw new IllegalStateException("The message bus is closed; channel '" + channel
          + "' did not take the message");
    }
    unacknowledged.incrementAndGet();
    enqueue(op(Protocol.SEND), utf8(channel), key, payload);
  }

  @Override
  public Subscription consume(String channel, Executor executor, Consumer<BusMessage> handler) {
    checkOpen();
    int id = nextConsumer.incrementAndGet();
    LocalConsumer c = new LocalConsumer(id, channel, executor, handler);
    consumers.put(id, c);
    try {
      call(op(Protocol.CONSUME), utf8(channel), Protocol.intBytes(id));
    } catch (IllegalStateException e) {
      consumers.remove(id);
      throw e;
    }
    return c;
  }

  // ---------------------------------------------------------------- request/reply

  @Override
  public CompletableFuture<BusMessage> request(String channel, BusMessage request,
      Duration timeout) {
    checkOpen();
    byte[] payload = codec.encode(request);
    CompletableFuture<BusMessage> reply = new CompletableFuture<>();
    long id = nextRequest.incrementAndGet();
    requests.put(id, reply);
    var timeoutTask = timer.schedule(() -> {
      if (requests.remove(id) != null) {
        reply.completeExceptionally(new TimeoutException("No reply on channel '" + channel
            + "' within " + timeout));
      }
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    reply.whenComplete((r, e) -> timeoutTask.cancel(false));
    enqueue(op(Protocol.REQUEST), utf8(channel), Protocol.longBytes(id), payload);
    return reply;
  }

  @Override
  public Subscription respond(String channel, Function<BusMessage, BusMessage> responder) {
    checkOpen();
    if (responders.putIfAbsent(channel, responder) != null) {
      throw new IllegalStateException("Channel '" + channel + "' already has a responder");
    }
    try {
      call(op(Protocol.RESPOND), utf8(channel));
    } catch (IllegalStateException e) {
      responders.remove(channel, responder);
      throw e;
    }
    return () -> {
      if (responders.remove(channel, responder) && !closed.get()) {
        enqueue(op(Protocol.UNRESPOND), utf8(channel));
      }
    };
  }

  private void answer(byte[] channelBytes, byte[] origin, byte[] requestId, byte[] payload) {
    String channel = string(channelBytes);
    Function<BusMessage, BusMessage> responder = responders.get(channel);
    if (responder == null) {
      enqueue(op(Protocol.REPLY_ERROR), origin, requestId,
          utf8("No responder on channel '" + channel + "'"));
      return;
    }
    try {
      BusMessage reply = responder.apply(codec.decode(payload));
      enqueue(op(Protocol.REPLY), origin, requestId, codec.encode(reply));
    } catch (RuntimeException e) {
      log.debug("Responder on channel '{}' failed", channel, e);
      enqueue(op(Protocol.REPLY_ERROR), origin, requestId,
          utf8("Responder on channel '" + channel + "' failed: " + e));
    }
  }

  private void replied(long id, byte[] payload, String error) {
    CompletableFuture<BusMessage> reply = requests.remove(id);
    if (reply == null) {
      return; // timed out already
    }
    // Completing runs the caller's dependent stages: keep them off the I/O thread.
    timer.execute(() -> {
      if (error != null) {
        reply.completeExceptionally(new IllegalStateException(error));
        return;
      }
      try {
        reply.complete(codec.decode(payload));
      } catch (RuntimeException e) {
        reply.completeExceptionally(e);
      }
    });
  }

  // ---------------------------------------------------------------- lifecycle

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
    long deadline = System.nanoTime() + closeTimeout.toNanos();
    awaitZero(unacknowledged::get, deadline);
    if (unacknowledged.get() > 0) {
      log.warn("Closing the ZMQ bus with {} channel messages not yet handled by a consumer "
          + "after {}", unacknowledged.get(), closeTimeout);
    }
    credits.values().forEach(s -> s.release(Integer.MAX_VALUE / 2)); // senders see "closed"
    for (LocalConsumer c : consumers.values()) {
      c.close();
    }
    for (String channel : responders.keySet()) {
      enqueue(op(Protocol.UNRESPOND), utf8(channel));
    }
    try {
      CompletableFuture<Void> flushed = startCall(op(Protocol.FLUSH));
      flushed.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("The ZMQ hub at {} did not confirm the flush on close: {}", address,
          e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    awaitTermination(eventThread, deadline);
    awaitZero(deliveriesInProgress::get, deadline);
    awaitTermination(responderThread, deadline);
    shutDown();
  }

  private void shutDown() {
    closed.set(true);
    enqueue(op(Protocol.BYE));
    if (stopDeadline == 0) {
      stopDeadline = System.nanoTime() + closeTimeout.toNanos();
    }
    ioStop = true;
    wake();
    join(ioThread, closeTimeout.toMillis() + 1_000);
    if (hub != null) {
      hub.stop(closeTimeout.toMillis() + 1_000);
    }
    eventThread.shutdownNow();
    responderThread.shutdownNow();
    deliveryPool.shutdownNow();
    timer.shutdownNow();
    IllegalStateException closedError = new IllegalStateException("The message bus is closed");
    requests.values().forEach(f -> f.completeExceptionally(closedError));
    pendingOps.values().forEach(f -> f.completeExceptionally(closedError));
    try {
      wakePipe.sink().close();
      wakePipe.source().close();
    } catch (IOException e) {
      log.debug("Closing the wake-up pipe failed", e);
    }
    context.close();
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("The message bus is closed");
    }
  }

  // ---------------------------------------------------------------- I/O thread

  private void enqueue(byte[]... frames) {
    outgoing.add(frames);
    wake();
  }

  private void wake() {
    if (wakePending.compareAndSet(false, true)) {
      try {
        wakePipe.sink().write(ByteBuffer.wrap(new byte[1]));
      } catch (IOException e) {
        log.debug("Waking the ZMQ I/O thread failed (closing?)", e);
      }
    }
  }

  private CompletableFuture<Void> startCall(byte[] op, byte[]... args) {
    long token = nextToken.incrementAndGet();
    CompletableFuture<Void> done = new CompletableFuture<>();
    pendingOps.put(token, done);
    byte[][] frames = new byte[args.length + 2][];
    frames[0] = op;
    System.arraycopy(args, 0, frames, 1, args.length);
    frames[frames.length - 1] = Protocol.longBytes(token);
    enqueue(frames);
    return done;
  }

  /** Sends a registration and waits for the hub to confirm it. */
  private void call(byte[] op, byte[]... args) {
    CompletableFuture<Void> done = startCall(op, args);
    try {
      done.get(opTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("The ZMQ hub at " + address + " did not answer within "
          + opTimeout, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for the ZMQ hub", e);
    }
  }

  private void ioLoop() {
    List<byte[]> frames = new ArrayList<>(8);
    ByteBuffer drain = ByteBuffer.allocate(64);
    // A plain selector on the socket's signal channel and the wake-up pipe: ZMQ's Poller
    // rebuilds its key map on every call, which cost more than the work when it ran per message.
    Selector selector = null;
    try {
      selector = Selector.open();
      SelectionKey socketKey = dealer == null ? null
          : dealer.getFD().register(selector, SelectionKey.OP_READ);
      boolean socketWoke = false;
      SelectionKey pipeKey = wakePipe.source().register(selector, SelectionKey.OP_READ);
      while (true) {
        boolean stopping = ioStop;
        flushOutgoing();
        int received = 0;
        byte[] incoming;
        while (received < 1_024 && (incoming = receive()) != null) {
          received++;
          handleBatch(incoming, frames);
        }
        flushOutgoing();
        if (stopping && outgoing.isEmpty()
            && (backlog.isEmpty() || System.nanoTime() - stopDeadline > 0)) {
          if (!backlog.isEmpty()) {
            log.warn("ZMQ bus {} closed with {} batches of messages the hub connection never "
                + "took", peerId, backlog.size());
          }
          break;
        }
        if (received == 1_024) {
          continue;
        }
        // About to sleep: from here on producers must write a wake-up byte. Whatever they
        // queued before this point is seen by the re-check, so no wake-up is lost.
        wakePending.set(false);
        if (!outgoing.isEmpty() || ioStop != stopping) {
          wakePending.set(true);
          continue;
        }
        // Sends above may have consumed the socket's signal for a message that arrived
        // meanwhile (ZMQ's descriptor is edge-like): ask the socket itself before blocking.
        if (dealer == null ? fromHub.isEmpty() : (dealer.getEvents() & ZMQ.Poller.POLLIN) == 0) {
          // JeroMQ 0.6.0's signal descriptor can stay readable with nothing to read; selecting
          // on it then spins and starves the other threads of a small machine. After a wake-up
          // by the socket that brought nothing, wait on the wake-up pipe with a short timeout.
          boolean stale = socketWoke && received == 0;
          if (socketKey != null) {
            socketKey.interestOps(stale ? 0 : SelectionKey.OP_READ);
          }
          // A stalled socket cannot be polled for "writable" without spinning: retry soon.
          selector.select(stale ? 1 : !backlog.isEmpty() ? 10 : 100);
          socketWoke = socketKey != null && selector.selectedKeys().contains(socketKey);
          if (selector.selectedKeys().contains(pipeKey)) {
            while (wakePipe.source().read(drain.clear()) > 0) {
              // just emptying it; a byte written after this wakes the next select at once
            }
          }
          selector.selectedKeys().clear();
        } else {
          socketWoke = false;
        }
        // Awake until the next sleep: producers need not write to the pipe meanwhile.
        wakePending.set(true);
      }
    } catch (IOException | RuntimeException e) {
      log.error("ZMQ bus {} I/O thread stopped", peerId, e);
    } finally {
      closeQuietly(selector);
      // destroySocket applies the context's linger to the socket, so set it there.
      if (dealer != null) {
        context.setLinger((int) Math.min(Integer.MAX_VALUE, dealerLinger));
        context.destroySocket(dealer);
      }
    }
  }

  private void closeQuietly(Selector selector) {
    if (selector != null) {
      try {
        selector.close();
      } catch (IOException e) {
        log.debug("Closing the ZMQ bus {} selector failed", peerId, e);
      }
    }
  }

  private byte[] receive() {
    if (dealer == null) {
      return fromHub.poll();
    }
    byte[] first = dealer.recv(ZMQ.DONTWAIT);
    while (first != null && dealer.hasReceiveMore()) {
      first = dealer.recv(); // the hub sends one frame per batch; skip anything else
    }
    return first;
  }

  private void handleBatch(byte[] incoming, List<byte[]> frames) {
    int offset = 0;
    while (offset < incoming.length) {
      frames.clear();
      try {
        offset = Protocol.unpack(incoming, offset, frames);
      } catch (IllegalArgumentException e) {
        log.error("ZMQ bus {} dropped the rest of a malformed batch from the hub", peerId, e);
        return;
      }
      try {
        handle(frames);
      } catch (RuntimeException e) {
        log.error("ZMQ bus {} failed on a message from the hub", peerId, e);
      }
    }
  }

  private void flushOutgoing() {
    // Batches the socket would not take wait in order in the backlog; nothing overtakes them.
    while (!backlog.isEmpty()) {
      if (!trySend(backlog.peek())) {
        return;
      }
      backlog.poll();
    }
    // Everything pending goes out as one frame (or a few, for large payloads).
    Map<Ack, int[]> acks = null;
    Object item;
    while ((item = outgoing.poll()) != null) {
      if (item instanceof Ack a) {
        if (acks == null) {
          acks = new LinkedHashMap<>();
        }
        acks.computeIfAbsent(a, k -> new int[1])[0]++;
        continue;
      }
      if (acks != null) {
        sendAcks(acks);
        acks = null;
      }
      send((byte[][]) item);
    }
    if (acks != null) {
      sendAcks(acks);
    }
    if (!batch.isEmpty()) {
      ship(batch.take());
    }
  }

  private void sendAcks(Map<Ack, int[]> acks) {
    // Acknowledgements for the same channel, consumer and sender travel as one frame with a count.
    acks.forEach((a, n) -> send(new byte[][] {op(Protocol.ACK), a.channel, a.consumer,
        a.origin, Protocol.intBytes(n[0])}));
  }

  private void send(byte[][] frames) {
    batch.add(frames);
    if (batch.size() >= MAX_BATCH_BYTES) {
      ship(batch.take());
    }
  }

  private void ship(byte[] frame) {
    if (!backlog.isEmpty() || !trySend(frame)) {
      backlog.add(frame);
    }
  }

  /**
   * Sends without blocking: a DEALER blocks when it has no live connection (e.g. after a failed
   * CURVE handshake), and the I/O thread must never block.
   */
  private boolean trySend(byte[] frame) {
    if (dealer == null) {
      hub.offerLocal(frame);
      return true;
    }
    return dealer.send(frame, ZMQ.DONTWAIT);
  }

  private void handle(List<byte[]> f) {
    switch (f.get(0)[0]) {
      case Protocol.OK -> {
        CompletableFuture<Void> done = pendingOps.remove(Protocol.asLong(f.get(1)));
        if (done != null) {
          done.complete(null);
        }
      }
      case Protocol.ERR -> {
        CompletableFuture<Void> done = pendingOps.remove(Protocol.asLong(f.get(1)));
        if (done != null) {
          done.completeExceptionally(new IllegalStateException(string(f.get(2))));
        }
      }
      case Protocol.EVENT -> {
        byte[] types = f.get(1);
        byte[] payload = f.get(2);
        try {
          eventThread.execute(() -> deliverEvent(types, payload));
        } catch (RejectedExecutionException e) {
          log.debug("Event after close ignored");
        }
      }
      case Protocol.DELIVER -> {
        LocalConsumer c = consumers.get(Protocol.asInt(f.get(2)));
        if (c == null) {
          // Withdrawn while the hub was sending: hand it back so another consumer gets it.
          outgoing.add(new byte[][] {op(Protocol.NACK), f.get(1), f.get(2), f.get(3), f.get(4),
              f.get(5)});
        } else {
          c.deliver(new Delivery(f.get(1), f.get(2), f.get(3), f.get(5)));
        }
      }
      case Protocol.CREDIT -> {
        int n = Protocol.asInt(f.get(2));
        Semaphore credit = credits.get(string(f.get(1)));
        if (credit != null) {
          credit.release(n);
        }
        unacknowledged.addAndGet(-n);
      }
      case Protocol.REQUEST -> {
        // The frame list is reused for the next message: take the frames out first.
        byte[] channel = f.get(1);
        byte[] origin = f.get(2);
        byte[] id = f.get(3);
        byte[] payload = f.get(4);
        try {
          responderThread.execute(() -> answer(channel, origin, id, payload));
        } catch (RejectedExecutionException e) {
          outgoing.add(new byte[][] {op(Protocol.REPLY_ERROR), origin, id,
              utf8("The responder's bus is closing")});
        }
      }
      case Protocol.REPLY -> replied(Protocol.asLong(f.get(1)), f.get(2), null);
      case Protocol.REPLY_ERROR -> replied(Protocol.asLong(f.get(1)), null, string(f.get(2)));
      default -> log.warn("ZMQ bus {} ignored unknown opcode {}", peerId, f.get(0)[0]);
    }
  }

  // ---------------------------------------------------------------- helpers

  private BusMessage decodeOrLog(byte[] payload, String what) {
    try {
      return codec.decode(payload);
    } catch (IllegalArgumentException e) {
      if (warnedUndecodable.add(e.getMessage())) {
        log.error("ZMQ bus {} dropped {} it cannot decode: {}", peerId, what, e.getMessage());
      }
      return null;
    }
  }

  private static void awaitZero(java.util.function.LongSupplier value, long deadline) {
    while (value.getAsLong() > 0 && System.nanoTime() - deadline < 0) {
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void awaitTermination(ExecutorService executor, long deadline) {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(Math.max(0, deadline - System.nanoTime()),
          TimeUnit.NANOSECONDS)) {
        log.warn("ZMQ bus {}: handlers still running after the close timeout of {}", peerId,
            closeTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static void join(Thread t, long millis) {
    try {
      t.join(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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

  private record Ack(byte[] channel, byte[] consumer, byte[] origin) {
    // Records compare arrays by reference; acks group by content.
    @Override
    public boolean equals(Object o) {
      return o instanceof Ack a && java.util.Arrays.equals(a.channel, channel)
          && java.util.Arrays.equals(a.consumer, consumer)
          && java.util.Arrays.equals(a.origin, origin);
    }

    @Override
    public int hashCode() {
      return java.util.Arrays.hashCode(channel) * 31 + java.util.Arrays.hashCode(origin)
          + java.util.Arrays.hashCode(consumer);
    }
  }

  private record Delivery(byte[] channel, byte[] consumer, byte[] origin, byte[] payload) {}

  private final class TypedSubscriber<M extends BusMessage> {
    private final Class<M> type;
    private final Consumer<? super M> handler;

    TypedSubscriber(Class<M> type, Consumer<? super M> handler) {
      this.type = type;
      this.handler = handler;
    }

    void offer(BusMessage message) {
      if (type.isInstance(message)) {
        try {
          handler.accept(type.cast(message));
        } catch (RuntimeException e) {
          log.error("Subscriber of {} failed on {}", type.getSimpleName(),
              message.getClass().getSimpleName(), e);
        }
      }
    }
  }

  /** One consumer registration: a serial queue from the I/O thread to the user's executor. */
  private final class LocalConsumer implements Subscription {
    private final int id;
    private final String channel;
    private final Executor executor;
    private final Consumer<BusMessage> handler;
    private final ConcurrentLinkedQueue<Delivery> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean cancelled = new AtomicBoolean();

    LocalConsumer(int id, String channel, Executor executor, Consumer<BusMessage> handler) {
      this.id = id;
      this.channel = channel;
      this.executor = executor;
      this.handler = handler;
    }

    void deliver(Delivery d) {
      deliveriesInProgress.incrementAndGet();
      queue.add(d);
      if (scheduled.compareAndSet(false, true)) {
        try {
          deliveryPool.execute(this::drain);
        } catch (RejectedExecutionException e) {
          scheduled.set(false);
          log.warn("ZMQ bus {} is closed; a message on channel '{}' was not handled", peerId,
              channel);
        }
      }
    }

    private void drain() {
      for (int i = 0; i < 256; i++) {
        Delivery d = queue.poll();
        if (d == null) {
          break;
        }
        try {
          executor.execute(() -> run(d));
        } catch (RejectedExecutionException e) {
          log.error("The executor of a consumer on channel '{}' refused a message; it is "
              + "acknowledged unhandled", channel, e);
          done(d);
        }
      }
      scheduled.set(false);
      if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
        deliveryPool.execute(this::drain);
      }
    }

    private void run(Delivery d) {
      try {
        BusMessage m = decodeOrLog(d.payload, "a message on channel '" + channel + "'");
        if (m != null) {
          handler.accept(m);
        }
      } catch (RuntimeException e) {
        log.error("Consumer on channel '{}' failed", channel, e);
      } finally {
        done(d);
      }
    }

    private void done(Delivery d) {
      outgoing.add(new Ack(d.channel, d.consumer, d.origin));
      wake();
      deliveriesInProgress.decrementAndGet();
    }

    @Override
    public void close() {
      if (cancelled.compareAndSet(false, true)) {
        consumers.remove(id, this);
        enqueue(op(Protocol.CANCEL), utf8(channel), Protocol.intBytes(id));
      }
    }
  }
}
