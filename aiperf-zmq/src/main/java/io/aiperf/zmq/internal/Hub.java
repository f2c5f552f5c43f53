package io.aiperf.zmq.internal;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * The broker every bus talks to: one ROUTER socket, one thread, no decoding. This class is its
 * sockets and that thread; {@link HubRouter} decides where each message goes, {@link HubPeers}
 * keeps who is connected, {@link HubChannels} the consumers of each channel and the messages
 * sent to a channel before it had a consumer, {@link HubOutboxes} what goes to each peer, and
 * {@link ZapAuthorizer} lets in the CURVE clients.
 *
 * <p>Nothing is dropped here: sockets have no high-water mark (ZMQ's default of 1000 would make a
 * ROUTER discard silently), ROUTER_MANDATORY turns a send to a vanished peer into an error we
 * log, and the memory a channel can take is bounded by the senders' credits (each sending bus may
 * have at most {@code channelCapacity} unacknowledged messages per channel).
 */
final class Hub implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Hub.class);
  /** See the DEALER's settings in {@link HubLink}: a stalled handshake is retried. */
  static final int HANDSHAKE_MILLIS = 1_000;

  private final ZContext context;
  private final ZMQ.Socket router;
  private final @Nullable ZapAuthorizer zap;
  private final @Nullable String tcpAddress;
  private final Thread thread;
  private volatile boolean running = true;
  /** Opened up front so that the hub's own bus can wake it before the thread runs. */
  private final Selector selector;

  /**
   * The hub's own bus (the controller's) skips ZMQ: its messages come in through this queue, as
   * frames ({@code byte[][]}) or {@link Ack}s, and the hub hands what it has for that bus to the
   * bus's handler directly ({@link HubOutboxes#attachLocal}). No batch is packed or unpacked, and
   * no thread sits between the bus and the hub.
   */
  private final ConcurrentLinkedQueue<Object> localIn = new ConcurrentLinkedQueue<>();
  /** True while the hub thread is awake or a wake-up is on its way: no wake-up needed. */
  private final AtomicBoolean awake = new AtomicBoolean(true);
  // Null until the hub's own bus attaches (attachLocal).
  private volatile byte @Nullable [] localIdentity;
  /** Acknowledgements from the own bus, folded per pass like a client's I/O thread does. */
  private final Ack.Coalescer localAcks = new Ack.Coalescer();

  private final HubPeers peers = new HubPeers();
  private final HubOutboxes outboxes = new HubOutboxes(this::transmit, peers::contains);
  private final LocalPayloads payloads = new LocalPayloads();
  private final HubChannels channels = new HubChannels(outboxes, payloads, localIn::add);
  /** The channels the own bus sends on, by name; see {@link OwnChannel}. */
  private final Map<String, OwnChannel> ownChannels = new ConcurrentHashMap<>();
  private final HubRouter routing = new HubRouter(peers, outboxes, channels);

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
  Hub(ZContext context, String inproc, @Nullable String tcp, byte @Nullable [] curveSecretKey,
      Set<String> authorizedKeys) {
    this.context = context;
    Set<String> authorized = Set.copyOf(authorizedKeys);
    // The ZAP handler must be bound before a CURVE socket accepts its first connection.
    zap = curveSecretKey != null && !authorized.isEmpty()
        ? new ZapAuthorizer(context, authorized) : null;
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
        zap.close();
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
   * @param inbound takes each message the hub has for that bus, on the hub thread; must not
   *     block
   * @param codec encodes a message that bus holds here ({@link LocalPayloads}) when the hub
   *     sends it to another process
   * @param own takes the own bus's messages for its own consumers, on the hub thread
   */
  void attachLocal(byte[] identity, Consumer<List<byte[]>> inbound, Codec codec,
      HubChannels.OwnConsumers own) {
    String id = new String(identity, StandardCharsets.ISO_8859_1);
    channels.attachLocal(id, codec, own);
    outboxes.attachLocal(id, inbound);
    localIdentity = identity;
  }

  /**
   * Returns the own bus's handle on a channel, which its sends carry to the hub thread; any
   * thread may ask.
   */
  OwnChannel ownChannel(String name) {
    OwnChannel c = ownChannels.get(name);
    return c != null ? c : ownChannels.computeIfAbsent(name, OwnChannel::new);
  }

  /** The channel messages the hub's own bus holds in this JVM instead of encoding them. */
  LocalPayloads payloads() {
    return payloads;
  }

  /**
   * Tells whether a channel has a consumer outside the hub's own bus, so a message for it is
   * better encoded by its sender than held; any thread may ask (the answer may be stale, which
   * costs only an encoding on the hub thread).
   *
   * @param channel the channel
   * @return true if some consumer of the channel is on another bus
   */
  boolean hasRemoteConsumer(String channel) {
    return channels.hasRemoteConsumer(channel);
  }

  /**
   * Queues a message from the hub's own bus; never blocks.
   *
   * @param message its frames ({@code byte[][]}), an {@link Ack} or an {@link OwnChannel.Send}
   */
  void offerLocal(Object message) {
    localIn.add(message);
    if (awake.compareAndSet(false, true)) {
      selector.wakeup();
    }
  }

  /**
   * Returns the tcp address peers in other processes connect to.
   *
   * @return the address, e.g. {@code tcp://127.0.0.1:40123}, or null when the hub is inproc only
   */
  @Nullable String tcpAddress() {
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
    try {
      // Not ZMQ's Poller: see HubLink.ioLoop for why the socket descriptors are selected here
      // directly, and why a wake-up that brought nothing is not trusted twice.
      SelectionKey routerKey = router.getFD().register(selector, SelectionKey.OP_READ);
      SelectionKey zapKey = zap == null ? null : zap.register(selector);
      boolean socketWoke = false;
      while (running) {
        if (zap != null && zap.hasRequest()) {
          zap.answer();
        }
        // Drain without waiting: what a peer sent before BYE must be handled before we stop.
        // Replies collect per peer and leave as one frame each, after every 256 batches read.
        int batches = 0;
        int socketBatches = 0;
        Object fromLocal;
        while (true) {
          if (receive(frames)) {
            socketBatches++;
            handleBatch(frames, message);
          } else if ((fromLocal = localIn.poll()) != null) {
            handleLocal(fromLocal, message);
          } else {
            break;
          }
          if (++batches % 256 == 0) {
            localAcks.drain(f -> routeLocal(f, message));
            outboxes.flush();
          }
        }
        localAcks.drain(f -> routeLocal(f, message));
        outboxes.flush();
        if ((router.getEvents() & ZMQ.Poller.POLLIN) != 0
            || zap != null && zap.hasRequest()) {
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
      Object last;
      while ((last = localIn.poll()) != null) {
        handleLocal(last, message);
      }
      localAcks.drain(f -> routeLocal(f, message));
      outboxes.flush();
      channels.reportLeftovers();
      peers.reportLeftovers();
      payloads.clear();
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
        zap.close();
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
        routing.handle(message);
      } catch (RuntimeException e) {
        log.error("The ZMQ hub failed on a message from {}", peerName(frames), e);
      }
    }
  }

  /** A message from the hub's own bus: acknowledgements fold until another message comes. */
  private void handleLocal(Object item, List<byte[]> message) {
    if (item instanceof Ack a) {
      localAcks.add(a);
      return;
    }
    localAcks.drain(f -> routeLocal(f, message));
    if (item instanceof OwnChannel.Send s) {
      try {
        channels.dispatchOwn(s);
      } catch (RuntimeException e) {
        log.error("The ZMQ hub failed on a message from its own bus", e);
      }
      return;
    }
    routeLocal((byte[][]) item, message);
  }

  private void routeLocal(byte[][] frames, List<byte[]> message) {
    message.clear();
    message.add(localIdentity);
    message.addAll(Arrays.asList(frames));
    try {
      routing.handle(message);
    } catch (RuntimeException e) {
      log.error("The ZMQ hub failed on a message from its own bus", e);
    }
  }

  static String peerName(List<byte[]> frames) {
    return frames.isEmpty() ? "?" : new String(frames.get(0), StandardCharsets.ISO_8859_1);
  }

  private void transmit(byte[] identity, byte[] batch) {
    try {
      boolean sent = router.sendMore(identity) && router.send(batch);
      if (!sent) {
        log.warn("The ZMQ hub could not send to {} (errno {})",
            new String(identity, StandardCharsets.ISO_8859_1), router.errno());
      }
    } catch (ZMQException e) {
      String id = new String(identity, StandardCharsets.ISO_8859_1);
      log.warn("The ZMQ hub could not send to {}: {}", id, e.getMessage());
      outboxes.drop(id);
      routing.unreachable(id);
    }
  }
}
