package io.aiperf.zmq.internal;

import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * What the hub sends each peer during one pass, as one batch frame per peer ({@link Protocol}),
 * in the order it was queued. Per-message frames, not bytes, are what cost on each hop.
 */
final class HubOutboxes {
  /** Puts one batch on the way to a peer. */
  interface Transmitter {
    void transmit(byte[] identity, byte[] batch);
  }

  private final Transmitter transmitter;
  private final Predicate<String> connected;
  private final Map<String, Outbox> outboxes = new HashMap<>();
  private final ArrayDeque<Outbox> pending = new ArrayDeque<>();
  /** The hub's own bus: its id and handler (see {@link #attachLocal}); null until it attaches. */
  private volatile @Nullable String localId;
  private volatile @Nullable Consumer<List<byte[]>> local;

  /**
   * Creates the outboxes of one hub.
   *
   * @param transmitter sends a batch
   * @param connected tells whether a peer id is still a member; a peer's outbox is dropped once
   *     its last words went out after it left
   */
  HubOutboxes(Transmitter transmitter, Predicate<String> connected) {
    this.transmitter = transmitter;
    this.connected = connected;
  }

  /**
   * Delivers what is for the hub's own bus straight to its handler, on the hub thread, in the
   * order it is queued, instead of batching it: that bus is in this JVM.
   *
   * @param id the own bus's peer id
   * @param handler its inbound handler; must not block
   */
  void attachLocal(String id, Consumer<List<byte[]>> handler) {
    local = handler;
    localId = id;
  }

  /** Queues a message for a peer; {@link #flush()} sends it, in order. */
  void send(byte[] identity, byte[]... frames) {
    String id = new String(identity, StandardCharsets.ISO_8859_1);
    Consumer<List<byte[]>> handler = local;
    if (handler != null && id.equals(localId)) {
      handler.accept(Arrays.asList(frames));
      return;
    }
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

  void flush() {
    Outbox box;
    // A failed send removes that peer, which may queue credits for others: loop until empty.
    while ((box = pending.poll()) != null) {
      if (!box.batch.isEmpty()) {
        transmitter.transmit(box.identity, box.batch.take());
      }
      if (!connected.test(box.id)) {
        outboxes.remove(box.id, box); // the last words to a peer that left
      }
    }
  }

  /** A peer left: forget its outbox unless something for it still has to go out. */
  void dropIfEmpty(String id) {
    Outbox box = outboxes.get(id);
    if (box != null && box.batch.isEmpty()) {
      outboxes.remove(id); // else it still has to go out (e.g. the OK of its FLUSH)
    }
  }

  /** A peer cannot be reached: forget its outbox. */
  void drop(String id) {
    outboxes.remove(id);
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
}
