package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import io.aiperf.zmq.ZmqBusOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * AIPerf's ZMQ Communication group, with aiperf-java's bus choice and remote workers: the message
 * bus between the run's services and how other processes join it.
 *
 * <p>The zmq flags become the bus's own settings ({@code Benchmark.Builder#messageBus(String,
 * Map)}), so they belong to this run alone: nothing JVM-wide is set.
 */
final class BusOptions {

  @Option(names = "--message-bus",
      description = "The bus between the run's services: inmemory (default) or zmq, which other"
          + " processes can join.")
  @Nullable String messageBus;

  @Option(names = "--workers-remote",
      description = "Wait for this many workers in other processes or hosts, each started with"
          + " 'aiperf service --type worker --controller ADDRESS', and send the requests through"
          + " them (uses the zmq bus; local workers default to none).")
  @Nullable Integer workersRemote;

  @Option(names = "--zmq-host",
      description = "Interface the zmq bus listens on for remote workers (default 127.0.0.1;"
          + " 0.0.0.0 for all: then use CURVE).")
  @Nullable String zmqHost;

  @Option(names = "--zmq-port",
      description = "Port the zmq bus listens on (default: one the OS picks, printed at start).")
  @Nullable Integer zmqPort;

  @Option(names = "--curve-key-file",
      description = "The controller's CURVE certificate (public and secret key): encrypts and"
          + " authenticates the zmq bus between hosts.")
  @Nullable Path curveKeyFile;

  @Option(names = "--curve-authorized-keys",
      description = "A CURVE public certificate, or a folder of them: the only workers let in.")
  @Nullable Path curveAuthorizedKeys;

  /** Whether the run waits for workers in other processes. */
  boolean remoteWorkers() {
    return workersRemote != null && workersRemote > 0;
  }

  /** Chooses the bus and, for zmq, passes the flags as the bus's settings. */
  void configure(Benchmark.Builder b, List<String> problems) {
    String bus = messageBus;
    if (workersRemote != null) {
      if (workersRemote < 1) {
        problems.add("--workers-remote was '" + workersRemote + "' but it must be at least 1");
      } else {
        b.remoteWorkers(workersRemote);
        bus = bus == null ? "zmq" : bus;
      }
    }
    if (bus != null) {
      b.messageBus(bus);
    }
    boolean zmq = "zmq".equalsIgnoreCase(bus);
    if (!zmq && (zmqHost != null || zmqPort != null || curveKeyFile != null
        || curveAuthorizedKeys != null)) {
      problems.add("--zmq-host, --zmq-port and the CURVE flags apply to the zmq bus only: add"
          + " --workers-remote N or --message-bus zmq");
      return;
    }
    if (zmqPort != null && (zmqPort < 0 || zmqPort > 65535)) {
      problems.add("--zmq-port was '" + zmqPort + "' but it must be 0-65535");
    }
    if (curveAuthorizedKeys != null && curveKeyFile == null) {
      problems.add("--curve-authorized-keys needs --curve-key-file: the controller's own keys");
    }
    for (Path f : new Path[] {curveKeyFile, curveAuthorizedKeys}) {
      if (f != null && !Files.exists(f)) {
        problems.add("CURVE key file '" + f + "' does not exist");
      }
    }
    if (zmq && bus != null && problems.isEmpty()) { // zmq: bus is "zmq", so never null here
      Map<String, String> settings = new LinkedHashMap<>();
      put(settings, ZmqBusOptions.HOST, zmqHost);
      put(settings, ZmqBusOptions.PORT, zmqPort);
      put(settings, ZmqBusOptions.KEY_FILE, curveKeyFile);
      put(settings, ZmqBusOptions.AUTHORIZED_KEYS, curveAuthorizedKeys);
      b.messageBus(bus, settings);
    }
  }

  private static void put(Map<String, String> settings, String key, @Nullable Object value) {
    if (value != null) {
      settings.put(key, value.toString());
    }
  }
}
