package io.aiperf.zmq.internal;

import static io.aiperf.zmq.internal.Protocol.op;
import static io.aiperf.zmq.internal.Protocol.string;
import static io.aiperf.zmq.internal.Protocol.utf8;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.Subscription;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bus's requests and responders. The hub routes a REQUEST to the one responder of its channel
 * and the REPLY back to the requester by its identity; responders run on the bus's responder
 * thread, and replies complete on the timer thread so that the caller's dependent stages never
 * run on the I/O thread.
 */
final class RequestReply {
  // Logged under the bus's name, as before the bus was split into parts.
  private static final Logger log = LoggerFactory.getLogger(ZmqMessageBusImpl.class);

  private final Codec codec;
  private final HubLink link;
  private final HubCalls calls;
  private final ExecutorService responderThread;
  private final ScheduledExecutorService timer;
  private final BooleanSupplier closed;
  private final Map<String, Function<BusMessage, BusMessage>> responders =
      new ConcurrentHashMap<>();
  private final Map<Long, CompletableFuture<BusMessage>> requests = new ConcurrentHashMap<>();
  private final AtomicLong nextRequest = new AtomicLong();

  RequestReply(Codec codec, HubLink link, HubCalls calls, ExecutorService responderThread,
      ScheduledExecutorService timer, BooleanSupplier closed) {
    this.codec = codec;
    this.link = link;
    this.calls = calls;
    this.responderThread = responderThread;
    this.timer = timer;
    this.closed = closed;
  }

  CompletableFuture<BusMessage> request(String channel, BusMessage request, Duration timeout) {
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
    link.enqueue(op(Protocol.REQUEST), utf8(channel), Protocol.longBytes(id), payload);
    return reply;
  }

  Subscription respond(String channel, Function<BusMessage, BusMessage> responder) {
    if (responders.putIfAbsent(channel, responder) != null) {
      throw new IllegalStateException("Channel '" + channel + "' already has a responder");
    }
    try {
      calls.call(op(Protocol.RESPOND), utf8(channel));
    } catch (IllegalStateException e) {
      responders.remove(channel, responder);
      throw e;
    }
    return () -> {
      if (responders.remove(channel, responder) && !closed.getAsBoolean()) {
        link.enqueue(op(Protocol.UNRESPOND), utf8(channel));
      }
    };
  }

  /** A REQUEST from the hub ({@code channel origin id payload}), on the I/O thread. */
  void onRequest(List<byte[]> f) {
    // The frame list is reused for the next message: take the frames out first.
    byte[] channel = f.get(1);
    byte[] origin = f.get(2);
    byte[] id = f.get(3);
    byte[] payload = f.get(4);
    try {
      responderThread.execute(() -> answer(channel, origin, id, payload));
    } catch (RejectedExecutionException e) {
      link.enqueueFromIoThread(op(Protocol.REPLY_ERROR), origin, id,
          utf8("The responder's bus is closing"));
    }
  }

  private void answer(byte[] channelBytes, byte[] origin, byte[] requestId, byte[] payload) {
    String channel = string(channelBytes);
    Function<BusMessage, BusMessage> responder = responders.get(channel);
    if (responder == null) {
      link.enqueue(op(Protocol.REPLY_ERROR), origin, requestId,
          utf8("No responder on channel '" + channel + "'"));
      return;
    }
    try {
      BusMessage reply = responder.apply(codec.decode(payload));
      link.enqueue(op(Protocol.REPLY), origin, requestId, codec.encode(reply));
    } catch (RuntimeException e) {
      log.debug("Responder on channel '{}' failed", channel, e);
      link.enqueue(op(Protocol.REPLY_ERROR), origin, requestId,
          utf8("Responder on channel '" + channel + "' failed: " + e));
    }
  }

  /** A REPLY (payload) or REPLY_ERROR (error) from the hub, on the I/O thread. */
  void onReply(long id, byte @Nullable [] payload, @Nullable String error) {
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
        reply.complete(codec.decode(
            Objects.requireNonNull(payload, "payload: a reply without an error carries one")));
      } catch (RuntimeException e) {
        reply.completeExceptionally(e);
      }
    });
  }

  /** Withdraws every responder of this bus (on close). */
  void withdrawAll() {
    for (String channel : responders.keySet()) {
      link.enqueue(op(Protocol.UNRESPOND), utf8(channel));
    }
  }

  void failAll(IllegalStateException closed) {
    requests.values().forEach(f -> f.completeExceptionally(closed));
  }
}
