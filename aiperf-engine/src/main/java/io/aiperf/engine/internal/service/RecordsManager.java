package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.ErrorSummary;
import io.aiperf.api.MetricResult;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.MetricProvider.DerivedMetric;
import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.RunTotals;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.metrics.MetricsAggregator;
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
import java.util.OptionalDouble;
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
  private final List<DerivedMetric> derived = new ArrayList<>();
  private final Map<ErrorKey, Long> errors = new LinkedHashMap<>();
  private static final String CANCELLED = "RequestCancellationError";
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
  private boolean cancelled;
  private boolean finished;
  private long lastRecordNanos;
  private final Map<String, Double> slos;
  private Map<String, MetricInfo> sloInfos = Map.of();
  private long goodRequests;
  /** Null unless records are exported. */
  private io.aiperf.engine.internal.export.@Nullable RecordsJsonlWriter jsonl;
  /** Null unless raw records are exported. */
  private io.aiperf.engine.internal.export.@Nullable RawJsonlWriter raw;
  /** Null until the dataset is ready. */
  private volatile @Nullable List<String> conversationIds;
  private List<MetricInfo> recordInfos = List.of();
  private long profilingStart = Long.MIN_VALUE;
  /** When the first phase (warmup or profiling) began sending; read by the progress tick. */
  private volatile long firstPhaseStart = Long.MIN_VALUE;
  private final Map<Integer, MetricsAggregator> slices = new java.util.HashMap<>();
  private final Map<Integer, Long> sliceCounts = new java.util.HashMap<>();
  private final List<ProcessedRecord> unsliced = new ArrayList<>();
  private static final long STALL_LIMIT_NANOS = 30_000_000_000L;
  /** After a record processor is lost, records still on their way get this long to arrive. */
  private static final long LOST_PROCESSOR_SETTLE_NANOS = 5_000_000_000L;

  RecordsManager(String id, MessageBus bus, BenchmarkConfig config, NanoClock clock) {
    super(id, bus, config);
    this.clock = clock;
    this.wallBase = clock.wallNanos();
    this.slos = config.goodput();
    this.nanoBase = clock.nanoTime();
  }

  @Override
  void onInitialize() throws java.io.IOException {
    List<MetricInfo> infos = new ArrayList<>();
    // Embeddings and rankings have no output tokens: a token throughput of 0 would be a lie.
    boolean tokens = EngineSupport.endpointProvider(config).producesTokens();
    boolean openLoop = EngineSupport.openLoop(config); // a send rate without a schedule is noise
    for (MetricProvider p : Plugins.all(MetricProvider.class)) {
      p.recordMetrics().forEach(m -> infos.add(m.info()));
      p.derivedMetrics().stream()
          .filter(d -> tokens || !d.info().has(io.aiperf.api.spi.MetricFlag.PRODUCES_TOKENS_ONLY))
          .filter(d -> openLoop || !d.info().has(io.aiperf.api.spi.MetricFlag.OPEN_LOOP_ONLY))
          .forEach(derived::add);
    }
    aggregator = new MetricsAggregator(infos);
    Map<String, MetricInfo> byTag = new java.util.HashMap<>();
    infos.forEach(i -> byTag.put(i.tag(), i));
    sloInfos = byTag;
    if (config.artifactDir().isPresent()
        && config.exportLevel() == io.aiperf.api.ExportLevel.RAW) {
      raw = new io.aiperf.engine.internal.export.RawJsonlWriter(config.artifactDir().get(),
          io.aiperf.engine.internal.export.ExportSupport.fileName(config,
              io.aiperf.engine.internal.export.RawJsonlWriter.FILE).replace(".jsonl",
              config.exportPrefix().isPresent() ? "_raw.jsonl" : ".jsonl"),
          EngineSupport.headers(config.endpoint()), this::toWallNanos,
          io.aiperf.api.spi.Secrets.of(config.endpoint()));
    }
    if (config.artifactDir().isPresent()
        && config.exportLevel() != io.aiperf.api.ExportLevel.SUMMARY) {
      // Streamed as records arrive: memory stays flat however many requests the run makes.
      jsonl = new io.aiperf.engine.internal.export.RecordsJsonlWriter(config.artifactDir().get(),
          io.aiperf.engine.internal.export.ExportSupport.fileName(config,
              io.aiperf.engine.internal.export.RecordsJsonlWriter.FILE),
          byTag, this::toWallNanos, i -> {
            List<String> ids = conversationIds;
            return ids == null || i >= ids.size() ? String.valueOf(i) : ids.get(i);
          }, config.exportHttpTrace());
    }
    track(bus.subscribe(Messages.WorkerHealth.class, h -> workerHealth.put(h.workerId(), h)));
    track(bus.subscribe(Messages.WorkerLost.class, l -> lostWorkers.put(l.workerId(),
        l.reason())));
    track(bus.subscribe(Messages.DatasetReady.class, d -> conversationIds = d.conversations()
        .stream().map(Messages.PreparedConversation::id).toList()));
    recordInfos = infos;
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
      if (s.phase() == Phase.PROFILING) {
        profilingStart = s.startNanos();
        // Records can overtake the phase-start event (different paths): slice them now.
        unsliced.forEach(this::slice);
        unsliced.clear();
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
        oldest, sinceLastEnd);
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
    var m = r.meta();
    if (raw != null && m != null && m.raw() != null) {
      raw.write(m.raw());
    }
    if (jsonl != null && m != null) {
      jsonl.write(new io.aiperf.engine.internal.export.RecordsJsonlWriter.Line(m.requestId(),
          m.correlationId(), m.conversation(), m.turn(), m.workerId(), m.processorId(),
          m.intendedNanos(), m.issuedNanos(), r.startNanos(), r.endNanos(), r.success(),
          r.errorCode(), r.errorType(), r.errorMessage(), r.values(), m.trace()));
    }
    if (r.success()) {
      successes++;
      r.values().forEach(initialized(aggregator)::add);
      if (config.sliceDuration().isPresent()) {
        if (profilingStart == Long.MIN_VALUE) {
          unsliced.add(r);
        } else {
          slice(r);
        }
      }
      if (!slos.isEmpty() && meetsSlos(r.values())) {
        goodRequests++;
      }
    } else {
      r.values().forEach(initialized(aggregator)::add); // error_isl only
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

  /**
   * Every credit is back, so every record is on its way; if they stop arriving, some were lost.
   * Better a loud failure than a run that never ends.
   */
  private void watchdog() {
    long quiet = clock.nanoTime() - lastRecordNanos;
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
            + lost + "; the response could not be measured", Map.of(), null));
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
    if (jsonl != null) {
      jsonl.close();
    }
    if (raw != null) {
      raw.close();
    }
    if (ended() != expected) {
      // Conservation: every request sent ends in exactly one record. Say so loudly if not.
      fail("Record accounting is off: " + expected + " requests sent but " + ended()
          + " records arrived. This is a bug in aiperf-java.", null);
      return;
    }
    BenchmarkResult result = buildResult();
    writeTimeslices();
    bus.publish(new ProfileResults(result));
  }

  private BenchmarkResult buildResult() {
    MetricsAggregator aggregator = initialized(this.aggregator);
    // AIPerf's benchmark_duration is the profiling phase's window: from the phase start (or the
    // first request, should a record have overtaken the phase-start event) to the last end.
    long windowStart = Math.min(firstStart, profilingStart == Long.MIN_VALUE ? Long.MAX_VALUE
        : profilingStart);
    long duration = windowStart == Long.MAX_VALUE || lastEnd == Long.MIN_VALUE ? 0
        : Math.max(0, lastEnd - windowStart);
    RunTotals totals = new RunTotals() {
      @Override
      public long requestCount() {
        return successes;
      }

      @Override
      public long errorCount() {
        return failures + cancellations; // AIPerf counts cancelled requests as error records
      }

      @Override
      public long durationNanos() {
        return duration;
      }

      @Override
      public double sum(String tag) {
        return aggregator.sum(tag);
      }

      @Override
      public long requestsSent() {
        return expected;
      }

      @Override
      public long sendSpanNanos() {
        return lastSend > firstSend ? lastSend - firstSend : 0;
      }

      @Override
      public OptionalDouble requestedRate() {
        return config.requestRate();
      }

      @Override
      public long cancelledCount() {
        return cancellations;
      }

      @Override
      public long goodRequestCount() {
        return slos.isEmpty() ? -1 : goodRequests;
      }
    };
    List<MetricResult> metrics = new ArrayList<>(aggregator.results(derived, totals));
    metrics.addAll(aggregator.errorAdjusted(failures + cancellations));
    List<ErrorSummary> summary = new ArrayList<>();
    errors.forEach((k, count) -> summary.add(new ErrorSummary(k.code, k.type, k.message, count)));
    summary.sort(Comparator.comparingLong(ErrorSummary::count).reversed());
    Instant start = toWall(firstStart == Long.MAX_VALUE ? nanoBase : firstStart);
    Instant end = toWall(lastEnd == Long.MIN_VALUE ? nanoBase : lastEnd);
    return new BenchmarkResult(config, EngineSupport.endpointProvider(config).metricsTitle(),
        metrics, summary, expected, successes, failures, cancellations, start, end, cancelled,
        EngineSupport.seed(config), warnings(metrics), config.artifactDir(),
        aggregator.encodedHistograms());
  }

  /**
   * A request is good when it meets every SLO: at most the threshold, or at least it for
   * larger-is-better metrics. A metric the request lacks (e.g. ITL of a one-token reply) cannot
   * be shown to meet its SLO, so the request is not good.
   */
  private boolean meetsSlos(Map<String, double[]> values) {
    for (Map.Entry<String, Double> slo : slos.entrySet()) {
      double[] v = values.get(slo.getKey());
      MetricInfo info = sloInfos.get(slo.getKey());
      if (v == null || v.length == 0 || info == null) {
        return false;
      }
      boolean larger = info.has(io.aiperf.api.spi.MetricFlag.LARGER_IS_BETTER);
      for (double x : v) {
        double shown = x * info.displayScale();
        if (larger ? shown < slo.getValue() : shown > slo.getValue()) {
          return false;
        }
      }
    }
    return true;
  }

  private void slice(ProcessedRecord r) {
    int slice = (int) Math.max(0, (r.startNanos() - profilingStart)
        / config.sliceDuration().get().toNanos());
    MetricsAggregator a = slices.computeIfAbsent(slice, i -> new MetricsAggregator(recordInfos));
    r.values().forEach(a::add);
    sliceCounts.merge(slice, 1L, Long::sum);
  }

  /** Per-slice record metrics plus the slice's request count and throughput. */
  private void writeTimeslices() {
    if (slices.isEmpty() || config.artifactDir().isEmpty()) {
      return;
    }
    long sliceNanos = config.sliceDuration().get().toNanos();
    List<io.aiperf.engine.internal.export.TimesliceWriter.Slice> out = new ArrayList<>();
    for (var e : new java.util.TreeMap<>(slices).entrySet()) {
      long start = profilingStart + e.getKey() * sliceNanos;
      List<MetricResult> metrics = new ArrayList<>(e.getValue().results(List.of(), null));
      long count = Objects.requireNonNull(sliceCounts.get(e.getKey()), "slice() counts each slice");
      metrics.add(MetricResult.scalar(new io.aiperf.api.MetricTag("request_count"),
          "Request Count", "requests", count));
      metrics.add(MetricResult.scalar(new io.aiperf.api.MetricTag("request_throughput"),
          "Request Throughput", "requests/sec", count / (sliceNanos / 1e9)));
      out.add(new io.aiperf.engine.internal.export.TimesliceWriter.Slice(e.getKey(),
          toWallNanos(start), toWallNanos(start + sliceNanos), metrics));
    }
    try {
      io.aiperf.engine.internal.export.TimesliceWriter.write(config, out);
    } catch (java.io.IOException e) {
      log.error("Writing the timeslice files failed: {}", e.getMessage());
    }
  }

  private List<String> warnings(List<MetricResult> metrics) {
    List<String> warnings = new ArrayList<>(Warnings.of(config, metrics));
    Warnings.loopLag(List.copyOf(workerHealth.values())).ifPresent(warnings::add);
    new java.util.TreeMap<>(lostWorkers).forEach((service, reason) -> warnings.add(
        service.startsWith("record_processor")
            ? "Record processor " + service + " was lost (" + reason + "): the responses it held"
                + " were recorded as RecordProcessorLost errors."
            : "Worker " + service + " was lost (" + reason + "): the requests it had in flight"
                + " were recorded as WorkerLost errors and the run went on with the other"
                + " workers."));
    List<String> approximated = initialized(aggregator).approximated();
    if (!approximated.isEmpty()) {
      warnings.add("More than " + MetricsAggregator.DEFAULT_EXACT_LIMIT + " values: percentiles of "
          + approximated + " come from their HdrHistograms (3 significant digits); count, sum,"
          + " mean, min, max and std stay exact.");
    }
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
    if (jsonl != null) {
      jsonl.close();
    }
    if (raw != null) {
      raw.close();
    }
  }

  private record ErrorKey(int code, String type, String message) {}
}
