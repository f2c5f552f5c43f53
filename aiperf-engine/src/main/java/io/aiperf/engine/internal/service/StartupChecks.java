package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkFailedException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the controller checks before it starts any service: the machine, then the server. */
final class StartupChecks {
  private static final Logger log = LoggerFactory.getLogger(SystemController.class);
  /** A connect takes milliseconds; waiting longer only delays the message. */
  private static final Duration REACHABILITY_TIMEOUT = Duration.ofSeconds(10);

  private StartupChecks() {}

  /** Fails a run whose connections this machine cannot hold (descriptors, ephemeral ports). */
  static void clientLimits(BenchmarkConfig config) {
    int connections = ClientLimits.expectedConnections(config, Worker.MAX_CONNECTIONS_UNBOUNDED);
    var sources = ClientLimits.sourceAddresses(config, EngineSupport.baseUri(config.endpoint()),
        connections);
    if (sources.size() > 1) {
      log.info("Spreading up to {} connections over {} source addresses ({} ... {})",
          connections, sources.size(), sources.get(0).getHostAddress(),
          sources.get(sources.size() - 1).getHostAddress());
    }
    List<String> problems = ClientLimits.problems(connections, sources.size(),
        ClientLimits.maxDescriptors(), ClientLimits.portRange());
    if (!problems.isEmpty()) {
      throw new BenchmarkFailedException("This machine cannot hold the run's connections: "
          + String.join(" Also: ", problems), null, null);
    }
  }

  /** Fails a run whose server does not accept a connection, within the start-up timeout. */
  static void reachable(URI uri, Duration stepTimeout) {
    Duration timeout = stepTimeout.compareTo(REACHABILITY_TIMEOUT) < 0 ? stepTimeout
        : REACHABILITY_TIMEOUT;
    int port = uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme())
        ? 443 : 80;
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(uri.getHost(), port), (int) timeout.toMillis());
    } catch (java.net.SocketTimeoutException e) {
      throw new BenchmarkFailedException("Start-up step 'server reachability' did not finish"
          + " within " + timeout.toMillis() / 1000.0 + " s: no connection to " + uri.getScheme()
          + "://" + uri.getHost() + ":" + port + " (a firewall dropping packets, a wrong host,"
          + " or a server whose accept queue is full). Check the URL and that the server is"
          + " running.", null, e);
    } catch (IOException e) {
      throw new BenchmarkFailedException("Start-up step 'server reachability' failed: cannot"
          + " reach the server at " + uri.getScheme() + "://" + uri.getHost() + ":" + port
          + " (" + (e.getMessage() == null ? e.toString() : e.getMessage()) + "). Check the URL"
          + " and that the server is running.", null, e);
    }
  }
}
