package io.aiperf.zmq.internal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The buses the hub knows: a peer joins with its first message and leaves with BYE, or when a
 * send to it fails (the ROUTER's ZMTP heartbeats disconnect a peer that stopped answering, so
 * that send fails loudly rather than queueing). Each peer records what it registered, so that
 * everything can be withdrawn when it leaves. Only the hub thread touches it.
 */
final class HubPeers {
  // Logged under the hub's name, as before the hub was split into parts.
  private static final Logger log = LoggerFactory.getLogger(Hub.class);

  private final Map<String, Peer> peers = new HashMap<>();

  @Nullable Peer get(String id) {
    return peers.get(id);
  }

  boolean contains(String id) {
    return peers.containsKey(id);
  }

  Peer join(byte[] identity, String id) {
    Peer peer = new Peer(identity, id);
    peers.put(id, peer);
    log.debug("Peer {} joined the ZMQ hub", id);
    return peer;
  }

  void remove(Peer peer) {
    peers.remove(peer.id);
  }

  void reportLeftovers() {
    for (Peer p : peers.values()) {
      log.debug("Peer {} was still connected when the ZMQ hub stopped", p.id);
    }
  }

  /** One bus and what it registered at the hub. */
  static final class Peer {
    final byte[] identity;
    final String id;
    final Set<String> types = new LinkedHashSet<>();
    final Set<String> responds = new LinkedHashSet<>();
    final List<HubChannels.Consumer> consumers = new ArrayList<>();
    /** The last event fanned out to this peer; see {@link HubRouter}. */
    long seenEpoch;

    Peer(byte[] identity, String id) {
      this.identity = identity;
      this.id = id;
    }
  }
}
