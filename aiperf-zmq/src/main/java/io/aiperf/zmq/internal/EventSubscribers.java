package io.aiperf.zmq.internal;

import static io.aiperf.zmq.internal.Protocol.op;
import static io.aiperf.zmq.internal.Protocol.string;
import static io.aiperf.zmq.internal.Protocol.utf8;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.Subscription;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bus's event subscriptions. The hub learns each message type once (SUB when the first local
 * subscriber of a type arrives, UNSUB when the last leaves) and sends an event once per bus
 * however many of its types match; here it is decoded once, only if someone wants it, and run on
 * the bus's event thread, in the order the hub sent the events.
 */
final class EventSubscribers {
  // Logged under the bus's name, as before the bus was split into parts.
  private static final Logger log = LoggerFactory.getLogger(ZmqMessageBusImpl.class);

  private final String peerId;
  private final Codec codec;
  private final HubLink link;
  private final HubCalls calls;
  private final ExecutorService eventThread;
  private final BooleanSupplier closed;
  private final List<TypedSubscriber<?>> subscribers = new CopyOnWriteArrayList<>();
  private final Map<String, Integer> subscribedTypes = new HashMap<>();
  private final Object registrations = new Object();

  EventSubscribers(String peerId, Codec codec, HubLink link, HubCalls calls,
      ExecutorService eventThread, BooleanSupplier closed) {
    this.peerId = peerId;
    this.codec = codec;
    this.link = link;
    this.calls = calls;
    this.eventThread = eventThread;
    this.closed = closed;
  }

  <M extends BusMessage> Subscription subscribe(Class<M> type, Consumer<? super M> handler) {
    TypedSubscriber<M> s = new TypedSubscriber<>(type, handler);
    subscribers.add(s);
    synchronized (registrations) {
      if (subscribedTypes.merge(type.getName(), 1, Integer::sum) == 1) {
        try {
          calls.call(op(Protocol.SUB), utf8(type.getName()));
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
            if (!closed.getAsBoolean()) {
              link.enqueue(op(Protocol.UNSUB), utf8(type.getName()));
            }
          }
        }
      }
    };
  }

  /** An EVENT from the hub, on the I/O thread: handled on the event thread. */
  void onEvent(byte[] types, byte[] payload) {
    try {
      eventThread.execute(() -> deliver(types, payload));
    } catch (RejectedExecutionException e) {
      log.debug("Event after close ignored");
    }
  }

  private void deliver(byte[] typesFrame, byte[] payload) {
    Set<String> types = Set.of(string(typesFrame).split("\n"));
    BusMessage message = null;
    for (TypedSubscriber<?> s : subscribers) {
      if (!types.contains(s.type.getName())) {
        continue;
      }
      if (message == null) {
        message = codec.decodeOrLog(payload, "an event", peerId);
        if (message == null) {
          return;
        }
      }
      s.offer(message);
    }
  }

  private static final class TypedSubscriber<M extends BusMessage> {
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
}
