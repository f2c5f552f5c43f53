package io.aiperf.zmq.internal;

import static io.aiperf.zmq.internal.Protocol.string;
import static io.aiperf.zmq.internal.Protocol.utf8;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The broker every bus talks to: one ROUTER socket, one thread, no decoding. It keeps who
 * subscribes to which message types, the consumers of each channel, the responder of each
 * request channel, and the messages sent to a channel before it had a consumer.
 *
 * <p>Nothing is dropped here: sockets have no high-water mark (ZMQ's default of 1000 would make a
 * ROUTER discard silently), ROUTER_MANDATORY turns a send to a vanished peer into an error we
 * log, and the memory a channel can take is bounded by the senders' credits (each sending bus may
 * have at most {@code channelCapacity} unacknowledged messages per channel).
 */
final class Hub implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);
  static final String ZAP_ENDPOINT = "inproc://zeromq.zap.01";
  /** See the DEALER's settings in {@link ZmqMessageBusImpl}: a stalled handshake is retried. */
  static final int HANDSHAKE_MILLIS = 1_000;

  private final ZContext context;
  private final ZMQ.Socket router;
  private final ZMQ.Socket zap;
  private final Set<String> authorizedKeys;
  private final String tcpAddress;
  private final Thread thread;
  private volatile boolean running = true;
  /** Opened up front so that the hub's own bus can wake it before the thread runs. */
  private final Selector selector;

  /**
   * The hub's own bus (the controller's) skips ZMQ: its batches come in through this queue and
   * go out through {@link #localSink}, same protocol, same order. That saves the inproc hop's
   * pipes and mailbox signals, whose spurious wake-ups cost most in a one-JVM run.
   */
  private final ConcurrentLinkedQueue<byte[]> localIn = new ConcurrentLinkedQueue<>();
  /** True while the hub thread is awake or a wake-up is on its way: no wake-up needed. */
  private final AtomicBoolean awake = new AtomicBoolean(true);
  private volatile String localId;
  private volatile byte[] localIdentity;
  private volatile java.util.function.Consumer<byte[]> localSink;

  private final Map<String, Peer> peers = new HashMap<>();
  private final Map<String, Set<Peer>> subscribers = new HashMap<>();
  private final Map<String, Channel> channels = new HashMap<>();
  private final Map<String, Peer> responders = new HashMap<>();
  /** What each peer is sent during one pass, as one batch frame; see {@link Protocol}. */
  private final Map<String, Outbox> outboxes = new HashMap<>();
  private final ArrayDeque<Outbox> pending = new ArrayDeque<>();
  private long dispatchEpoch;

  /**
   * Binds the hub's sockets; {@link #start()} then serves them.
   *
   * @param context the context (shared with the hub's own bus, for inproc)
   * @param inproc the inproc endpoint for buses in this JVM
   * @param tcp the tcp endpoint to bind, e.g. {@code tcp://127.0.0.1:0}, or null for none
   * @param curveSecretKey the server's CURVE secret key, or null for no encryption
   * @param authorizedKeys z85 public keys of the clients let in; empty lets in any client that
   *     knows the server key
   */
  Hub(ZContext context, String inproc, String tcp, byte[] curveSecretKey,
      Set<String> authorizedKeys) {
    this.context = context;
    this.authorizedKeys = Set.copyOf(authorizedKeys);
    if (curveSecretKey != null && !authorizedKeys.isEmpty()) {
      // The ZAP handler must be bound before a CURVE socket accepts its first connection.
      zap = context.createSocket(SocketType.REP);
      zap.setLinger(0);
      zap.bind(ZAP_ENDPOINT);
    } else {
      zap = null;
    }
    router = context.createSocket(SocketType.ROUTER);
    router.setSndHWM(0);
    router.setRcvHWM(0);
    router.setRouterMandatory(true);
    router.setHandshakeIvl(HANDSHAKE_MILLIS);
    // Pings every peer; one that stops answering is disconnected, so sends to it fail loudly.
    router.setHeartbeatIvl(1_000);
    router.setHeartbeatTimeout(5_000);
    if (curveSecretKey != null) {
      router.setCurveServer(true);
      router.setCurveSecretKey(curveSecretKey);
    }
    router.bind(inproc);
    if (tcp != null) {
      router.bind(tcp.replaceFirst(":0$", ":*"));
      tcpAddress = router.getLastEndpoint();
    } else {
      tcpAddress = null;
    }
    try {
      selector = Selector.open();
    } catch (IOException e) {
      context.destroySocket(router);
      if (zap != null) {
        context.destroySocket(zap);
      }
      throw new IllegalStateException("Cannot open a selector for the ZMQ hub", e);
    }
    thread = new Thread(this, "aiperf-zmq-hub");
    thread.setDaemon(true);
  }

  /**
   * Attaches the hub's own bus, which then talks to the hub through memory instead of a socket.
   *
   * @param identity the bus's peer identity
   * @param sink takes each batch the hub sends to that bus, on the hub thread; must not block
   */
  void attachLocal(byte[] identity, java.util.function.Consumer<byte[]> sink) {
    localSink = sink;
    localIdentity = identity;
    localId = new String(identity, StandardCharsets.ISO_8859_1);
  }

  /** Queues a batch from the hub's own bus; never blocks. */
  void offerLocal(byte[] batch) {
    localIn.add(batch);
    if (awake.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /**
   * Returns the tcp address peers in other processes connect to.
   *
   * @return the address, e.g. {@code tcp://127.0.0.1:40123}, or null when the hub is inproc only
   */
  String tcpAddress() {
    return tcpAddress;
  }

  void start() {
    thread.start();
  }

  /** Stops serving after the messages already received are handled, then closes the sockets. */
  void stop(long timeoutMillis) {
    running = false;
    selector.wakeup();
    try {
      thread.join(timeoutMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      log.warn("The ZMQ hub thread did not stop within {} ms", timeoutMillis);
    }
  }

  @Override
  public void run() {
    List<byte[]> frames = new ArrayList<>(8);
    List<byte[]> message = new ArrayList<>(8);
    List<byte[]> local = new ArrayList<>(2);
    try {
      // Not ZMQ's Poller: see ZmqMessageBusImpl.ioLoop for why the socket descriptors are
      // selected here directly, and why a wake-up that brought nothing is not trusted twice.
      SelectionKey routerKey = router.getFD().register(selector, SelectionKey.OP_READ);
      SelectionKey zapKey = zap == null ? null
          : zap.getFD().register(selector, SelectionKey.OP_READ);
      boolean socketWoke = false;
      while (running) {
        if (zap != null && (zap.getEvents() & ZMQ.Poller.POLLIN) != 0) {
          answerZap();
        }
        // Drain without waiting: what a peer sent before BYE must be handled before we stop.
        // Replies collect per peer and leave as one frame each, after every 256 batches read.
        int batches = 0;
        int socketBatches = 0;
        byte[] fromLocal;
        while (true) {
          if (receive(frames)) {
            socketBatches++;
            handleBatch(frames, message);
          } else if ((fromLocal = localIn.poll()) != null) {
            local.clear();
            local.add(localIdentity);
            local.add(fromLocal);
            handleBatch(local, message);
          } else {
            break;
          }
          if (++batches % 256 == 0) {
            flushOutboxes();
          }
        }
        flushOutboxes();
        if ((router.getEvents() & ZMQ.Poller.POLLIN) != 0
            || zap != null && (zap.getEvents() & ZMQ.Poller.POLLIN) != 0) {
          continue; // arrived meanwhile; its signal may have been consumed by our sends
        }
        // About to sleep: from here on the own bus must wake us; re-check what it queued.
        awake.set(false);
        if (!localIn.isEmpty() || !running) {
          awake.set(true);
          continue;
        }
        boolean stale = socketWoke && socketBatches == 0;
        routerKey.interestOps(stale ? 0 : SelectionKey.OP_READ);
        if (zapKey != null) {
          zapKey.interestOps(stale ? 0 : SelectionKey.OP_READ);
        }
        selector.select(stale ? 1 : 50);
        socketWoke = !selector.selectedKeys().isEmpty();
        selector.selectedKeys().clear();
        awake.set(true);
      }
      // What the own bus queued before the hub was told to stop (its BYE) is still handled.
      byte[] last;
      while ((last = localIn.poll()) != null) {
        local.clear();
        local.add(localIdentity);
        local.add(last);
        handleBatch(local, message);
      }
      flushOutboxes();
      reportLeftovers();
    } catch (IOException e) {
      log.error("The ZMQ hub stopped: {}", e.toString(), e);
    } finally {
      try {
        selector.close();
      } catch (IOException e) {
        log.debug("Closing the hub's selector failed", e);
      }
      context.destroySocket(router);
      if (zap != null) {
        context.destroySocket(zap);
      }
    }
  }

  private boolean receive(List<byte[]> frames) {
    frames.clear();
    byte[] first = router.recv(ZMQ.DONTWAIT);
    if (first == null) {
      return false;
    }
    frames.add(first);
    while (router.hasReceiveMore()) {
      frames.add(router.recv());
    }
    return true;
  }

  private void handleBatch(List<byte[]> frames, List<byte[]> message) {
    if (frames.size() != 2) {
      log.warn("Ignoring a malformed message of {} frames from {}", frames.size(),
          peerName(frames));
      return;
    }
    byte[] identity = frames.get(0);
    byte[] batch = frames.get(1);
    int offset = 0;
    while (offset < batch.length) {
      message.clear();
      message.add(identity);
      try {
        offset = Protocol.unpack(batch, offset, message);
      } catch (IllegalArgumentException e) {
        log.warn("Ignoring the rest of a malformed batch from {}: {}", peerName(frames),
            e.getMessage());
        return;
      }
      try {
        handle(message);
      } catch (RuntimeException e) {
        log.error("The ZMQ hub failed on a message from {}", peerName(frames), e);
      }
    }
  }

  private static String peerName(List<byte[]> frames) {
    return frames.isEmpty() ? "?" : new String(frames.get(0), StandardCharsets.ISO_8859_1);
  }

  private void handle(List<byte[]> f) {
    if (f.size() < 2 || f.get(1).length != 1) {
      log.warn("Ignoring a malformed message of {} frames from {}", f.size(), peerName(f));
      return;
    }
    byte[] identity = f.get(0);
    String id = new String(identity, StandardCharsets.ISO_8859_1);
    byte op = f.get(1)[0];
    Peer peer = peers.get(id);
    if (peer == null) {
      if (op == Protocol.BYE) {
        return;
      }
      peer = new Peer(identity, id);
      peers.put(id, peer);
      log.debug("Peer {} joined the ZMQ hub", id);
    }
    switch (op) {
      case Protocol.HELLO, Protocol.FLUSH -> ok(peer, f.get(2));
      case Protocol.SUB -> {
        String type = string(f.get(2));
        peer.types.add(type);
        subscribers.computeIfAbsent(type, t -> new LinkedHashSet<>()).add(peer);
        ok(peer, f.get(3));
      }
      case Protocol.UNSUB -> unsubscribe(peer, string(f.get(2)));
      case Protocol.PUB -> publish(f.get(2), f.get(3));
      case Protocol.CONSUME -> {
        Channel c = channel(string(f.get(2)));
        Consumer consumer = new Consumer(peer, Protocol.asInt(f.get(3)), c);
        c.consumers.add(consumer);
        c.byKey.put(consumer.key(), consumer);
        peer.consumers.add(consumer);
        ok(peer, f.get(4));
        while (!c.parked.isEmpty() && !c.consumers.isEmpty()) {
          Parked p = c.parked.poll();
          dispatch(c, p.origin, p.key, p.payload);
        }
      }
      case Protocol.CANCEL -> {
        Channel c = channel(string(f.get(2)));
        Consumer consumer = c.byKey.get(id + "/" + Protocol.asInt(f.get(3)));
        if (consumer != null) {
          cancel(consumer);
        }
      }
      case Protocol.SEND -> dispatch(channel(string(f.get(2))), identity, f.get(3), f.get(4));
      case Protocol.ACK -> {
        Channel c = channel(string(f.get(2)));
        int count = Protocol.asInt(f.get(5));
        acknowledged(c, id + "/" + Protocol.asInt(f.get(3)), f.get(4), count);
        send(f.get(4), Protocol.op(Protocol.CREDIT), f.get(2), f.get(5));
      }
      case Protocol.NACK -> {
        Channel c = channel(string(f.get(2)));
        acknowledged(c, id + "/" + Protocol.asInt(f.get(3)), f.get(4), 1);
        dispatch(c, f.get(4), f.get(5), f.get(6));
      }
      case Protocol.REQUEST -> {
        String channel = string(f.get(2));
        Peer responder = responders.get(channel);
        if (responder == null) {
          send(identity, Protocol.op(Protocol.REPLY_ERROR), f.get(3), utf8("No responder on "
              + "channel '" + channel + "'; registered: " + responders.keySet()));
        } else {
          send(responder.identity, Protocol.op(Protocol.REQUEST), f.get(2), identity, f.get(3),
              f.get(4));
        }
      }
      case Protocol.REPLY -> send(f.get(2), Protocol.op(Protocol.REPLY), f.get(3), f.get(4));
      case Protocol.REPLY_ERROR ->
          send(f.get(2), Protocol.op(Protocol.REPLY_ERROR), f.get(3), f.get(4));
      case Protocol.RESPOND -> {
        String channel = string(f.get(2));
        Peer existing = responders.putIfAbsent(channel, peer);
        if (existing != null) {
          send(identity, Protocol.op(Protocol.ERR), f.get(3),
              utf8("Channel '" + channel + "' already has a responder"));
        } else {
          peer.responds.add(channel);
          ok(peer, f.get(3));
        }
      }
      case Protocol.UNRESPOND -> {
        String channel = string(f.get(2));
        responders.remove(channel, peer);
        peer.responds.remove(channel);
      }
      case Protocol.BYE -> removePeer(peer, "it said goodbye");
      default -> log.warn("Ignoring unknown opcode {} from {}", op, id);
    }
  }

  private void ok(Peer peer, byte[] token) {
    send(peer.identity, Protocol.op(Protocol.OK), token);
  }

  private void publish(byte[] types, byte[] payload) {
    long epoch = ++dispatchEpoch;
    for (String type : string(types).split("\n")) {
      Set<Peer> subs = subscribers.get(type);
      if (subs == null) {
        continue;
      }
      for (Peer p : subs) {
        if (p.seenEpoch != epoch) { // once per peer, however many of its types match
          p.seenEpoch = epoch;
          send(p.identity, Protocol.op(Protocol.EVENT), types, payload);
        }
      }
    }
  }

  private void unsubscribe(Peer peer, String type) {
    peer.types.remove(type);
    Set<Peer> subs = subscribers.get(type);
    if (subs != null) {
      subs.remove(peer);
      if (subs.isEmpty()) {
        subscribers.remove(type);
      }
    }
  }

  private Channel channel(String name) {
    return channels.computeIfAbsent(name, Channel::new);
  }

  private void dispatch(Channel c, byte[] origin, byte[] key, byte[] payload) {
    int n = c.consumers.size();
    if (n == 0) {
      c.parked.add(new Parked(origin, key, payload));
      return;
    }
    Consumer target;
    if (key.length == 8) {
      target = c.consumers.get((int) Long.remainderUnsigned(mix(Protocol.asLong(key)), n));
    } else {
      // Least loaded, ties broken round-robin: a slow process gets fewer messages.
      int start = c.next++ % n;
      target = c.consumers.get(start);
      for (int i = 1; i < n && target.inFlight > 0; i++) {
        Consumer candidate = c.consumers.get((start + i) % n);
        if (candidate.inFlight < target.inFlight) {
          target = candidate;
        }
      }
      if (c.next >= n) {
        c.next = 0;
      }
    }
    target.inFlight++;
    target.byOrigin.merge(new String(origin, StandardCharsets.ISO_8859_1), 1, Integer::sum);
    send(target.peer.identity, Protocol.op(Protocol.DELIVER), c.nameBytes,
        Protocol.intBytes(target.id), origin, key, payload);
  }

  private void acknowledged(Channel c, String consumerKey, byte[] origin, int count) {
    Consumer consumer = c.byKey.get(consumerKey);
    if (consumer == null) {
      return;
    }
    consumer.inFlight -= count;
    consumer.byOrigin.computeIfPresent(new String(origin, StandardCharsets.ISO_8859_1),
        (k, v) -> v - count <= 0 ? null : v - count);
    if (consumer.cancelled && consumer.inFlight <= 0) {
      c.byKey.remove(consumerKey);
    }
  }

  private void cancel(Consumer consumer) {
    consumer.cancelled = true;
    consumer.channel.consumers.remove(consumer);
    consumer.peer.consumers.remove(consumer);
    if (consumer.inFlight <= 0) {
      consumer.channel.byKey.remove(consumer.key());
    }
  }

  private void removePeer(Peer peer, String why) {
    peers.remove(peer.id);
    Outbox box = outboxes.get(peer.id);
    if (box != null && box.batch.isEmpty()) {
      outboxes.remove(peer.id); // else it still has to go out (e.g. the OK of its FLUSH)
    }
    for (String type : List.copyOf(peer.types)) {
      unsubscribe(peer, type);
    }
    for (String channel : peer.responds) {
      responders.remove(channel, peer);
    }
    for (Consumer consumer : List.copyOf(peer.consumers)) {
      cancel(consumer);
      consumer.channel.byKey.remove(consumer.key());
      if (consumer.inFlight > 0) {
        // Those messages are gone with the peer; give their senders their credits back so they
        // do not stall, and say how many.
        log.warn("Peer {} left ({}) with {} unacknowledged messages on channel '{}'", peer.id, why,
            consumer.inFlight, consumer.channel.name);
        consumer.byOrigin.forEach((origin, n) -> send(origin.getBytes(StandardCharsets.ISO_8859_1),
            Protocol.op(Protocol.CREDIT), consumer.channel.nameBytes, Protocol.intBytes(n)));
      }
    }
    log.debug("Peer {} left the ZMQ hub: {}", peer.id, why);
  }

  /** Queues a message for a peer; {@link #flushOutboxes()} sends it, in order. */
  private void send(byte[] identity, byte[]... frames) {
    String id = new String(identity, StandardCharsets.ISO_8859_1);
    Outbox box = outboxes.get(id);
    if (box == null) {
      box = new Outbox(identity, id);
      outboxes.put(id, box);
    }
    if (box.batch.isEmpty()) {
      pending.add(box);
    }
    box.batch.add(frames);
  }

  private void flushOutboxes() {
    Outbox box;
    // A failed send removes that peer, which may queue credits for others: loop until empty.
    while ((box = pending.poll()) != null) {
      if (!box.batch.isEmpty()) {
        transmit(box.identity, box.batch.take());
      }
      if (!peers.containsKey(box.id)) {
        outboxes.remove(box.id, box); // the last words to a peer that left
      }
    }
  }

  private void transmit(byte[] identity, byte[] batch) {
    java.util.function.Consumer<byte[]> sink = localSink;
    if (sink != null && java.util.Arrays.equals(identity, localIdentity)) {
      sink.accept(batch);
      return;
    }
    try {
      boolean sent = router.sendMore(identity) && router.send(batch);
      if (!sent) {
        log.warn("The ZMQ hub could not send to {} (errno {})",
            new String(identity, StandardCharsets.ISO_8859_1), router.errno());
      }
    } catch (ZMQException e) {
      String id = new String(identity, StandardCharsets.ISO_8859_1);
      log.warn("The ZMQ hub could not send to {}: {}", id, e.getMessage());
      outboxes.remove(id);
      Peer gone = peers.get(id);
      if (gone != null) {
        removePeer(gone, "unreachable");
      }
    }
  }

  private void answerZap() {
    // ZAP (RFC 27): version, request id, domain, address, identity, mechanism, credentials.
    List<byte[]> req = new ArrayList<>();
    req.add(zap.recv());
    while (zap.hasReceiveMore()) {
      req.add(zap.recv());
    }
    String clientKey = req.size() > 6 && req.get(6).length == 32
        ? ZMQ.Curve.z85Encode(req.get(6)) : "";
    boolean allowed = authorizedKeys.contains(clientKey);
    if (!allowed) {
      log.warn("Refused a CURVE client with public key {} from {}: not authorized", clientKey,
          req.size() > 3 ? string(req.get(3)) : "?");
    }
    zap.sendMore("1.0");
    zap.sendMore(req.size() > 1 ? req.get(1) : Protocol.EMPTY);
    zap.sendMore(allowed ? "200" : "400");
    zap.sendMore(allowed ? "OK" : "Not authorized");
    zap.sendMore(allowed ? clientKey : "");
    zap.send(Protocol.EMPTY);
  }

  private void reportLeftovers() {
    for (Channel c : channels.values()) {
      if (!c.parked.isEmpty()) {
        log.warn("The ZMQ hub stopped with {} messages on channel '{}' that no consumer took",
            c.parked.size(), c.name);
      }
    }
    for (Peer p : peers.values()) {
      log.debug("Peer {} was still connected when the ZMQ hub stopped", p.id);
    }
  }

  private static long mix(long key) {
    long z = key * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    return z ^ (z >>> 31);
  }

  private static final class Peer {
    final byte[] identity;
    final String id;
    final Set<String> types = new LinkedHashSet<>();
    final Set<String> responds = new LinkedHashSet<>();
    final List<Consumer> consumers = new ArrayList<>();
    long seenEpoch;

    Peer(byte[] identity, String id) {
      this.identity = identity;
      this.id = id;
    }
  }

  private static final class Channel {
    final String name;
    final byte[] nameBytes;
    final List<Consumer> consumers = new ArrayList<>();
    final Map<String, Consumer> byKey = new HashMap<>();
    final ArrayDeque<Parked> parked = new ArrayDeque<>();
    int next;

    Channel(String name) {
      this.name = name;
      this.nameBytes = utf8(name);
    }
  }

  private static final class Consumer {
    final Peer peer;
    final int id;
    final Channel channel;
    final Map<String, Integer> byOrigin = new LinkedHashMap<>();
    int inFlight;
    boolean cancelled;

    Consumer(Peer peer, int id, Channel channel) {
      this.peer = peer;
      this.id = id;
      this.channel = channel;
    }

    String key() {
      return peer.id + "/" + id;
    }
  }

  private static final class Outbox {
    final byte[] identity;
    final String id;
    final Protocol.Batch batch = new Protocol.Batch();

    Outbox(byte[] identity, String id) {
      this.identity = identity;
      this.id = id;
    }
  }

  private record Parked(byte[] origin, byte[] key, byte[] payload) {}
}
