package io.aiperf.zmq.internal;

import static io.aiperf.zmq.internal.Protocol.op;
import static io.aiperf.zmq.internal.Protocol.utf8;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.Subscription;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bus's channel consumers. A consumer whose executor runs tasks on the calling thread (such as
 * {@code Runnable::run}) gets a serial queue from the I/O thread, drained by a pool thread, so
 * that a handler which blocks (e.g. in {@code send}) can stop neither the I/O thread nor the
 * credits that would unblock it. A consumer whose executor queues tasks for threads of its own
 * (a single-thread executor, a pool) is handed each message by the I/O thread directly, as the
 * in-memory bus hands it from the sender's thread: one thread hand-off instead of two. Which
 * kind an executor is, a probe task tells when the consumer registers ({@link #runsInline}).
 * Every message is acknowledged once its handler has finished (or failed, or was refused), which
 * gives its sender the credit back.
 *
 * <p>On the hub's own bus, a message it sent itself comes as the object ({@link #deliverOwn}),
 * and its acknowledgement returns the credit to this bus directly, not through the hub. When
 * such a message's channel has this consumer as its only one, the sender hands it over itself
 * ({@link #runOnSender}), as the in-memory bus does: to the executor, or, for a consumer that runs
 * on the caller's thread, on the sending thread if nothing of the consumer is queued or running.
 */
final class ChannelConsumers {
  // Logged under the bus's name, as before the bus was split into parts.
  private static final Logger log = LoggerFactory.getLogger(ZmqMessageBusImpl.class);

  private final String peerId;
  private final Codec codec;
  private final HubLink link;
  private final HubCalls calls;
  private final FlowControl flow;
  private final ExecutorService deliveryPool;
  private final Map<Integer, LocalConsumer> consumers = new ConcurrentHashMap<>();
  private final AtomicInteger nextConsumer = new AtomicInteger();

  ChannelConsumers(String peerId, Codec codec, HubLink link, HubCalls calls, FlowControl flow,
      ExecutorService deliveryPool) {
    this.peerId = peerId;
    this.codec = codec;
    this.link = link;
    this.calls = calls;
    this.flow = flow;
    this.deliveryPool = deliveryPool;
  }

  Subscription consume(String channel, Executor executor, Consumer<BusMessage> handler) {
    int id = nextConsumer.incrementAndGet();
    LocalConsumer c = new LocalConsumer(id, channel, executor, handler, runsInline(executor));
    consumers.put(id, c);
    try {
      calls.call(op(Protocol.CONSUME), utf8(channel), Protocol.intBytes(id));
    } catch (IllegalStateException e) {
      consumers.remove(id);
      throw e;
    }
    return c;
  }

  /** A DELIVER from the hub ({@code channel consumer origin key payload}), on the I/O thread. */
  void onDeliver(List<byte[]> f) {
    LocalConsumer c = consumers.get(Protocol.asInt(f.get(2)));
    if (c == null) {
      // Withdrawn while the hub was sending: hand it back so another consumer gets it.
      link.enqueueFromIoThread(op(Protocol.NACK), f.get(1), f.get(2), f.get(3), f.get(4),
          f.get(5));
    } else {
      c.deliver(new Framed(f.get(1), f.get(2), f.get(3), f.get(5)));
    }
  }

  /**
   * A message of this (the hub's own) bus for one of its consumers, on the hub thread: the
   * object itself, acknowledged by counting down the hub's {@code inFlight} and returning the
   * credit to this bus's flow control, the sender's, directly.
   *
   * @return false if the consumer was withdrawn (the hub then dispatches the message again)
   */
  boolean deliverOwn(int consumer, OwnChannel channel, AtomicInteger inFlight,
      BusMessage message) {
    LocalConsumer c = consumers.get(consumer);
    if (c == null) {
      return false;
    }
    c.deliver(new Own(channel.name, inFlight, message));
    return true;
  }

  /**
   * Runs a message of this (the hub's own) bus on the sending thread, if its consumer runs
   * handlers on the caller's thread and nothing of it is queued or running (so the handler runs
   * serially and in order, as through the delivery pool). Its acknowledgement is as in
   * {@link #deliverOwn}.
   *
   * @return false if not (the message then goes through the hub)
   */
  boolean runOnSender(int consumer, OwnChannel channel, AtomicInteger inFlight,
      BusMessage message) {
    LocalConsumer c = consumers.get(consumer);
    return c != null && c.runOnSender(new Own(channel.name, inFlight, message));
  }

  /**
   * Tells whether an executor runs a task on the thread that hands it over (then the I/O thread
   * must not hand it messages, since their handlers may block) by handing it a no-op task.
   * An executor that refuses the probe counts as one that runs inline (the safe side).
   */
  static boolean runsInline(Executor executor) {
    Thread caller = Thread.currentThread();
    AtomicBoolean ranHere = new AtomicBoolean();
    try {
      executor.execute(() -> {
        if (Thread.currentThread() == caller) {
          ranHere.set(true);
        }
      });
    } catch (RejectedExecutionException e) {
      return true;
    }
    return ranHere.get();
  }

  /** Withdraws every consumer of this bus (on close). */
  void cancelAll() {
    for (LocalConsumer c : consumers.values()) {
      c.close();
    }
  }

  /** A message for a consumer, as it came. */
  private sealed interface Delivery permits Framed, Own {}

  /** From the hub as frames: decoded by the consumer, acknowledged through the hub. */
  private record Framed(byte[] channel, byte[] consumer, byte[] origin, byte[] payload)
      implements Delivery {}

  /** From this bus to itself, through the hub thread; see {@link #deliverOwn}. */
  private record Own(String channel, AtomicInteger inFlight, BusMessage message)
      implements Delivery {}

  /** One consumer registration: a serial queue from the I/O thread to the user's executor. */
  private final class LocalConsumer implements Subscription {
    private final int id;
    private final String channel;
    private final Executor executor;
    private final Consumer<BusMessage> handler;
    /** Whether the executor runs tasks on the caller: then a pool thread hands them over. */
    private final boolean inline;
    private final ConcurrentLinkedQueue<Delivery> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean cancelled = new AtomicBoolean();

    LocalConsumer(int id, String channel, Executor executor, Consumer<BusMessage> handler,
        boolean inline) {
      this.id = id;
      this.channel = channel;
      this.executor = executor;
      this.handler = handler;
      this.inline = inline;
    }

    void deliver(Delivery d) {
      flow.deliveryStarted();
      if (!inline) {
        handOver(d); // the executor only queues it: no pool thread between
        return;
      }
      queue.add(d);
      if (scheduled.compareAndSet(false, true)) {
        schedule();
      }
    }

    boolean runOnSender(Own d) {
      if (cancelled.get()) {
        return false;
      }
      if (!inline) {
        // The executor queues it, after what the hub handed it: as from the in-memory bus.
        d.inFlight().incrementAndGet();
        flow.deliveryStarted();
        handOver(d);
        return true;
      }
      if (!queue.isEmpty() || !scheduled.compareAndSet(false, true)) {
        return false;
      }
      if (!queue.isEmpty()) { // came in meanwhile: the pool runs it, this message goes after
        schedule();
        return false;
      }
      d.inFlight().incrementAndGet();
      flow.deliveryStarted();
      try {
        handOver(d);
      } finally {
        scheduled.set(false);
        if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
          schedule();
        }
      }
      return true;
    }

    /** Has the pool drain the queue; the caller holds {@link #scheduled}. */
    private void schedule() {
      try {
        deliveryPool.execute(this::drain);
      } catch (RejectedExecutionException e) {
        scheduled.set(false);
        log.warn("ZMQ bus {} is closed; a message on channel '{}' was not handled", peerId,
            channel);
      }
    }

    private void drain() {
      for (int i = 0; i < 256; i++) {
        Delivery d = queue.poll();
        if (d == null) {
          break;
        }
        handOver(d);
      }
      scheduled.set(false);
      if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
        schedule();
      }
    }

    private void handOver(Delivery d) {
      try {
        executor.execute(() -> run(d));
      } catch (RejectedExecutionException e) {
        log.error("The executor of a consumer on channel '{}' refused a message; it is "
            + "acknowledged unhandled", channel, e);
        done(d);
      }
    }

    private void run(Delivery d) {
      try {
        BusMessage m = d instanceof Own own ? own.message()
            : codec.decodeOrLog(((Framed) d).payload(), "a message on channel '" + channel + "'",
                peerId);
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
      if (d instanceof Own own) {
        own.inFlight().decrementAndGet();
        flow.credited(own.channel(), 1);
      } else {
        Framed f = (Framed) d;
        link.acknowledge(f.channel(), f.consumer(), f.origin());
      }
      flow.deliveryFinished();
    }

    @Override
    public void close() {
      if (cancelled.compareAndSet(false, true)) {
        consumers.remove(id, this);
        link.enqueue(op(Protocol.CANCEL), utf8(channel), Protocol.intBytes(id));
      }
    }
  }
}
