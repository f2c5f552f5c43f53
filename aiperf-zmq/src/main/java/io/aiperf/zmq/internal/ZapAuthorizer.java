package io.aiperf.zmq.internal;

import static io.aiperf.zmq.internal.Protocol.string;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The hub's ZAP handler (RFC 27): lets in the CURVE clients whose public key is authorized and
 * refuses the rest. It runs on the hub thread, which serves its socket along with the ROUTER.
 */
final class ZapAuthorizer {
  // Logged under the hub's name, as before the hub was split into parts.
  private static final Logger log = LoggerFactory.getLogger(Hub.class);
  static final String ZAP_ENDPOINT = "inproc://zeromq.zap.01";

  private final ZContext context;
  private final ZMQ.Socket zap;
  private final Set<String> authorizedKeys;

  /** Binds the handler; it must be bound before a CURVE socket accepts its first connection. */
  ZapAuthorizer(ZContext context, Set<String> authorizedKeys) {
    this.context = context;
    this.authorizedKeys = authorizedKeys;
    zap = context.createSocket(SocketType.REP);
    zap.setLinger(0);
    zap.bind(ZAP_ENDPOINT);
  }

  SelectionKey register(Selector selector) throws IOException {
    return zap.getFD().register(selector, SelectionKey.OP_READ);
  }

  /** Tells whether a request waits, asking the socket itself (its descriptor is edge-like). */
  boolean hasRequest() {
    return (zap.getEvents() & ZMQ.Poller.POLLIN) != 0;
  }

  void answer() {
    // ZAP (RFC 27): version, request id, domain, address, identity, mechanism, credentials.
    List<byte[]> req = new ArrayList<>();
    req.add(zap.recv());
    while (zap.hasReceiveMore()) {
      req.add(zap.recv());
    }
    String clientKey = req.size() > 6 && req.get(6).length == 32
        ? ZMQ.Curve.z85Encode(req.get(6)) : "";
    boolean allowed = authorizedKeys.contains(clientKey);
    if (!allowed) {
      log.warn("Refused a CURVE client with public key {} from {}: not authorized", clientKey,
          req.size() > 3 ? string(req.get(3)) : "?");
    }
    zap.sendMore("1.0");
    zap.sendMore(req.size() > 1 ? req.get(1) : Protocol.EMPTY);
    zap.sendMore(allowed ? "200" : "400");
    zap.sendMore(allowed ? "OK" : "Not authorized");
    zap.sendMore(allowed ? clientKey : "");
    zap.send(Protocol.EMPTY);
  }

  void close() {
    context.destroySocket(zap);
  }
}
