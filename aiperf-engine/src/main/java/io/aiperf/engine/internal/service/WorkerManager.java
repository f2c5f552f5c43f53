package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.service.Messages.JoinReply;
import io.aiperf.engine.internal.service.Messages.JoinRequest;
import io.aiperf.engine.internal.service.Messages.WorkerHealth;
import io.aiperf.engine.internal.service.Messages.WorkerLost;
import io.aiperf.engine.internal.service.Messages.WorkerReady;
import io.aiperf.engine.internal.service.Messages.WorkersReady;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tracks worker registration, in this process and in others: hands out ids and the run's
 * settings to workers that join, tells the controller when every expected worker is ready, and
 * declares a remote worker lost when its heartbeats stop.
 */
final class WorkerManager extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(WorkerManager.class);
  /** Heartbeats come every second; three missed ones mean the worker is gone. */
  static final long LOST_AFTER_NANOS = TimeUnit.SECONDS.toNanos(3);
  private static final long CHECK_EVERY_MILLIS = 250;
  private static final long JOIN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final List<String> ready = new ArrayList<>();
  /** Guarded by {@link #ready}: the ready workers that hold credits sent ahead. */
  private final List<String> holding = new ArrayList<>();
  private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();
  private final Map<String, String> whereabouts = new ConcurrentHashMap<>();
  private final Map<String, Boolean> lost = new ConcurrentHashMap<>();
  private int joined;
  private int processorsJoined;
  private @Nullable ScheduledExecutorService watchdog;
  private final NanoClock clock;

  WorkerManager(String id, MessageBus bus, BenchmarkConfig config) {
    this(id, bus, config, NanoClock.SYSTEM);
  }

  WorkerManager(String id, MessageBus bus, BenchmarkConfig config, NanoClock clock) {
    super(id, bus, config);
    this.clock = clock;
  }

  private int expected() {
    return config.workers() + config.remoteWorkers();
  }

  @Override
  void onInitialize() {
    track(bus.subscribe(WorkerReady.class, this::onReady));
    boolean joinable = config.remoteWorkers() > 0 || config.messageBus()
        .filter(b -> !b.equalsIgnoreCase("inmemory")).isPresent();
    if (joinable) {
      track(bus.respond(Messages.JOIN, this::onJoin));
      // Remote services measure their clock against this one (ClockSync): answer at once.
      track(bus.respond(Messages.CLOCK, ClockSync.answering(clock)));
      track(bus.subscribe(WorkerHealth.class,
          h -> lastHeard.computeIfPresent(h.workerId(), (k, v) -> clock.nanoTime())));
      ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "aiperf-worker-watchdog");
        t.setDaemon(true);
        return t;
      });
      this.watchdog = watchdog;
      watchdog.scheduleWithFixedDelay(this::checkHeartbeats, CHECK_EVERY_MILLIS,
          CHECK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
      // Once the results are out, services leaving is the normal end, not a loss.
      track(bus.subscribe(Messages.ProfileResults.class, r -> watchdog.shutdownNow()));
    }
  }

  private synchronized BusMessage onJoin(BusMessage m) {
    if (!(m instanceof JoinRequest join)) {
      return new JoinReply(false, null, "not a join request", null);
    }
    String workerId;
    if (join.serviceType().equals("record_processor")) {
      // Extra record processors are welcome at any time: they share the parsing.
      workerId = "record_processor_r" + processorsJoined++;
    } else if (!join.serviceType().equals("worker")) {
      return new JoinReply(false, null, "services of type '" + join.serviceType()
          + "' cannot join; worker and record_processor can", null);
    } else if (joined >= config.remoteWorkers()) {
      return new JoinReply(false, null, "the run already has its " + config.remoteWorkers()
          + " remote workers", null);
    } else {
      workerId = "worker_r" + joined++;
    }
    // Heartbeats start once the worker has set up its transport: give it that long.
    lastHeard.put(workerId, clock.nanoTime() + JOIN_GRACE_NANOS);
    whereabouts.put(workerId, join.host() + " pid " + join.pid());
    log.info("Remote {} joined from {} pid {}", workerId, join.host(), join.pid());
    bus.publish(new Messages.ServiceJoined(workerId));
    return new JoinReply(true, workerId, null, RemoteServices.spec(config));
  }

  private void onReady(WorkerReady r) {
    boolean all;
    List<String> ids;
    List<String> holders;
    synchronized (ready) {
      if (ready.contains(r.workerId())) {
        return;
      }
      ready.add(r.workerId());
      if (r.holdsCredits()) {
        holding.add(r.workerId());
      }
      all = ready.size() == expected();
      ids = List.copyOf(ready);
      holders = List.copyOf(holding);
    }
    if (all) {
      bus.publish(new WorkersReady(ids, holders));
    }
  }

  private void checkHeartbeats() {
    long now = clock.nanoTime();
    for (var e : lastHeard.entrySet()) {
      String worker = e.getKey();
      long silent = now - e.getValue();
      if (silent > LOST_AFTER_NANOS && lost.putIfAbsent(worker, true) == null) {
        String reason = String.format(java.util.Locale.ROOT,
            "no heartbeat for %.1f s from %s", silent / 1e9, whereabouts.get(worker));
        log.error("Worker {} lost: {}", worker, reason);
        try {
          bus.publish(new WorkerLost(worker, reason));
        } catch (RuntimeException closed) {
          return; // the run is ending
        }
      }
    }
  }

  @Override
  void onStop() {
    ScheduledExecutorService watchdog = this.watchdog;
    if (watchdog != null) {
      watchdog.shutdownNow();
    }
  }
}
