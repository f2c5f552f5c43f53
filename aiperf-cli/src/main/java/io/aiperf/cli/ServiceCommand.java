package io.aiperf.cli;

import io.aiperf.engine.ServiceHost;
import io.aiperf.zmq.CurveKeys;
import io.aiperf.zmq.ZmqBus;
import io.aiperf.zmq.ZmqBusOptions;
import io.aiperf.zmq.ZmqMessageBus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aiperf service}: runs one service of a benchmark whose controller is another process,
 * started with {@code aiperf profile ... --workers-remote N}. The process joins over ZeroMQ, gets
 * the run's settings from the controller, serves until the run ends, and exits.
 */
@Command(name = "service", mixinStandardHelpOptions = true,
    description = "Join a run started elsewhere with 'aiperf profile ... --workers-remote N' and"
        + " serve it as one of its workers, until the run ends.")
final class ServiceCommand implements Callable<Integer> {
  @Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
  CommandSpec spec;

  @Option(names = "--type", defaultValue = "worker",
      description = "The service to run: worker (default) or record-processor (parses"
          + " responses and counts tokens for the run; joins at any time).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String type;

  @Option(names = "--controller", required = true,
      description = "The controller's address, as 'aiperf profile' prints it:"
          + " tcp://HOST:PORT.")
  @SuppressWarnings("NullAway.Init") // required: picocli sets it before call()
  String controller;

  @Option(names = "--join-timeout", defaultValue = "60",
      description = "Seconds to wait for the controller to accept (default ${DEFAULT-VALUE}).")
  double joinTimeoutSeconds;

  @Option(names = "--curve-key-file",
      description = "This worker's CURVE certificate (public and secret key), for encrypted"
          + " runs between hosts.")
  @Nullable Path curveKeyFile;

  @Option(names = "--curve-server-key-file",
      description = "The controller's CURVE public certificate: encrypts the connection and"
          + " talks only to that controller.")
  @Nullable Path curveServerKeyFile;

  @Option(names = "--health-port",
      description = "Serve /healthz and /readyz (Kubernetes probes) on this HTTP port; falls"
          + " back to the AIPERF_SERVICE_HEALTH_PORT environment variable, as AIPerf's does."
          + " Without either, no health server.")
  @Nullable Integer healthPort;

  @Option(names = "--health-host",
      description = "The address the health server binds (default 127.0.0.1, or"
          + " AIPERF_SERVICE_HEALTH_HOST; 0.0.0.0 for a pod's probes).")
  @Nullable String healthHost;

  /**
   * Connects, retrying until the join timeout: the controller's host name may not resolve yet
   * (its pod is still starting) or it may not listen yet.
   */
  @SuppressForbidden(reason = "a retry deadline of the command line, not a measurement")
  private ZmqMessageBus connect(ZmqBusOptions options, Duration timeout, PrintWriter err)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        return ZmqBus.connect(controller, options);
      } catch (RuntimeException e) {
        if (System.nanoTime() + RETRY_PAUSE.toNanos() >= deadline) {
          throw new IllegalStateException("Could not reach the controller at " + controller
              + " within " + timeout.toSeconds() + " s: " + e.getMessage(), e);
        }
        Thread.sleep(RETRY_PAUSE.toMillis());
      }
    }
  }

  private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    String kind = type.toLowerCase(Locale.ROOT).replace('-', '_');
    if (!kind.equals("worker") && !kind.equals("record_processor")) {
      err.println("Error: --type was '" + type + "' but it must be worker or record-processor"
          + " (the other services run in the controller's process)");
      return AiperfCommand.EXIT_USAGE;
    }
    if (!controller.matches("tcp://[^\\s:]+:\\d{1,5}")) {
      err.println("Error: --controller was '" + controller + "' but it must look like"
          + " tcp://HOST:PORT, as 'aiperf profile' prints it");
      return AiperfCommand.EXIT_USAGE;
    }
    if (!(joinTimeoutSeconds > 0) || !Double.isFinite(joinTimeoutSeconds)) {
      err.println("Error: --join-timeout was '" + joinTimeoutSeconds + "' but it must be > 0");
      return AiperfCommand.EXIT_USAGE;
    }
    if ((curveKeyFile == null) != (curveServerKeyFile == null)) {
      err.println("Error: --curve-key-file and --curve-server-key-file go together: CURVE needs"
          + " this worker's keys and the controller's public key");
      return AiperfCommand.EXIT_USAGE;
    }
    Integer port = healthPort;
    String portEnv = System.getenv("AIPERF_SERVICE_HEALTH_PORT");
    if (port == null && portEnv != null && !portEnv.isBlank()) {
      try {
        port = Integer.parseInt(portEnv.trim());
      } catch (NumberFormatException e) {
        port = -1;
      }
    }
    if (port != null && (port < 1 || port > 65_535)) {
      err.println("Error: --health-port (or AIPERF_SERVICE_HEALTH_PORT) was '"
          + (healthPort != null ? healthPort : portEnv) + "' but it must be a port from 1 to"
          + " 65535");
      return AiperfCommand.EXIT_USAGE;
    }
    String host = healthHost != null ? healthHost
        : System.getenv().getOrDefault("AIPERF_SERVICE_HEALTH_HOST", "127.0.0.1");
    HealthServer health = null;
    if (port != null) {
      try {
        health = HealthServer.start(host, port);
      } catch (java.io.IOException | RuntimeException e) {
        err.println("Error: the health server could not listen on " + host + ":" + port + ": "
            + e.getMessage());
        return AiperfCommand.EXIT_FAILED;
      }
    }
    try {
      return serve(err, kind, health);
    } finally {
      if (health != null) {
        health.close();
      }
    }
  }

  private int serve(PrintWriter err, String kind, @Nullable HealthServer health)
      throws Exception {
    Duration joinTimeout = Duration.ofMillis(Math.round(joinTimeoutSeconds * 1000));
    // When the run ends the controller closes its hub soon after: do not wait long for it.
    ZmqBusOptions.Builder options = ZmqBusOptions.builder().connectTimeout(joinTimeout)
        .closeTimeout(Duration.ofSeconds(2));
    if (curveKeyFile != null && curveServerKeyFile != null) { // both or neither, checked above
      options.curveKeys(CurveKeys.load(curveKeyFile))
          .curveServerKey(CurveKeys.load(curveServerKeyFile));
    }
    err.println("Joining the run at " + controller + " as a " + kind + "...");
    err.flush();
    try (ZmqMessageBus bus = connect(options.build(), joinTimeout, err)) {
      String id = ServiceHost.run(bus, kind, joinTimeout, serving -> {
        if (health != null) {
          health.state(HealthServer.State.READY);
        }
        err.println(serving + ": joined; serving the run.");
        err.flush();
      });
      if (health != null) {
        health.state(HealthServer.State.ENDED);
      }
      err.println(id + ": the run ended; leaving.");
      return 0;
    } catch (IllegalStateException | IllegalArgumentException e) {
      if (health != null) {
        health.state(HealthServer.State.FAILED);
      }
      err.println("Error: " + e.getMessage());
      return AiperfCommand.EXIT_FAILED;
    }
  }
}
