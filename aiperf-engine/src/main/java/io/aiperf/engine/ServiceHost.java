package io.aiperf.engine;

import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.ServiceProvider.Service;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.service.ClockSync;
import io.aiperf.engine.internal.service.Messages;
import io.aiperf.engine.internal.service.RemoteServices;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one service of a benchmark whose controller is in another process (or on another host):
 * this is what {@code aiperf service --type worker --controller tcp://HOST:PORT} does. The
 * controller starts the run with {@code remoteWorkers(n)} on a bus other processes can join.
 *
 * <pre>{@code
 * try (MessageBus bus = ZmqBus.connect("tcp://10.0.0.5:5557", ZmqBusOptions.defaults())) {
 *   ServiceHost.run(bus, "worker", Duration.ofSeconds(60));
 * }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class ServiceHost {
  private static final Logger log = LoggerFactory.getLogger(ServiceHost.class);
  /** The controller sends a heartbeat every second; this long without one means it is gone. */
  static final Duration CONTROLLER_SILENCE = Duration.ofSeconds(10);
  private static final Duration JOIN_ATTEMPT = Duration.ofSeconds(5);
  private static final Duration JOIN_RETRY_PAUSE = Duration.ofMillis(500);
  private static final NanoClock CLOCK = NanoClock.SYSTEM;

  private ServiceHost() {}

  /**
   * Joins the run and serves it until the run ends, the controller goes silent, or the thread is
   * interrupted.
   *
   * @param bus a bus connected to the controller's
   * @param serviceType the service to run: {@code worker} or {@code record_processor}
   * @param joinTimeout how long to wait for the controller to accept
   * @return the id the controller gave the service
   * @throws IllegalStateException if the controller does not answer in time or refuses, or the
   *     controller went silent during the run
   * @throws InterruptedException if interrupted while serving
   */
  public static String run(MessageBus bus, String serviceType, Duration joinTimeout)
      throws InterruptedException {
    return run(bus, serviceType, joinTimeout, id -> { });
  }

  /**
   * Joins the run and serves it, as {@link #run(MessageBus, String, Duration)}, telling the
   * caller once the service is up.
   *
   * @param bus a bus connected to the controller's
   * @param serviceType the service to run: {@code worker} or {@code record_processor}
   * @param joinTimeout how long to wait for the controller to accept
   * @param onServing called with the service's id once it takes requests
   * @return the id the controller gave the service
   * @throws IllegalStateException if the controller does not answer in time or refuses, or the
   *     controller went silent during the run
   * @throws InterruptedException if interrupted while serving
   */
  public static String run(MessageBus bus, String serviceType, Duration joinTimeout,
      java.util.function.Consumer<String> onServing) throws InterruptedException {
    Messages.JoinReply reply = join(bus, serviceType, joinTimeout);
    // join returns only accepted replies, and an accepted reply names the service and its spec.
    String id = Objects.requireNonNull(reply.serviceId(), "an accepted join names the service");
    Messages.RemoteSpec spec = Objects.requireNonNull(reply.spec(),
        "an accepted join carries the spec");
    CompletableFuture<String> ended = new CompletableFuture<>();
    java.util.concurrent.atomic.AtomicLong lastHeard =
        new java.util.concurrent.atomic.AtomicLong(CLOCK.nanoTime());
    var heartbeats = bus.subscribe(Messages.ControllerHeartbeat.class,
        h -> lastHeard.set(CLOCK.nanoTime()));
    var endings = bus.subscribe(Messages.RunEnded.class, e -> ended.complete(e.reason()));
    // Until a worker sends its own health reports, and for the whole run of other services,
    // this heartbeat tells the controller the service is alive.
    java.util.concurrent.ScheduledExecutorService beat = heartbeat(bus, id);
    // As in the controller's JVM, the first credits should be timed by compiled code: this
    // process warms the client's path against an in-process server before it serves.
    try {
      RemoteServices.warmUp(spec);
    } catch (InterruptedException e) {
      beat.shutdownNow();
      heartbeats.close();
      endings.close();
      throw e;
    }
    // The controller's clock is the run's: measure this one against it before the first credit.
    ClockSync clockSync = ClockSync.start(bus, id, hostName() + " pid "
        + ProcessHandle.current().pid(), CLOCK, ClockSync.correctionEnabled());
    Service service = serviceType.equals("worker")
        ? RemoteServices.worker(id, bus, spec, clockSync)
        : RemoteServices.recordProcessor(id, bus, spec);
    try {
      service.initialize();
      service.start();
      if (serviceType.equals("worker")) {
        beat.shutdownNow(); // the worker's health reports are its heartbeat from here
      }
      log.info("Serving as {}", id);
      onServing.accept(id);
      while (true) {
        try {
          String reason = ended.get(500, TimeUnit.MILLISECONDS);
          log.info("{}: the run ended ({})", id, reason);
          return id;
        } catch (TimeoutException notYet) {
          if (CLOCK.nanoTime() - lastHeard.get() > CONTROLLER_SILENCE.toNanos()) {
            throw new IllegalStateException("The controller went silent: no heartbeat for "
                + CONTROLLER_SILENCE.toSeconds() + " s; leaving the run");
          }
        } catch (ExecutionException e) {
          throw new IllegalStateException("Serving failed: " + e.getCause(), e.getCause());
        }
      }
    } catch (InterruptedException e) {
      throw e;
    } catch (Exception e) {
      if (e instanceof IllegalStateException ise) {
        throw ise;
      }
      throw new IllegalStateException(id + " could not start: " + e.getMessage(), e);
    } finally {
      beat.shutdownNow();
      service.stop();
      clockSync.close();
      heartbeats.close();
      endings.close();
      try {
        bus.publish(new Messages.ServiceLeaving(id));
      } catch (RuntimeException e) {
        log.debug("Could not say goodbye: {}", e.toString());
      }
    }
  }

  /** A heartbeat every second on a thread of its own, from now until it is shut down. */
  private static java.util.concurrent.ScheduledExecutorService heartbeat(MessageBus bus,
      String id) {
    var beat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, id + "-heartbeat");
      t.setDaemon(true);
      return t;
    });
    beat.scheduleAtFixedRate(() -> {
      try {
        bus.publish(Messages.WorkerHealth.heartbeat(id));
      } catch (RuntimeException closed) {
        // leaving
      }
    }, 0, 1, TimeUnit.SECONDS);
    return beat;
  }

  private static String hostName() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "unknown-host";
    }
  }

  private static Messages.JoinReply join(MessageBus bus, String serviceType, Duration timeout)
      throws InterruptedException {
    String host = hostName();
    // The controller may not be listening yet (its pod starts after this one, or it is still
    // loading): ask again until the timeout, not just once.
    long deadline = CLOCK.nanoTime() + timeout.toNanos();
    BusMessage answer = null;
    Throwable last = null;
    while (answer == null) {
      long left = deadline - CLOCK.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("No controller accepted this " + serviceType
            + " within " + timeout.toSeconds() + " s: start 'aiperf profile ... --workers-remote"
            + " N' first, and check the --controller address (last answer: "
            + (last == null ? "none" : last.getMessage() == null ? last : last.getMessage())
            + ")", last);
      }
      Duration attempt = Duration.ofNanos(Math.min(left, JOIN_ATTEMPT.toNanos()));
      try {
        answer = bus.request(Messages.JOIN, new Messages.JoinRequest(serviceType, host,
            ProcessHandle.current().pid()), attempt).get(attempt.toNanos() + 1_000_000_000L,
            TimeUnit.NANOSECONDS);
      } catch (ExecutionException | TimeoutException e) {
        last = e.getCause() == null ? e : e.getCause();
        log.debug("Join not answered yet: {}", last.toString());
        Thread.sleep(Math.min(JOIN_RETRY_PAUSE.toMillis(),
            Math.max(0, (deadline - CLOCK.nanoTime()) / 1_000_000)));
      }
    }
    if (!(answer instanceof Messages.JoinReply reply)) {
      throw new IllegalStateException("The controller answered the join with " + answer);
    }
    if (!reply.accepted()) {
      throw new IllegalStateException("The controller refused this " + serviceType + ": "
          + reply.reason());
    }
    return reply;
  }
}
