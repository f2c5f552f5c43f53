package io.aiperf.zmq.internal;

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
import java.util.List;
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
 * A client bus's link to its {@link Hub}: one DEALER socket and the one I/O thread that touches
 * it. Callers encode on their own thread and queue frames here, then wake the I/O thread through
 * a pipe it selects together with the socket; they write to the pipe only while that thread
 * sleeps. Whatever is pending leaves as one batch frame ({@link Protocol}), acknowledgements for
 * the same channel, consumer and sender folded into one with a count.
 *
 * <p>Every message that arrives is unpacked and passed to the bus's handler on this thread; the
 * handler hands work to other threads and must not block.
 */
final class DealerLink implements HubLink {
  // Logged under the bus's name, as before the bus was split into parts.
  private static final Logger log = LoggerFactory.getLogger(ZmqMessageBusImpl.class);

  /** A batch is sent once it reaches this size, so a burst of large messages is not one frame. */
  static final int MAX_BATCH_BYTES = 256 * 1024;

  private final ZContext context;
  private final String peerId;
  private final Consumer<List<byte[]>> inbound;
  /** The socket to the hub. */
  private final ZMQ.Socket dealer;
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
  /** Acknowledgements read from {@link #outgoing} and not yet batched; I/O thread only. */
  private final Ack.Coalescer acks = new Ack.Coalescer();

  /**
   * Opens the link; {@link #start} then runs its I/O thread.
   *
   * @param context the bus's context
   * @param connectTo the hub's endpoint
   * @param peerId the bus's identity on the hub
   * @param options CURVE keys and the close timeout (the socket's linger)
   * @param inbound takes each message from the hub, on the I/O thread; its list is reused
   * @param ioThreads makes the I/O thread
   * @throws IOException if the wake-up pipe cannot be opened
   */
  DealerLink(ZContext context, String connectTo, String peerId, ZmqBusOptions options,
      Consumer<List<byte[]>> inbound, ThreadFactory ioThreads) throws IOException {
    this.context = context;
    this.peerId = peerId;
    this.inbound = inbound;
    dealer = openDealer(context, connectTo, peerId, options);
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

  @Override
  public void start() {
    ioThread.start();
  }

  @Override
  public void enqueue(byte[]... frames) {
    outgoing.add(frames);
    wake();
  }

  /** The I/O thread flushes what it queued in the inbound handler before it sleeps. */
  @Override
  public void enqueueFromIoThread(byte[]... frames) {
    outgoing.add(frames);
  }

  @Override
  public void acknowledge(byte[] channel, byte[] consumer, byte[] origin) {
    outgoing.add(new Ack(channel, consumer, origin, 1));
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

  @Override
  public void abandon() {
    dealerLinger = 0;
    stopDeadline = Ticks.nanos();
  }

  /**
   * Stops the I/O thread once it has sent what is queued, or at the stop deadline (the close
   * timeout from now, unless {@link #abandon()} set it), and waits for it.
   */
  @Override
  public void stop(long closeTimeoutNanos, long joinMillis) {
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

  @Override
  public void closePipe() {
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
      SelectionKey socketKey = dealer.getFD().register(selector, SelectionKey.OP_READ);
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
        if ((dealer.getEvents() & ZMQ.Poller.POLLIN) == 0) {
          // JeroMQ 0.6.0's signal descriptor can stay readable with nothing to read; selecting
          // on it then spins and starves the other threads of a small machine. After a wake-up
          // by the socket that brought nothing, wait on the wake-up pipe with a short timeout.
          boolean stale = socketWoke && received == 0;
          socketKey.interestOps(stale ? 0 : SelectionKey.OP_READ);
          // A stalled socket cannot be polled for "writable" without spinning: retry soon.
          selector.select(stale ? 1 : !backlog.isEmpty() ? 10 : 100);
          socketWoke = selector.selectedKeys().contains(socketKey);
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
      context.setLinger((int) Math.min(Integer.MAX_VALUE, dealerLinger));
      context.destroySocket(dealer);
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
    Object item;
    while ((item = outgoing.poll()) != null) {
      if (item instanceof Ack a) {
        acks.add(a);
        continue;
      }
      acks.drain(this::send);
      send((byte[][]) item);
    }
    acks.drain(this::send);
    if (!batch.isEmpty()) {
      ship(batch.take());
    }
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
    return dealer.send(frame, ZMQ.DONTWAIT);
  }
}
