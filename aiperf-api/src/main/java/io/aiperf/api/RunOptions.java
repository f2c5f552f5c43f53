package io.aiperf.api;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The run/runtime group of {@link Benchmark.Builder}: services and processes (workers, record
 * processors, the message bus), start-up bound, source addresses, listener and console. Mutable
 * while a builder holds it; {@link BenchmarkConfig} keeps its own copy.
 */
final class RunOptions {
  /** IPv4 dotted quads, or IPv6 literals (hex groups and colons, optionally with a dotted tail). */
  private static final Pattern IP_LITERAL = Pattern.compile(
      "((25[0-5]|2[0-4]\\d|1?\\d?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1?\\d?\\d)"
          + "|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

  @Nullable Integer workers;
  @Nullable Integer recordProcessors;
  @Nullable String messageBus;
  Map<String, String> messageBusSettings = Map.of();
  BenchmarkListener listener = BenchmarkListener.NONE;
  Duration startupTimeout = Duration.ofSeconds(60);
  Duration silenceWarning = Duration.ofSeconds(10);
  boolean realtimePacing = true;
  boolean realtimeIo;
  List<String> sourceAddresses = List.of();
  int remoteWorkers;
  List<String> commandLine = List.of();
  @Nullable PrintWriter console;

  RunOptions() {}

  RunOptions(RunOptions o) {
    workers = o.workers;
    recordProcessors = o.recordProcessors;
    messageBus = o.messageBus;
    messageBusSettings = o.messageBusSettings;
    listener = o.listener;
    startupTimeout = o.startupTimeout;
    silenceWarning = o.silenceWarning;
    realtimePacing = o.realtimePacing;
    realtimeIo = o.realtimeIo;
    sourceAddresses = o.sourceAddresses;
    remoteWorkers = o.remoteWorkers;
    commandLine = o.commandLine;
    console = o.console;
  }

  /** Workers, record processors and the bus they talk over. */
  void checkServices(List<String> problems) {
    if (remoteWorkers < 0) {
      problems.add(ConfigChecks.fmt("remoteWorkers was '%d' but it must be at least 0",
          remoteWorkers));
    }
    if (remoteWorkers > 0 && (messageBus == null || messageBus.equalsIgnoreCase("inmemory"))
        && System.getProperty(Benchmark.MESSAGE_BUS_PROPERTY) == null) {
      problems.add(ConfigChecks.fmt("remoteWorkers was '%d' but other processes cannot join the"
          + " in-memory bus: choose one they can, such as messageBus(\"zmq\") (module aiperf-zmq)",
          remoteWorkers));
    }
    for (String key : new TreeSet<>(messageBusSettings.keySet())) {
      if (key.isBlank()) {
        problems.add("messageBus setting key was '" + key + "' but it must not be blank");
      }
    }
    if (!messageBusSettings.isEmpty() && "inmemory".equalsIgnoreCase(messageBus)) {
      problems.add("messageBus settings were '" + new TreeSet<>(messageBusSettings.keySet())
          + "' but the in-memory bus takes no settings");
    }
    if (workers != null && workers < (remoteWorkers > 0 ? 0 : 1)) {
      problems.add(ConfigChecks.fmt("workers was '%d' but it must be at least 1", workers));
    }
    if (recordProcessors != null && recordProcessors < 1) {
      problems.add(ConfigChecks.fmt("recordProcessors was '%d' but it must be at least 1",
          recordProcessors));
    }
  }

  void checkSourcesAndStartup(List<String> problems) {
    for (String a : sourceAddresses) {
      if (!IP_LITERAL.matcher(a).matches()) {
        problems.add("sourceAddress was '" + a + "' but it must be an IP address of this"
            + " machine such as 127.0.0.2 or 10.0.0.5 (host names are not resolved)");
      }
    }
    if (startupTimeout.isNegative() || startupTimeout.isZero()) {
      problems.add("startupTimeout was '" + startupTimeout + "' but it must be positive");
    }
    if (silenceWarning.isNegative()) {
      problems.add("silenceWarning was '" + silenceWarning
          + "' but it must be zero (off) or positive");
    }
  }
}
