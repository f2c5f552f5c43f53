package io.aiperf.zmq.internal;

import static io.aiperf.zmq.internal.Protocol.op;

import io.aiperf.zmq.CurveKeys;
import io.aiperf.zmq.ZmqBusOptions;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A bus's link to its {@link Hub}: one DEALER socket and the one I/O thread that touches it.
 * Callers encode on their own thread and queue frames here, then wake the I/O thread through a
 * pipe it selects together with the socket; they write to the pipe only while that thread sleeps.
 * Whatever is pending leaves as one batch frame ({@link Protocol}), acknowledgements for the
 * same channel, consumer and sender folded into one with a count. The hub's own bus has no
 * socket: it talks to the hub through two in-memory queues, same protocol, same order.
 *
 * <p>Every message that arrives is unpacked and passed to the bus's handler on this thread; the
 * handler hands work to other threads and must not block.
 */
final class HubLink {
  // Logged under the bus's name, as before the bus was split into parts.
  private static final Logger log = LoggerFactory.getLogger(ZmqMessageBusImpl.class);

  /** A batch is sent once it reaches this size, so a burst of large messages is not one frame. */
  static final int MAX_BATCH_BYTES = 256 * 1024;

  private final ZContext context;
  private final String peerId;
  private final Consumer<List<byte[]>> inbound;
  /** The socket to the hub; null on the hub's own bus, which talks to it through memory. */
  private final ZMQ.@Nullable Socket dealer;
  /** The hub in this JVM on the hub's own bus, else null: set exactly when dealer is null. */
  private final @Nullable Hub hub;
  /** Batches the hub sent to its own bus (null on a client); see {@link Hub#attachLocal}. */
  private final @Nullable ConcurrentLinkedQueue<byte[]> fromHub;
  private final Pipe wakePipe;
  /** True while the I/O thread is awake or a wake-up byte is on its way: no write needed. */
  private final AtomicBoolean wakePending = new AtomicBoolean(true);
  private final ConcurrentLinkedQueue<Object> outgoing = new ConcurrentLinkedQueue<>();
  private final Thread ioThread;
  private volatile boolean ioStop;
  private volatile long dealerLinger;
  private volatile long stopDeadline;
  /** Batches the socket would not take yet, in order; only the I/O thread touches it. */
  private final ArrayDeque<byte[]> backlog = new ArrayDeque<>();
  private final Protocol.Batch batch = new Protocol.Batch();

  /**
   * Opens the link; {@link #start} then runs its I/O thread.
   *
   * @param context the bus's context
   * @param connectTo the hub's endpoint (ignored when {@code hub} is given)
   * @param hub the hub in this JVM when this is the hub's own bus, else null
   * @param peerId the bus's identity on the hub
   * @param options CURVE keys and the close timeout (the socket's linger)
   * @param inbound takes each message from the hub, on the I/O thread; its list is reused
   * @param ioThreads makes the I/O thread
   * @throws IOException if the wake-up pipe cannot be opened
   */
  HubLink(ZContext context, String connectTo, @Nullable Hub hub, String peerId,
      ZmqBusOptions options, Consumer<List<byte[]>> inbound, ThreadFactory ioThreads)
      throws IOException {
    this.context = context;
    this.hub = hub;
    this.peerId = peerId;
    this.inbound = inbound;
    if (hub != null) {
      // In the hub's JVM: no socket, no inproc hop; the same protocol through two queues.
      dealer = null;
      ConcurrentLinkedQueue<byte[]> queue = new ConcurrentLinkedQueue<>();
      fromHub = queue;
      hub.attachLocal(peerId.getBytes(StandardCharsets.ISO_8859_1), batch -> {
        queue.add(batch);
        wake();
      });
    } else {
      fromHub = null;
      dealer = openDealer(context, connectTo, peerId, options);
    }
    dealerLinger = options.closeTimeout().toMillis();
    wakePipe = Pipe.open();
    wakePipe.source().configureBlocking(false);
    ioThread = ioThreads.newThread(this::ioLoop);
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

  void start() {
    ioThread.start();
  }

  /** Queues a message for the hub and wakes the I/O thread if it sleeps; never blocks. */
  void enqueue(byte[]... frames) {
    outgoing.add(frames);
    wake();
  }

  /**
   * Queues a message from the I/O thread itself (in the inbound handler), which flushes it
   * before it sleeps, so no wake-up is needed.
   */
  void enqueueFromIoThread(byte[]... frames) {
    outgoing.add(frames);
  }

  /** Queues the acknowledgement of one channel message a consumer has finished with. */
  void acknowledge(byte[] channel, byte[] consumer, byte[] origin) {
    outgoing.add(new Ack(channel, consumer, origin));
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

  /** Nothing reached the hub, so nothing would ever drain: stop without lingering. */
  void abandon() {
    dealerLinger = 0;
    stopDeadline = Ticks.nanos();
  }

  /**
   * Stops the I/O thread once it has sent what is queued, or at the stop deadline (the close
   * timeout from now, unless {@link #abandon()} set it), and waits for it.
   */
  void stop(long closeTimeoutNanos, long joinMillis) {
    if (stopDeadline == 0) {
      stopDeadline = Ticks.nanos() + closeTimeoutNanos;
    }
    ioStop = true;
    wake();
    try {
      ioThread.join(joinMillis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  void closePipe() {
    try {
      wakePipe.sink().close();
      wakePipe.source().close();
    } catch (IOException e) {
      log.debug("Closing the wake-up pipe failed", e);
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
            && (backlog.isEmpty() || Ticks.nanos() - stopDeadline > 0)) {
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
        if (dealer == null ? localQueue().isEmpty()
            : (dealer.getEvents() & ZMQ.Poller.POLLIN) == 0) {
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

  private void closeQuietly(@Nullable Selector selector) {
    if (selector != null) {
      try {
        selector.close();
      } catch (IOException e) {
        log.debug("Closing the ZMQ bus {} selector failed", peerId, e);
      }
    }
  }

  private byte @Nullable [] receive() {
    if (dealer == null) {
      return localQueue().poll();
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
        inbound.accept(frames);
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
      Objects.requireNonNull(hub, "hub: set whenever dealer is null")
          .offerLocal(frame);
      return true;
    }
    return dealer.send(frame, ZMQ.DONTWAIT);
  }

  /** The hub's own bus reads from memory: the constructor sets this queue when dealer is null. */
  private ConcurrentLinkedQueue<byte[]> localQueue() {
    return Objects.requireNonNull(fromHub, "fromHub: set whenever dealer is null");
  }

  private record Ack(byte[] channel, byte[] consumer, byte[] origin) {
    // Records compare arrays by reference; acks group by content.
    @Override
    public boolean equals(Object o) {
      return o instanceof Ack a && Arrays.equals(a.channel, channel)
          && Arrays.equals(a.consumer, consumer)
          && Arrays.equals(a.origin, origin);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(channel) * 31 + Arrays.hashCode(origin)
          + Arrays.hashCode(consumer);
    }
  }
}
