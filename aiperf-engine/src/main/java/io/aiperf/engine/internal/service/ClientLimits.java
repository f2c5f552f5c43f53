package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.engine.internal.transport.HttpTransportProvider;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client machine's limits on open connections: file descriptors and ephemeral ports. A run
 * that would exceed them fails before its first request, saying which limit and how to raise it,
 * instead of producing thousands of connection errors that look like the server's fault.
 */
final class ClientLimits {
  private static final Logger log = LoggerFactory.getLogger(ClientLimits.class);
  /** Descriptors the JVM, its jars, the bus and the exports hold besides connections. */
  static final int RESERVED_DESCRIPTORS = 256;
  /**
   * Connections per source address before another loopback address is added: below Linux's
   * default 28,232 ephemeral ports, leaving room for TIME_WAIT sockets of closed connections.
   */
  static final int CONNECTIONS_PER_SOURCE = 20_000;
  private static final Path PORT_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");

  private ClientLimits() {}

  /**
   * The most connections the run may hold open at once: one per request in flight over HTTP/1.1;
   * over h2c the requests share connections, each worker filling its own.
   */
  static int expectedConnections(BenchmarkConfig config, int unboundedPerWorker) {
    int inFlight = config.concurrency() > 0 ? config.concurrency()
        : (int) Math.min(Integer.MAX_VALUE, (long) unboundedPerWorker * config.workers());
    if (!HttpTransportProvider.isH2c(EngineSupport.baseUri(config.endpoint()))) {
      return inFlight;
    }
    int perConnection = HttpTransportProvider.h2StreamsPerConnection();
    return (inFlight + perConnection - 1) / perConnection + Math.max(1, config.workers());
  }

  /**
   * The addresses to connect from: the configured ones, or for a loopback server needing more
   * connections than one address has ports, 127.0.0.1, 127.0.0.2, ... (Linux answers on all of
   * 127/8 without configuration).
   */
  static List<InetAddress> sourceAddresses(BenchmarkConfig config, URI server, int connections) {
    List<InetAddress> out = new ArrayList<>();
    try {
      for (String a : config.sourceAddresses()) {
        out.add(InetAddress.getByName(a)); // an IP literal: validated, never resolved
      }
      if (!out.isEmpty() || connections <= CONNECTIONS_PER_SOURCE
          || !isIpv4Loopback(server.getHost())) {
        return out;
      }
      int count = Math.min(254, (connections + CONNECTIONS_PER_SOURCE - 1)
          / CONNECTIONS_PER_SOURCE);
      for (int i = 1; i <= count; i++) {
        out.add(InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) i}));
      }
      return out;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("sourceAddress is not an IP address: " + e.getMessage(),
          e);
    }
  }

  private static boolean isIpv4Loopback(String host) {
    return host != null && (host.startsWith("127.") || host.equalsIgnoreCase("localhost"));
  }

  /**
   * Every limit the run would exceed, as a sentence naming the limit and the fix.
   *
   * @param connections the connections the run may open at once
   * @param sources the source addresses they are spread over (empty: one, the system's)
   * @param maxDescriptors this process's open-file limit, if known
   * @param portRange the size of the ephemeral port range, if known
   */
  static List<String> problems(int connections, int sources, OptionalLong maxDescriptors,
      OptionalLong portRange) {
    List<String> problems = new ArrayList<>();
    long needed = (long) connections + RESERVED_DESCRIPTORS;
    if (maxDescriptors.isPresent() && needed > maxDescriptors.getAsLong()) {
      problems.add(String.format(Locale.ROOT, "%,d concurrent connections need about %,d file"
          + " descriptors but this process may open %,d (ulimit -n). Raise the limit with"
          + " 'ulimit -n %d' before starting (the hard limit too: /etc/security/limits.conf,"
          + " LimitNOFILE= for systemd, --ulimit nofile=%d:%d for docker), lower the"
          + " concurrency, or spread the run over several worker processes.", connections, needed,
          maxDescriptors.getAsLong(), needed, needed, needed));
    }
    int perSource = (connections + Math.max(1, sources) - 1) / Math.max(1, sources);
    if (portRange.isPresent() && perSource > portRange.getAsLong()) {
      problems.add(String.format(Locale.ROOT, "%,d connections per source address exceed the"
          + " %,d ephemeral ports of net.ipv4.ip_local_port_range. Spread them over more local"
          + " addresses (sourceAddresses / --source-address) or widen the range (sysctl -w"
          + " net.ipv4.ip_local_port_range=\"1024 65535\").", perSource, portRange.getAsLong()));
    }
    return problems;
  }

  /** This process's open-file limit, where the platform tells it. */
  static OptionalLong maxDescriptors() {
    var os = ManagementFactory.getOperatingSystemMXBean();
    if (os instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      return OptionalLong.of(unix.getMaxFileDescriptorCount());
    }
    return OptionalLong.empty();
  }

  /** The number of ephemeral ports, where the platform tells it (Linux). */
  static OptionalLong portRange() {
    try {
      if (!Files.isReadable(PORT_RANGE)) {
        return OptionalLong.empty();
      }
      String[] parts = Files.readString(PORT_RANGE).trim().split("\\s+");
      return OptionalLong.of(Long.parseLong(parts[1]) - Long.parseLong(parts[0]) + 1);
    } catch (IOException | RuntimeException e) {
      log.debug("Cannot read {}: {}", PORT_RANGE, e.toString());
      return OptionalLong.empty();
    }
  }
}
