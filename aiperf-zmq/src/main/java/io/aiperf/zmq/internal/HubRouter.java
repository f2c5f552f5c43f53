package io.aiperf.zmq.internal;

import static io.aiperf.zmq.internal.Protocol.string;
import static io.aiperf.zmq.internal.Protocol.utf8;

import io.aiperf.zmq.internal.HubPeers.Peer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hub's routing: one message from a peer at a time, by opcode ({@link Protocol}), without
 * decoding a payload. Events fan out to the peers subscribed to any of their types, channel
 * messages go through {@link HubChannels}, requests to their channel's one responder and replies
 * back to the requester. Only the hub thread calls it.
 */
final class HubRouter {
  // Logged under the hub's name, as before the hub was split into parts.
  private static final Logger log = LoggerFactory.getLogger(Hub.class);

  private final HubPeers peers;
  private final HubOutboxes out;
  private final HubChannels channels;
  private final Map<String, Set<Peer>> subscribers = new HashMap<>();
  private final Map<String, Peer> responders = new HashMap<>();
  private long dispatchEpoch;

  HubRouter(HubPeers peers, HubOutboxes out, HubChannels channels) {
    this.peers = peers;
    this.out = out;
    this.channels = channels;
  }

  /**
   * Handles one message.
   *
   * @param f the sender's identity, then the message's frames
   */
  void handle(List<byte[]> f) {
    if (f.size() < 2 || f.get(1).length != 1) {
      log.warn("Ignoring a malformed message of {} frames from {}", f.size(), Hub.peerName(f));
      return;
    }
    byte[] identity = f.get(0);
    String id = new String(identity, StandardCharsets.ISO_8859_1);
    byte op = f.get(1)[0];
    Peer peer = peers.get(id);
    if (peer == null) {
      if (op == Protocol.BYE) {
        return;
      }
      peer = peers.join(identity, id);
    }
    switch (op) {
      case Protocol.HELLO, Protocol.FLUSH -> ok(peer, f.get(2));
      case Protocol.SUB -> {
        String type = string(f.get(2));
        peer.types.add(type);
        subscribers.computeIfAbsent(type, t -> new LinkedHashSet<>()).add(peer);
        ok(peer, f.get(3));
      }
      case Protocol.UNSUB -> unsubscribe(peer, string(f.get(2)));
      case Protocol.PUB -> publish(f.get(2), f.get(3));
      case Protocol.CONSUME -> {
        HubChannels.Channel c = channels.addConsumer(peer, string(f.get(2)),
            Protocol.asInt(f.get(3)));
        ok(peer, f.get(4));
        channels.dispatchParked(c);
      }
      case Protocol.CANCEL ->
          channels.cancel(string(f.get(2)), id + "/" + Protocol.asInt(f.get(3)));
      case Protocol.SEND ->
          channels.dispatch(channels.channel(string(f.get(2))), identity, f.get(3), f.get(4));
      case Protocol.ACK -> {
        HubChannels.Channel c = channels.channel(string(f.get(2)));
        int count = Protocol.asInt(f.get(5));
        channels.acknowledged(c, id + "/" + Protocol.asInt(f.get(3)), f.get(4), count);
        out.send(f.get(4), Protocol.op(Protocol.CREDIT), f.get(2), f.get(5));
      }
      case Protocol.NACK -> {
        HubChannels.Channel c = channels.channel(string(f.get(2)));
        channels.acknowledged(c, id + "/" + Protocol.asInt(f.get(3)), f.get(4), 1);
        channels.dispatch(c, f.get(4), f.get(5), f.get(6));
      }
      case Protocol.REQUEST -> {
        String channel = string(f.get(2));
        Peer responder = responders.get(channel);
        if (responder == null) {
          out.send(identity, Protocol.op(Protocol.REPLY_ERROR), f.get(3), utf8("No responder on "
              + "channel '" + channel + "'; registered: " + responders.keySet()));
        } else {
          out.send(responder.identity, Protocol.op(Protocol.REQUEST), f.get(2), identity,
              f.get(3), f.get(4));
        }
      }
      case Protocol.REPLY -> out.send(f.get(2), Protocol.op(Protocol.REPLY), f.get(3), f.get(4));
      case Protocol.REPLY_ERROR ->
          out.send(f.get(2), Protocol.op(Protocol.REPLY_ERROR), f.get(3), f.get(4));
      case Protocol.RESPOND -> {
        String channel = string(f.get(2));
        Peer existing = responders.putIfAbsent(channel, peer);
        if (existing != null) {
          out.send(identity, Protocol.op(Protocol.ERR), f.get(3),
              utf8("Channel '" + channel + "' already has a responder"));
        } else {
          peer.responds.add(channel);
          ok(peer, f.get(3));
        }
      }
      case Protocol.UNRESPOND -> {
        String channel = string(f.get(2));
        responders.remove(channel, peer);
        peer.responds.remove(channel);
      }
      case Protocol.BYE -> removePeer(peer, "it said goodbye");
      default -> log.warn("Ignoring unknown opcode {} from {}", op, id);
    }
  }

  /** A send to a peer failed: it is gone, with everything it registered. */
  void unreachable(String id) {
    Peer gone = peers.get(id);
    if (gone != null) {
      removePeer(gone, "unreachable");
    }
  }

  private void ok(Peer peer, byte[] token) {
    out.send(peer.identity, Protocol.op(Protocol.OK), token);
  }

  private void publish(byte[] types, byte[] payload) {
    long epoch = ++dispatchEpoch;
    for (String type : string(types).split("\n")) {
      Set<Peer> subs = subscribers.get(type);
      if (subs == null) {
        continue;
      }
      for (Peer p : subs) {
        if (p.seenEpoch != epoch) { // once per peer, however many of its types match
          p.seenEpoch = epoch;
          out.send(p.identity, Protocol.op(Protocol.EVENT), types, payload);
        }
      }
    }
  }

  private void unsubscribe(Peer peer, String type) {
    peer.types.remove(type);
    Set<Peer> subs = subscribers.get(type);
    if (subs != null) {
      subs.remove(peer);
      if (subs.isEmpty()) {
        subscribers.remove(type);
      }
    }
  }

  private void removePeer(Peer peer, String why) {
    peers.remove(peer);
    out.dropIfEmpty(peer.id);
    for (String type : List.copyOf(peer.types)) {
      unsubscribe(peer, type);
    }
    for (String channel : peer.responds) {
      responders.remove(channel, peer);
    }
    channels.peerLeft(peer, why);
    log.debug("Peer {} left the ZMQ hub: {}", peer.id, why);
  }
}
