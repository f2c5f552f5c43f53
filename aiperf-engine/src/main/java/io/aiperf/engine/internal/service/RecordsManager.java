package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.MetricResult;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.MetricProvider.DerivedMetric;
import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.RunTotals;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.metrics.MetricsAggregator;
import io.aiperf.engine.internal.metrics.RecordValues;
import io.aiperf.engine.internal.service.Messages.CreditsComplete;
import io.aiperf.engine.internal.service.Messages.Phase;
import io.aiperf.engine.internal.service.Messages.ProcessedRecord;
import io.aiperf.engine.internal.service.Messages.ProfileResults;
import io.aiperf.engine.internal.service.Messages.Progress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Aggregates every processed record of the run and, once all credits are back and every record has
 * arrived, computes the result. All state is touched by its one thread only.
 */
final class RecordsManager extends AbstractService {
  /** Credit ids recorded so far (ids count up from 0: a bit each). */
  private final java.util.BitSet recorded = new java.util.BitSet();
  /** Workers declared lost, with why. */
  private final Map<String, String> lostWorkers = new java.util.concurrent.ConcurrentHashMap<>();
  private volatile Messages.@Nullable PacingPriority pacing;

  /** The latest health report of each worker. */
  private final Map<String, Messages.WorkerHealth> workerHealth =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(RecordsManager.class);
  private final NanoClock clock;
  private final long wallBase;
  private final long nanoBase;
  private @Nullable ScheduledExecutorService executor;
  private @Nullable MetricsAggregator aggregator;
  /** Null unless the run has a listener, the only reader of live statistics. */
  private @Nullable LiveView liveView;
  private final List<DerivedMetric> derived = new ArrayList<>();
  private final Map<ErrorKey, Long> errors = new LinkedHashMap<>();
  static final String CANCELLED = "RequestCancellationError";
  private long successes;
  private long failures;
  private long cancellations;
  private long warmupRecords;
  private long firstSend = Long.MAX_VALUE;
  private long lastSend = Long.MIN_VALUE;
  private long firstStart = Long.MAX_VALUE;
  private long lastEnd = Long.MIN_VALUE;
  private long expected = -1;
  private long firstCreditId = -1;
  /** Each phase's first credit id (by ordinal), -1 until it starts: for a request's index in it. */
  private final long[] phaseFirstCredit = initialFirstCredits();
  /**
   * Records that came before their phase's start: the start is an event and the records travel
   * on a channel, so a fast first answer can overtake it. Exported once their index is known.
   */
  private final List<ProcessedRecord> beforePhaseStart = new ArrayList<>();
  private boolean cancelled;
  private boolean finished;
  private long lastRecordNanos;
  private final Map<String, Double> slos;
  private @Nullable GoodputSlos goodput;
  private long goodRequests;
  /** The per-request files; null until initialized. */
  private @Nullable RecordExports exports;
  private long profilingStart = Long.MIN_VALUE;
  /** The JIT compilers' total time when profiling started, -1 when not known. */
  private long jitMillisAtProfilingStart = -1;
  /** When the first phase (warmup or profiling) began sending; read by the progress tick. */
  private volatile long firstPhaseStart = Long.MIN_VALUE;
  /** Null unless the run has a slice duration. */
  private @Nullable Timeslices slices;
  /** Every profiling request's stamps, for AIPerf's time-weighted metrics, folded as they come. */
  private final io.aiperf.engine.internal.metrics.RequestSpans spans =
      new io.aiperf.engine.internal.metrics.RequestSpans();
  private io.aiperf.engine.internal.metrics.RequestSpans.@Nullable Columns spanColumns;
  private static final long STALL_LIMIT_NANOS = 30_000_000_000L;
  /**
   * Records still arriving this long after the load ended mean the record processors fell
   * behind: said in the log while waiting, and in the result when it also exceeds a tenth of the
   * benchmark window.
   */
  static final long BACKLOG_WARNING_NANOS = Warnings.BACKLOG_WARNING_NANOS;
  /** When every profiling credit had come back (the load ended); MIN_VALUE until then. */
  private long loadEndedNanos = Long.MIN_VALUE;
  /** Records not yet arrived when the load ended. */
  private long backlogAtLoadEnd;
  private boolean backlogLogged;
  /** From the load's end to the last record; -1 until the run finishes. */
  private long processingLagNanos = -1;
  /** The remote services' clocks against the controller's; empty when all run here. */
  private final RemoteClocks remoteClocks = new RemoteClocks();
  /** After a record processor is lost, records still on their way get this long to arrive. */
  private static final long LOST_PROCESSOR_SETTLE_NANOS = 5_000_000_000L;

  private static long[] initialFirstCredits() {
    long[] first = new long[Phase.values().length];
    java.util.Arrays.fill(first, -1);
    return first;
  }

  RecordsManager(String id, MessageBus bus, BenchmarkConfig config, NanoClock clock) {
    super(id, bus, config);
    this.clock = clock;
    this.wallBase = clock.wallNanos();
    this.slos = config.goodput();
    this.nanoBase = clock.nanoTime();
  }

  @Override
  void onInitialize() throws java.io.IOException {
    // Embeddings and rankings have no output tokens: a token throughput of 0 would be a lie.
    boolean tokens = EngineSupport.endpointProvider(config).producesTokens();
    boolean openLoop = EngineSupport.openLoop(config); // a send rate without a schedule is noise
    for (MetricProvider p : Plugins.all(MetricProvider.class)) {
      p.derivedMetrics().stream()
          .filter(d -> tokens || !d.info().has(io.aiperf.api.spi.MetricFlag.PRODUCES_TOKENS_ONLY))
          .filter(d -> openLoop || !d.info().has(io.aiperf.api.spi.MetricFlag.OPEN_LOOP_ONLY))
          .forEach(derived::add);
    }
    MetricRegistry registry = MetricRegistry.installed();
    aggregator = new MetricsAggregator(registry.infos());
    spanColumns = io.aiperf.engine.internal.metrics.RequestSpans.Columns.of(registry);
    if (config.listener() != io.aiperf.api.BenchmarkListener.NONE) {
      liveView = new LiveView(config, registry.infos(), derived);
    }
    goodput = new GoodputSlos(slos, registry);
    if (config.sliceDuration().isPresent()) {
      GoodputSlos slos = initialized(goodput);
      slices = new Timeslices(config, config.sliceDuration().get().toNanos(), registry.infos(),
          derived, this.slos.isEmpty() ? null : slos::met);
      spans.sliceGrid(config.sliceDuration().get().toNanos());
    }
    RecordExports exports = new RecordExports(config, registry, this::toWallNanos);
    this.exports = exports;
    track(bus.subscribe(Messages.WorkerHealth.class, h -> workerHealth.put(h.workerId(), h)));
    track(bus.subscribe(Messages.ClockReport.class, remoteClocks::onReport));
    track(bus.subscribe(Messages.PacingPriority.class, p -> pacing = p));
    track(bus.subscribe(Messages.WorkerLost.class, l -> lostWorkers.put(l.workerId(),
        l.reason())));
    track(bus.subscribe(Messages.DatasetReady.class, d -> exports.conversations(d.conversations()
        .stream().map(Messages.PreparedConversation::id).toList())));
    ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, id);
      t.setDaemon(true);
      return t;
    });
    this.executor = executor;
    // The phase start opens the benchmark window, timeslices or not.
    track(bus.subscribe(Messages.PhaseStarted.class, s -> executor.execute(() -> {
      if (firstPhaseStart == Long.MIN_VALUE) {
        firstPhaseStart = s.startNanos();
      }
      phaseFirstCredit[s.phase().ordinal()] = s.firstCreditId();
      exportThoseBefore(s.phase());
      if (s.phase() == Phase.PROFILING) {
        profilingStart = s.startNanos();
        jitMillisAtProfilingStart = JitTime.compiledMillis();
      }
    })));
    track(bus.consume(Messages.RECORDS, executor, m -> onRecord((ProcessedRecord) m)));
    track(bus.subscribe(CreditsComplete.class, c -> executor.execute(() -> {
      if (c.phase() != Phase.PROFILING) {
        return;
      }
      expected = c.sent();
      firstCreditId = c.firstCreditId();
      cancelled = c.cancelled();
      lastRecordNanos = clock.nanoTime();
      loadEndedNanos = lastRecordNanos;
      backlogAtLoadEnd = Math.max(0, expected - ended());
      maybeFinish();
      if (!finished) {
        executor.scheduleWithFixedDelay(this::watchdog, 1, 1, TimeUnit.SECONDS);
      }
    })));
  }

  @Override
  void onStart() {
    initialized(executor).scheduleAtFixedRate(() -> {
      if (!finished) {
        bus.publish(progress());
      }
      // The exports buffer their lines; a file being watched lags the run by about a second.
      if (exports != null) {
        exports.flush();
      }
    }, 1, 1, TimeUnit.SECONDS);
  }

  /** Counts so far, and the in-flight view of the workers' last health reports. */
  private Progress progress() {
    int inFlight = 0;
    int silent = 0;
    long longestSilence = 0;
    long oldest = 0;
    for (Messages.WorkerHealth h : workerHealth.values()) {
      if (!lostWorkers.containsKey(h.workerId())) {
        inFlight += h.inFlight();
        silent += h.silent();
        longestSilence = Math.max(longestSilence, h.longestSilenceNanos());
        oldest = Math.max(oldest, h.oldestInFlightNanos());
      }
    }
    long now = clock.nanoTime();
    long sending = firstPhaseStart;
    long sinceLastEnd = sending == Long.MIN_VALUE ? 0 : now - Math.max(sending, lastRecordNanos);
    return new Progress(ended(), failures + cancellations,
        config.requestCount() > 0 ? config.requestCount() : -1, inFlight, silent, longestSilence,
        oldest, sinceLastEnd, live(now));
  }

  /** The listener's live statistics, from what this service already keeps; null without one. */
  private io.aiperf.api.@Nullable LiveMetrics live(long now) {
    LiveView view = liveView;
    if (view == null) {
      return null;
    }
    io.aiperf.api.LiveMetrics.Phase phase = profilingStart == Long.MIN_VALUE
        ? (config.hasWarmup() ? io.aiperf.api.LiveMetrics.Phase.WARMUP
            : io.aiperf.api.LiveMetrics.Phase.PROFILING)
        : loadEndedNanos != Long.MIN_VALUE ? io.aiperf.api.LiveMetrics.Phase.PROCESSING
            : io.aiperf.api.LiveMetrics.Phase.PROFILING;
    var counts = new LiveView.Counts(successes, failures, cancellations, goodRequests, ended(),
        windowNanos(), lastSend > firstSend ? lastSend - firstSend : 0);
    return view.snapshot(phase, profilingStart == Long.MIN_VALUE ? 0 : now - profilingStart,
        warmupRecords, initialized(aggregator), counts, errorSummary(), workerHealth,
        lostWorkers);
  }

  private void onRecord(ProcessedRecord r) {
    lastRecordNanos = clock.nanoTime();
    // One record per request: a worker declared lost that was only slow may still send one for a
    // request already recorded as WorkerLost.
    if (r.creditId() >= 0 && r.creditId() < Integer.MAX_VALUE) {
      int id = (int) r.creditId();
      if (recorded.get(id)) {
        log.warn("A second record for request {} ({}) was dropped", r.creditId(),
            r.success() ? "a success" : r.errorType());
        return;
      }
      recorded.set(id);
    }
    if (r.phase() == Phase.WARMUP) {
      warmupRecords++;
      // AIPerf writes warmup requests too, marked as such; they count in no statistic.
      export(r);
      return;
    }
    if (r.startNanos() > 0) {
      firstSend = Math.min(firstSend, r.startNanos());
      lastSend = Math.max(lastSend, r.startNanos());
      firstStart = Math.min(firstStart, r.startNanos());
    }
    // As AIPerf: the window ends where the last request of the phase ended, whatever its outcome,
    // so a run where most requests fail is not reported as fast as its few good ones.
    if (r.endNanos() > 0) {
      lastEnd = Math.max(lastEnd, r.endNanos());
    }
    export(r);
    spans.add(r.startNanos(), r.endNanos(), r.values(), initialized(spanColumns));
    if (slices != null) {
      slices.add(r, profilingStart); // failed ones too: AIPerf's slices count them
    }
    if (r.success()) {
      successes++;
      initialized(aggregator).add(r.values());
      if (!slos.isEmpty() && initialized(goodput).met(r.values())) {
        goodRequests++;
      }
    } else {
      initialized(aggregator).add(r.values()); // error_isl only
      if (CANCELLED.equals(r.errorType())) {
        cancellations++;
      } else {
        failures++;
      }
      // RecordProcessor.error(..) and writeOffUnrecorded() name every failure.
      errors.merge(new ErrorKey(r.errorCode(),
          Objects.requireNonNull(r.errorType(), "a failed record has an error type"),
          Objects.requireNonNull(r.errorMessage(), "a failed record has an error message")),
          1L, Long::sum);
    }
    maybeFinish();
  }

  /** Writes a record to the per-request exports that are on, with its index in its phase. */
  private void export(ProcessedRecord r) {
    long first = phaseFirstCredit[r.phase().ordinal()];
    if (first < 0) {
      beforePhaseStart.add(r);
      return;
    }
    initialized(exports).write(r, r.creditId() - first);
  }

  /** Exports the records of a phase (all, given null) that came before its start was known. */
  private void exportThoseBefore(@Nullable Phase phase) {
    beforePhaseStart.removeIf(r -> {
      if (phase != null && r.phase() != phase) {
        return false;
      }
      initialized(exports).write(r,
          r.creditId() - Math.max(0, phaseFirstCredit[r.phase().ordinal()]));
      return true;
    });
  }

  /**
   * Every credit is back, so every record is on its way; if they stop arriving, some were lost.
   * Better a loud failure than a run that never ends.
   */
  private void watchdog() {
    long quiet = clock.nanoTime() - lastRecordNanos;
    long sinceLoadEnd = clock.nanoTime() - loadEndedNanos;
    if (!finished && !backlogLogged && sinceLoadEnd >= BACKLOG_WARNING_NANOS) {
      backlogLogged = true;
      log.info("The load ended {} s ago and {} of {} records are still being processed ({} when"
          + " it ended): the record processors are behind", String.format(java.util.Locale.ROOT,
          "%.1f", sinceLoadEnd / 1e9), expected - ended(), expected, backlogAtLoadEnd);
    }
    if (!finished && quiet > LOST_PROCESSOR_SETTLE_NANOS && firstCreditId >= 0
        && lostWorkers.keySet().stream().anyMatch(s -> s.startsWith("record_processor"))) {
      writeOffUnrecorded();
      maybeFinish();
      return;
    }
    if (!finished && quiet > STALL_LIMIT_NANOS) {
      finished = true;
      fail("Record accounting is off: " + expected + " requests sent but only "
          + ended() + " records arrived, and none for "
          + STALL_LIMIT_NANOS / 1_000_000_000L + " s. This is a bug in aiperf-java.", null);
    }
  }

  /**
   * A record processor in another process was lost with responses it had not turned into
   * records yet: each request without a record becomes an error, so the accounting still holds.
   */
  private void writeOffUnrecorded() {
    String lost = lostWorkers.entrySet().stream()
        .filter(e -> e.getKey().startsWith("record_processor"))
        .map(e -> e.getKey() + " (" + e.getValue() + ")")
        .collect(java.util.stream.Collectors.joining(", "));
    long now = clock.nanoTime();
    int missing = 0;
    for (long id = firstCreditId; id < firstCreditId + expected; id++) {
      if (id < Integer.MAX_VALUE && !recorded.get((int) id)) {
        missing++;
        onRecord(new ProcessedRecord(id, Phase.PROFILING, now, now, false, 0,
            "RecordProcessorLost", "The record processor that had this response was lost: "
            + lost + "; the response could not be measured", RecordValues.NONE, null));
      }
    }
    log.warn("{} requests had no record after record processor(s) {} were lost: recorded as"
        + " RecordProcessorLost errors", missing, lost);
  }

  private void maybeFinish() {
    if (finished || expected < 0 || ended() < expected) {
      return;
    }
    finished = true;
    processingLagNanos = loadEndedNanos == Long.MIN_VALUE ? 0
        : Math.max(0, clock.nanoTime() - loadEndedNanos);
    initialized(exports).close();
    if (ended() != expected) {
      // Conservation: every request sent ends in exactly one record. Say so loudly if not.
      fail("Record accounting is off: " + expected + " requests sent but " + ended()
          + " records arrived. This is a bug in aiperf-java.", null);
      return;
    }
    // Folded in as the records arrived (on this thread, never an I/O thread): only the events
    // after the last watermark are sorted here.
    long curvesFrom = clock.nanoTime();
    var timeline = spans.timeline();
    log.debug("Time-weighted curves: the last fold and the copies took {} ms ({})",
        (clock.nanoTime() - curvesFrom) / 1_000_000, spans.foldSummary());
    BenchmarkResult result = buildResult(timeline);
    if (slices != null) {
      slices.write(profilingStart, this::toWallNanos, result,
          (from, to) -> timeline.over(spans.time(from), spans.time(to)));
    }
    bus.publish(new ProfileResults(result));
  }

  /**
   * AIPerf's benchmark_duration is the profiling phase's window: from the phase start (or the
   * first request, should a record have overtaken the phase-start event) to the last end.
   */
  private long windowNanos() {
    long windowStart = Math.min(firstStart, profilingStart == Long.MIN_VALUE ? Long.MAX_VALUE
        : profilingStart);
    return windowStart == Long.MAX_VALUE || lastEnd == Long.MIN_VALUE ? 0
        : Math.max(0, lastEnd - windowStart);
  }

  private BenchmarkResult buildResult(
      io.aiperf.engine.internal.metrics.RequestSpans.Timeline timeline) {
    MetricsAggregator aggregator = initialized(this.aggregator);
    long duration = windowNanos();
    RunTotals totals = new RunCounts(successes, failures, cancellations, duration, expected,
        lastSend > firstSend ? lastSend - firstSend : 0, config.requestRate(),
        slos.isEmpty() ? -1 : goodRequests, aggregator::sum, aggregator::count);
    List<MetricResult> metrics = new ArrayList<>(aggregator.results(derived, totals));
    metrics.addAll(aggregator.errorAdjusted(failures + cancellations));
    if (duration > 0) { // AIPerf's window: from the phase start to its requests' end
      long windowStart = lastEnd - duration;
      metrics.addAll(timeline.over(spans.time(windowStart), spans.time(lastEnd)));
    }
    List<ErrorSummary> summary = errorSummary();
    Instant start = toWall(firstStart == Long.MAX_VALUE ? nanoBase : firstStart);
    Instant end = toWall(lastEnd == Long.MIN_VALUE ? nanoBase : lastEnd);
    return new BenchmarkResult(config, EngineSupport.endpointProvider(config).metricsTitle(),
        metrics, summary, expected, successes, failures, cancellations, start, end, cancelled,
        EngineSupport.seed(config), warnings(metrics, duration), config.artifactDir(),
        aggregator.encodedHistograms(), java.util.Optional.empty(), java.util.Optional.empty(),
        remoteClocks.results());
  }

  /** The errors so far, most frequent first. */
  private List<ErrorSummary> errorSummary() {
    List<ErrorSummary> summary = new ArrayList<>();
    errors.forEach((k, count) -> summary.add(new ErrorSummary(k.code, k.type, k.message, count)));
    summary.sort(Comparator.comparingLong(ErrorSummary::count).reversed());
    return summary;
  }

  private List<String> warnings(List<MetricResult> metrics, long windowNanos) {
    List<String> warnings = new ArrayList<>(Warnings.of(config, metrics));
    Warnings.ordinaryPacer(config, metrics, pacing).ifPresent(warnings::add);
    Warnings.recordBacklog(processingLagNanos, windowNanos, backlogAtLoadEnd, expected,
        config.recordProcessors()).ifPresent(warnings::add);
    long jitAtStart = jitMillisAtProfilingStart;
    long jitNow = JitTime.compiledMillis();
    // Remote workers' I/O threads do not share this JVM's compilers.
    long jitMillis = jitAtStart < 0 || jitNow < 0 || !remoteClocks.results().isEmpty() ? -1
        : jitNow - jitAtStart;
    Warnings.loopLag(List.copyOf(workerHealth.values()), jitMillis, windowNanos)
        .ifPresent(warnings::add);
    warnings.addAll(remoteClocks.warnings(metrics));
    warnings.addAll(Warnings.lostServices(lostWorkers));
    if (spans.chunkGapsDropped()) {
      warnings.add(Warnings.chunkGapsDropped());
    }
    spans.compactionNote().ifPresent(warnings::add);
    Warnings.approximated(initialized(aggregator).approximated()).ifPresent(warnings::add);
    return warnings;
  }

  private long toWallNanos(long nanos) {
    return wallBase + (nanos - nanoBase);
  }

  private long ended() {
    return successes + failures + cancellations;
  }

  private Instant toWall(long nanos) {
    long wall = wallBase + (nanos - nanoBase);
    return Instant.ofEpochSecond(Math.floorDiv(wall, 1_000_000_000L),
        Math.floorMod(wall, 1_000_000_000L));
  }

  @Override
  void onStop() {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (exports != null) {
      exportThoseBefore(null); // a phase whose start never came: numbered from 0, as before
      exports.close();
    }
  }

  private record ErrorKey(int code, String type, String message) {}
}
