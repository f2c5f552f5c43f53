package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.BusMessage;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.prometheus.Scraper;
import io.aiperf.engine.internal.service.Messages.Phase;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server-metrics and GPU-telemetry services share: Prometheus endpoints scraped every
 * {@link #INTERVAL} (AIPerf's 333 ms) on threads of their own, stamped with the engine's clock,
 * and three moments that make the windows exact:
 * <ul>
 *   <li>before each phase ({@link Messages.TelemetryBaseline}) every endpoint is scraped anew and
 *       the timing manager waits for it, so a phase's increases count from a page made after the
 *       phase before it ended and before its first request;
 *   <li>when the profiling load ended ({@link Messages.CreditsComplete}) every endpoint is
 *       scraped again, until its counters stop moving (at most AIPerf's 2 s flush period);
 *   <li>when the result is in ({@link Messages.TelemetryFinish}) the subclass summarizes.
 * </ul>
 * A scrape sent before one of these moments that comes back after it is not kept: its page may
 * predate the moment. An endpoint that cannot be scraped at first is dropped with one warning
 * naming it and why; one that fails later gets one warning and is tried again. All state lives
 * on the service's own thread.
 */
abstract class ScrapingService extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(ScrapingService.class);
  /** AIPerf's {@code COLLECTION_INTERVAL}. */
  static final Duration INTERVAL = Duration.ofMillis(333);
  /** One scrape's bound, connection included. */
  static final Duration SCRAPE_TIMEOUT = Duration.ofSeconds(5);
  /** AIPerf's {@code COLLECTION_FLUSH_PERIOD}: how long counters may take to settle. */
  static final Duration FLUSH = Duration.ofSeconds(2);
  private static final long SETTLE_RETRY_NANOS = 100_000_000L;

  /** One endpoint and what is known of it. */
  static final class Target {
    final URI url;
    /** Named by the user (warned about at WARN), or a default (at DEBUG when it fails). */
    final boolean explicit;
    Status status = Status.PROBING;
    boolean inFlight;
    boolean warned;
    int failures;
    @Nullable String problem;
    /** Bumped at each moment: scrapes sent before it are not kept. */
    int epoch;
    long signature = Long.MIN_VALUE;

    Target(URI url, boolean explicit) {
      this.url = url;
      this.explicit = explicit;
    }
  }

  enum Status { PROBING, UP, DOWN }

  final NanoClock clock;
  final List<Target> targets = new ArrayList<>();
  private @Nullable ScheduledExecutorService state;
  /** Set on the service's thread by its first task; used only there. */
  private @Nullable Scraper scraper;
  private @Nullable ScheduledFuture<?> ticks;
  private final String threadName;
  long warmupStart = Long.MIN_VALUE;
  long profilingStart = Long.MIN_VALUE;
  long loadEnd = Long.MIN_VALUE;
  long finalEnd = Long.MIN_VALUE;
  private boolean finalRoundsStarted;
  private boolean finalDone;
  private boolean finishRequested;
  private boolean finished;
  private final long wallBase;
  private final long nanoBase;

  ScrapingService(String id, MessageBus bus, BenchmarkConfig config, NanoClock clock,
      String threadName) {
    super(id, bus, config);
    this.clock = clock;
    this.threadName = threadName;
    this.wallBase = clock.wallNanos();
    this.nanoBase = clock.nanoTime();
  }

  /** What the service is, at the start of its messages: "Server metrics", "GPU telemetry". */
  abstract String what();

  /** Keeps one page; on the service's thread. */
  abstract void record(Target t, Scraper.Result r, long madeNanos, @Nullable Phase phase);

  /** The summary to publish when the run's result is in; on the service's thread. */
  abstract BusMessage summarize();

  /** A number that stops changing when the endpoint's counters settle; 0 when not watched. */
  long settleSignature(Target t) {
    return 0;
  }

  /** Whether the final scrapes wait for counters to settle (AIPerf's flush period). */
  boolean settles() {
    return false;
  }

  /** The thread all state lives on. */
  final ScheduledExecutorService thread() {
    return initialized(state);
  }

  /** Engine nanoseconds to wall-clock nanoseconds, as the other exports convert them. */
  final long toWall(long nanos) {
    return wallBase + (nanos - nanoBase);
  }

  @Override
  void onInitialize() throws Exception {
    ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, threadName);
      t.setDaemon(true);
      return t;
    });
    state = s;
    track(bus.subscribe(Messages.PhaseStarted.class, p -> s.execute(() -> {
      if (p.phase() == Phase.WARMUP && warmupStart == Long.MIN_VALUE) {
        warmupStart = p.startNanos();
      } else if (p.phase() == Phase.PROFILING) {
        profilingStart = p.startNanos();
      }
    })));
    track(bus.subscribe(Messages.TelemetryBaseline.class, b -> s.execute(() ->
        baseline(b.phase(), clock.nanoTime() + SCRAPE_TIMEOUT.toNanos()))));
    track(bus.subscribe(Messages.CreditsComplete.class, c -> {
      long now = clock.nanoTime();
      if (c.phase() == Phase.PROFILING) {
        s.execute(() -> loadEnded(now));
      }
    }));
    track(bus.subscribe(Messages.TelemetryFinish.class, f -> s.execute(this::finishRequested)));
  }

  @Override
  void onStart() {
    ScheduledExecutorService s = thread();
    s.execute(() -> {
      // Made here, on the service's thread: the JDK's HTTP client takes a while to set up (TLS
      // included), and the run's start-up steps need not wait for it.
      scraper = new Scraper(threadName + "-scrape", Math.min(4, Math.max(1, targets.size())),
          SCRAPE_TIMEOUT, clock);
      for (Target t : targets) {
        scrape(t, r -> { });
      }
    });
    ticks = s.scheduleAtFixedRate(this::tick, INTERVAL.toNanos(), INTERVAL.toNanos(),
        TimeUnit.NANOSECONDS);
  }

  private void tick() {
    for (Target t : targets) {
      if (t.status == Status.UP && !t.inFlight) {
        scrape(t, r -> { });
      }
    }
  }

  /** Scrapes one endpoint on a scraper thread; the result comes back to this service's thread. */
  private void scrape(Target t, java.util.function.Consumer<Scraper.@Nullable Result> then) {
    int epoch = t.epoch;
    t.inFlight = true;
    initialized(scraper).scrapeAsync(t.url).whenComplete((r, e) -> {
      try {
        thread().execute(() -> {
          t.inFlight = false;
          if (r != null && epoch == t.epoch) {
            handle(t, r);
          }
          then.accept(epoch == t.epoch ? r : null);
        });
      } catch (java.util.concurrent.RejectedExecutionException stopped) {
        // The service stopped meanwhile.
      }
    });
  }

  private void handle(Target t, Scraper.Result r) {
    if (r.page() != null) {
      if (t.status == Status.PROBING) {
        t.status = Status.UP;
        log.debug("{}: {} is reachable", what(), t.url);
      }
      long made = r.firstByteNanos() != 0 ? r.firstByteNanos() : r.doneNanos();
      record(t, r, made, phaseAt(made));
      t.signature = settleSignature(t);
      return;
    }
    String problem = String.valueOf(r.problem());
    t.failures++;
    if (t.status == Status.PROBING) {
      t.status = Status.DOWN;
      t.problem = problem;
      warnOnce(t, what() + ": " + t.url + " could not be scraped (" + problem + "); the run goes"
          + " on without it");
    } else {
      t.problem = problem;
      warnOnce(t, what() + ": a scrape of " + t.url + " failed (" + problem + "); scraping goes"
          + " on, and what was scraped before is kept");
    }
  }

  private void warnOnce(Target t, String message) {
    if (t.warned) {
      log.debug(message);
      return;
    }
    t.warned = true;
    if (t.explicit) {
      log.warn(message);
    } else {
      log.debug(message); // a default that is not there is no news (AIPerf's DCGM defaults)
    }
  }

  private @Nullable Phase phaseAt(long nanos) {
    if (profilingStart != Long.MIN_VALUE && nanos >= profilingStart) {
      return Phase.PROFILING;
    }
    if (warmupStart != Long.MIN_VALUE && nanos >= warmupStart) {
      return Phase.WARMUP;
    }
    return null;
  }

  /** Scrapes every endpoint anew (once the first probes are back), then says so. */
  private void baseline(Phase phase, long deadline) {
    boolean probing = targets.stream().anyMatch(t -> t.status == Status.PROBING);
    if (probing && clock.nanoTime() < deadline) {
      thread().schedule(() -> baseline(phase, deadline), 10, TimeUnit.MILLISECONDS);
      return;
    }
    round(() -> bus.publish(new Messages.TelemetryBaselineTaken(id, phase)));
  }

  /** Scrapes every reachable endpoint once, past any scrape still out, then runs {@code done}. */
  private void round(Runnable done) {
    List<Target> up = targets.stream().filter(t -> t.status == Status.UP).toList();
    if (up.isEmpty()) {
      done.run();
      return;
    }
    int[] left = {up.size()};
    for (Target t : up) {
      t.epoch++;
      scrape(t, r -> {
        if (--left[0] == 0) {
          done.run();
        }
      });
    }
  }

  private void loadEnded(long now) {
    if (loadEnd != Long.MIN_VALUE) {
      return;
    }
    loadEnd = now;
    finalRounds();
  }

  private void finalRounds() {
    finalRoundsStarted = true;
    long[] before = targets.stream().mapToLong(t -> t.signature).toArray();
    round(() -> {
      finalEnd = clock.nanoTime();
      boolean settled = true;
      for (int i = 0; i < targets.size(); i++) {
        Target t = targets.get(i);
        settled &= t.status != Status.UP || t.signature == before[i];
      }
      boolean late = clock.nanoTime() - loadEnd >= FLUSH.toNanos();
      if (!settles() || settled || late) {
        finalDone = true;
        ScheduledFuture<?> f = ticks;
        if (f != null) {
          f.cancel(false);
        }
        if (finishRequested) {
          finish();
        }
      } else {
        thread().schedule(this::finalRounds, SETTLE_RETRY_NANOS, TimeUnit.NANOSECONDS);
      }
    });
  }

  private void finishRequested() {
    finishRequested = true;
    if (finalDone) {
      finish();
    } else if (!finalRoundsStarted) {
      // The load never ended as planned (a failure): the last page is now.
      loadEnd = clock.nanoTime();
      finalRounds();
    }
  }

  private void finish() {
    if (finished) {
      return;
    }
    finished = true;
    BusMessage summary;
    try {
      summary = summarize();
    } catch (RuntimeException e) {
      log.error("{}: the summary failed; the run's other results are kept", what(), e);
      return;
    }
    bus.publish(summary);
  }

  @Override
  void onStop() {
    ScheduledExecutorService s = state;
    if (s != null) {
      s.shutdownNow();
      try {
        // The subclass closes its files next: let a page being written finish first.
        s.awaitTermination(1, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Scraper sc = scraper;
    if (sc != null) {
      sc.close();
    }
  }

  /**
   * AIPerf's rule for a metrics URL: {@code http://} when no scheme is given, no trailing
   * slash, {@code /metrics} appended unless the path ends with it.
   *
   * @param url the URL as given
   * @return the URL to scrape
   */
  static URI metricsUrl(String url) {
    String u = url.strip();
    if (!u.startsWith("http://") && !u.startsWith("https://")) {
      u = "http://" + u;
    }
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    if (!u.endsWith("/metrics")) {
      u = u + "/metrics";
    }
    return URI.create(u);
  }
}
