package io.aiperf.zmq.internal;

import static io.aiperf.zmq.internal.Protocol.utf8;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.zmq.internal.HubPeers.Peer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's channels: which consumers each has, how many messages each consumer holds and from
 * which senders, and the messages sent before the channel had a consumer. A message goes to one
 * consumer: by routing key (the same key, the same consumer) or else the least loaded one. An
 * acknowledgement is passed to the sender as a credit; when a peer leaves with messages it never
 * acknowledged, their senders get those credits back. Only the hub thread touches it.
 */
final class HubChannels {
  // Logged under the hub's name, as before the hub was split into parts.
  private static final Logger log = LoggerFactory.getLogger(Hub.class);

  private final HubOutboxes out;
  private final LocalPayloads payloads;
  private final Map<String, Channel> channels = new HashMap<>();
  /** Channels with a consumer outside the hub's own bus; read by any thread. */
  private final Set<String> remoteChannels = ConcurrentHashMap.newKeySet();
  /** The hub's own bus and its codec, set when it attaches (see {@link Hub#attachLocal}). */
  private volatile @Nullable String localId;
  private volatile byte @Nullable [] localIdentity;
  private volatile @Nullable Codec localCodec;
  private volatile @Nullable OwnConsumers ownConsumers;
  /** Puts a message of the own bus back at the end of the hub's queue. */
  private final java.util.function.Consumer<OwnChannel.Send> requeue;

  /** The own bus's side of a delivery to one of its consumers, passed as the object itself. */
  interface OwnConsumers {
    /**
     * Hands a message of the own bus to one of its consumers, on the hub thread; never blocks.
     *
     * @param consumer the consumer's id on the own bus
     * @param channel the channel
     * @param inFlight the hub's count of such messages the consumer holds, which the consumer
     *     decrements once its handler has finished (this is its acknowledgement)
     * @param message the message
     * @return false if that consumer was withdrawn meanwhile (the message was not taken)
     */
    boolean deliver(int consumer, OwnChannel channel, AtomicInteger inFlight, BusMessage message);
  }

  HubChannels(HubOutboxes out, LocalPayloads payloads,
      java.util.function.Consumer<OwnChannel.Send> requeue) {
    this.out = out;
    this.payloads = payloads;
    this.requeue = requeue;
  }

  void attachLocal(String id, Codec codec, OwnConsumers own) {
    localCodec = codec;
    ownConsumers = own;
    localIdentity = id.getBytes(StandardCharsets.ISO_8859_1);
    localId = id;
  }

  boolean hasRemoteConsumer(String channel) {
    return remoteChannels.contains(channel);
  }

  /** Keeps {@link #remoteChannels} up to date after the consumers of a channel changed. */
  private void consumersChanged(Channel c) {
    String local = localId;
    boolean remote = false;
    for (Consumer consumer : c.consumers) {
      remote |= !consumer.peer.id.equals(local);
    }
    if (remote) {
      remoteChannels.add(c.name);
    } else {
      remoteChannels.remove(c.name);
    }
    updateSole(c);
  }

  Channel channel(String name) {
    return channels.computeIfAbsent(name, Channel::new);
  }

  /** Registers a consumer; {@link #dispatchParked} then hands it what waited for one. */
  Channel addConsumer(Peer peer, String channel, int id) {
    Channel c = channel(channel);
    Consumer consumer = new Consumer(peer, id, c, peer.id.equals(localId));
    c.consumers.add(consumer);
    c.byKey.put(consumer.key(), consumer);
    peer.consumers.add(consumer);
    consumersChanged(c);
    return c;
  }

  void dispatchParked(Channel c) {
    while (!c.parked.isEmpty() && !c.consumers.isEmpty()) {
      Parked p = c.parked.poll();
      dispatch(c, p.origin, p.key, p.payload);
    }
    updateSole(c);
  }

  /**
   * Tells the own bus's senders on a channel whether its only consumer is the own bus's (then a
   * sender may hand a message to it itself, see {@link ChannelConsumers#runOnSender}). Only
   * while nothing waits here for a consumer: what waits goes first.
   */
  private static void updateSole(Channel c) {
    OwnChannel own = c.own;
    if (own != null) {
      own.sole = c.consumers.size() == 1 && c.parked.isEmpty() && c.consumers.get(0).own
          ? c.consumers.get(0).sole : null;
    }
  }

  /** Withdraws a consumer; it stays known until what it holds is acknowledged. */
  void cancel(String channel, String consumerKey) {
    Consumer consumer = channel(channel).byKey.get(consumerKey);
    if (consumer != null) {
      cancel(consumer);
    }
  }

  void dispatch(Channel c, byte[] origin, byte[] key, byte[] payload) {
    if (c.consumers.isEmpty()) {
      c.parked.add(new Parked(origin, key, payload));
      return;
    }
    Consumer target = key.length == 8 ? c.consumers.get(keyed(c, Protocol.asLong(key)))
        : leastLoaded(c);
    deliverTo(c, target, origin, key, payload);
  }

  /**
   * Dispatches a message of the hub's own bus. To a consumer of the own bus it goes as the object
   * it is, and that consumer's finished handler gives the sender its credit back directly: no
   * handle, no frames, and no ACK or CREDIT through the hub. To a consumer in another process it
   * goes encoded, as any message; with no consumer it waits as a held message.
   */
  void dispatchOwn(OwnChannel.Send s) {
    OwnChannel own = s.channel();
    Channel c = own.resolved;
    if (c == null) {
      c = channel(own.name);
      own.resolved = c;
      c.own = own;
      updateSole(c);
    }
    byte[] origin = Objects.requireNonNull(localIdentity, "the own bus attached first");
    if (c.consumers.isEmpty()) {
      byte[] payload = s.encoded() != null ? s.encoded() : payloads.hold(s.message());
      c.parked.add(new Parked(origin, s.keyBytes(), payload));
      own.pending.decrementAndGet(); // no consumer, so no sole one that a sender could overtake
      return;
    }
    Consumer target = s.keyed() ? c.consumers.get(keyed(c, s.key())) : leastLoaded(c);
    if (target.own) {
      target.ownInFlight.incrementAndGet();
      if (!Objects.requireNonNull(ownConsumers).deliver(target.id, own, target.ownInFlight,
          s.message())) {
        // Withdrawn on the own bus, its CANCEL on the way: try again after what is queued.
        target.ownInFlight.decrementAndGet();
        requeue.accept(s);
        return;
      }
      own.pending.decrementAndGet();
      return;
    }
    own.pending.decrementAndGet();
    byte[] payload = s.encoded() != null ? s.encoded() : Objects.requireNonNull(localCodec,
        "the own bus attached first").encode(s.message());
    deliverTo(c, target, origin, s.keyBytes(), payload);
  }

  private int keyed(Channel c, long key) {
    return (int) Long.remainderUnsigned(mix(key), c.consumers.size());
  }

  /** Least loaded, ties broken round-robin: a slow process gets fewer messages. */
  private Consumer leastLoaded(Channel c) {
    int n = c.consumers.size();
    int start = c.next++ % n;
    Consumer target = c.consumers.get(start);
    int load = target.load();
    for (int i = 1; i < n && load > 0; i++) {
      Consumer candidate = c.consumers.get((start + i) % n);
      int l = candidate.load();
      if (l < load) {
        target = candidate;
        load = l;
      }
    }
    if (c.next >= n) {
      c.next = 0;
    }
    return target;
  }

  private void deliverTo(Channel c, Consumer target, byte[] origin, byte[] key, byte[] payload) {
    byte[] delivered = payload;
    if (LocalPayloads.isHandle(payload) && !target.own) {
      // Held in this JVM, but this consumer is in another process: encode it here.
      delivered = payloads.export(payload, Objects.requireNonNull(localCodec,
          "localCodec: only the hub's own bus holds messages, and it attached first"));
    }
    target.inFlight++;
    target.byOrigin.merge(new String(origin, StandardCharsets.ISO_8859_1), 1, Integer::sum);
    out.send(target.peer.identity, Protocol.op(Protocol.DELIVER), c.nameBytes,
        Protocol.intBytes(target.id), origin, key, delivered);
  }

  void acknowledged(Channel c, String consumerKey, byte[] origin, int count) {
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
    consumersChanged(consumer.channel);
    if (consumer.inFlight <= 0) {
      consumer.channel.byKey.remove(consumer.key());
    }
  }

  /** Withdraws the consumers of a peer that left, and returns the credits of what it held. */
  void peerLeft(Peer peer, String why) {
    for (Consumer consumer : List.copyOf(peer.consumers)) {
      cancel(consumer);
      consumer.channel.byKey.remove(consumer.key());
      if (consumer.inFlight > 0) {
        // Those messages are gone with the peer; give their senders their credits back so they
        // do not stall, and say how many.
        log.warn("Peer {} left ({}) with {} unacknowledged messages on channel '{}'", peer.id, why,
            consumer.inFlight, consumer.channel.name);
        consumer.byOrigin.forEach((origin, n) -> out.send(
            origin.getBytes(StandardCharsets.ISO_8859_1), Protocol.op(Protocol.CREDIT),
            consumer.channel.nameBytes, Protocol.intBytes(n)));
      }
    }
  }

  void reportLeftovers() {
    for (Channel c : channels.values()) {
      if (!c.parked.isEmpty()) {
        log.warn("The ZMQ hub stopped with {} messages on channel '{}' that no consumer took",
            c.parked.size(), c.name);
      }
    }
  }

  private static long mix(long key) {
    long z = key * 0x9E3779B97F4A7C15L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    return z ^ (z >>> 31);
  }

  static final class Channel {
    final String name;
    final byte[] nameBytes;
    private final List<Consumer> consumers = new ArrayList<>();
    private final Map<String, Consumer> byKey = new HashMap<>();
    private final ArrayDeque<Parked> parked = new ArrayDeque<>();
    private int next;
    /** The own bus's handle on this channel, once it sent on it. */
    private @Nullable OwnChannel own;

    Channel(String name) {
      this.name = name;
      this.nameBytes = utf8(name);
    }
  }

  static final class Consumer {
    private final Peer peer;
    private final int id;
    private final Channel channel;
    /** Whether it is a consumer of the hub's own bus. */
    private final boolean own;
    private final Map<String, Integer> byOrigin = new LinkedHashMap<>();
    /** Messages it holds that were delivered as frames and are acknowledged through the hub. */
    private int inFlight;
    /** Messages of the own bus it holds (own consumers only); its handlers count them down. */
    private final AtomicInteger ownInFlight = new AtomicInteger();
    private final OwnChannel.Sole sole;
    private boolean cancelled;

    Consumer(Peer peer, int id, Channel channel, boolean own) {
      this.peer = peer;
      this.id = id;
      this.channel = channel;
      this.own = own;
      this.sole = new OwnChannel.Sole(id, ownInFlight);
    }

    int load() {
      return inFlight + ownInFlight.get();
    }

    String key() {
      return peer.id + "/" + id;
    }
  }

  private record Parked(byte[] origin, byte[] key, byte[] payload) {}
}
