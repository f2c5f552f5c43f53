package io.aiperf.engine.internal.bus;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.Subscription;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default bus: direct hand-off of immutable messages between services in one JVM, with no
 * serialization or copying.
 *
 * <p>Events go through one event thread, so every subscriber sees every event in publication
 * order. Channel messages go straight to a consumer's executor; a per-channel semaphore bounds
 * undelivered messages, so a slow consumer pushes back on its producers instead of growing a queue
 * without limit. {@link #trySend} takes a permit only if one is free (a compare-and-set), so a
 * thread that must not wait can send when there is room and keep the message when there is not.
 */
final class InMemoryMessageBus implements MessageBus {
  private static final Logger log = LoggerFactory.getLogger(InMemoryMessageBus.class);

  private final int channelCapacity;
  private final ExecutorService eventThread;
  private final ScheduledExecutorService timer;
  private final List<TypedSubscriber<?>> subscribers = new CopyOnWriteArrayList<>();
  private final Map<String, Channel> channels = new ConcurrentHashMap<>();
  private final Map<String, Function<BusMessage, BusMessage>> responders = new ConcurrentHashMap<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  InMemoryMessageBus(int channelCapacity) {
    if (channelCapacity < 1) {
      throw new IllegalArgumentException("channelCapacity must be >= 1 but was " + channelCapacity);
    }
    this.channelCapacity = channelCapacity;
    this.eventThread = Executors.newSingleThreadExecutor(daemon("aiperf-bus-events"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("aiperf-bus-timer"));
  }

  @Override
  public void publish(BusMessage message) {
    checkOpen();
    eventThread.execute(() -> {
      for (TypedSubscriber<?> s : subscribers) {
        s.offer(message);
      }
    });
  }

  @Override
  public <M extends BusMessage> Subscription subscribe(Class<M> type, Consumer<? super M> handler) {
    TypedSubscriber<M> s = new TypedSubscriber<>(type, handler);
    subscribers.add(s);
    return () -> subscribers.remove(s);
  }

  @Override
  public void send(String channel, BusMessage message) {
    channel(channel).send(-1, message);
  }

  @Override
  public void send(String channel, long routingKey, BusMessage message) {
    channel(channel).send(routingKey, message);
  }

  /** Never waits for capacity: takes a permit if one is free, else returns false. */
  @Override
  public boolean trySend(String channel, BusMessage message) {
    return channel(channel).trySend(message);
  }

  @Override
  public Subscription consume(String channel, Executor executor, Consumer<BusMessage> handler) {
    return channel(channel).add(new ChannelConsumer(executor, handler));
  }

  @Override
  public CompletableFuture<BusMessage> request(String channel, BusMessage request,
      Duration timeout) {
    checkOpen();
    CompletableFuture<BusMessage> reply = new CompletableFuture<>();
    Function<BusMessage, BusMessage> responder = responders.get(channel);
    if (responder == null) {
      reply.completeExceptionally(new IllegalStateException(
          "No responder on channel '" + channel + "'; registered: " + responders.keySet()));
      return reply;
    }
    var timeoutTask = timer.schedule(() -> reply.completeExceptionally(new TimeoutException(
        "No reply on channel '" + channel + "' within " + timeout)), timeout.toNanos(),
        TimeUnit.NANOSECONDS);
    eventThread.execute(() -> {
      try {
        reply.complete(responder.apply(request));
      } catch (RuntimeException e) {
        reply.completeExceptionally(e);
      } finally {
        timeoutTask.cancel(false);
      }
    });
    return reply;
  }

  @Override
  public Subscription respond(String channel, Function<BusMessage, BusMessage> responder) {
    if (responders.putIfAbsent(channel, responder) != null) {
      throw new IllegalStateException("Channel '" + channel + "' already has a responder");
    }
    return () -> responders.remove(channel, responder);
  }

  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    // Events accepted before close are still delivered: shutdown() runs the queued tasks.
    eventThread.shutdown();
    try {
      if (!eventThread.awaitTermination(10, TimeUnit.SECONDS)) {
        log.warn("Bus event thread did not drain within 10 s; {} events dropped",
            eventThread.shutdownNow().size());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    timer.shutdownNow();
  }

  private Channel channel(String name) {
    return channels.computeIfAbsent(name, n -> new Channel(n, channelCapacity));
  }

  private void checkOpen() {
    if (closed.get()) {
      throw new IllegalStateException("The message bus is closed");
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

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

  private record ChannelConsumer(Executor executor, Consumer<BusMessage> handler) {}

  private final class Channel {
    private final String name;
    private final Semaphore capacity;
    private final List<ChannelConsumer> consumers = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    /** Messages sent before any consumer registered wait here, in order. */
    private final List<BusMessage> parked = new ArrayList<>();

    Channel(String name, int capacity) {
      this.name = name;
      this.capacity = new Semaphore(capacity);
    }

    void send(long routingKey, BusMessage message) {
      checkOpen();
      try {
        capacity.acquire();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while sending on channel '" + name + "'", e);
      }
      deliver(routingKey, message);
    }

    boolean trySend(BusMessage message) {
      checkOpen();
      if (!capacity.tryAcquire()) {
        return false;
      }
      deliver(-1, message);
      return true;
    }

    /** Holding a permit, which the consumer gives back once it handled the message. */
    private void deliver(long routingKey, BusMessage message) {
      Object[] current = consumers.toArray();
      if (current.length == 0) {
        synchronized (parked) {
          current = consumers.toArray();
          if (current.length == 0) {
            parked.add(message);
            return;
          }
        }
      }
      int index = routingKey >= 0 ? (int) Long.remainderUnsigned(mix(routingKey), current.length)
          : Math.floorMod(next.getAndIncrement(), current.length);
      dispatch((ChannelConsumer) current[index], message);
    }

    private void dispatch(ChannelConsumer c, BusMessage message) {
      c.executor().execute(() -> {
        try {
          c.handler().accept(message);
        } catch (RuntimeException e) {
          log.error("Consumer on channel '{}' failed on {}", name,
              message.getClass().getSimpleName(), e);
        } finally {
          capacity.release();
        }
      });
    }

    Subscription add(ChannelConsumer consumer) {
      List<BusMessage> backlog;
      synchronized (parked) {
        consumers.add(consumer);
        backlog = new ArrayList<>(parked);
        parked.clear();
      }
      for (BusMessage m : backlog) {
        dispatch(consumer, m);
      }
      return () -> consumers.remove(consumer);
    }
  }

  private static long mix(long key) {
    long z = key * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    return z ^ (z >>> 31);
  }
}
