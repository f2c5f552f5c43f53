package io.aiperf.engine.internal.metrics;

import io.aiperf.api.MetricResult;
import io.aiperf.engine.internal.metrics.SpanEvents.Kind;
import java.util.List;

/**
 * The few stamps of each profiling request that AIPerf 0.13's time-weighted metrics need, in
 * primitive columns ({@link SpanColumns}, AIPerf's ColumnStore): start, first content (its
 * {@code generation_start_ns}), end, input and output sequence length, and the gaps between
 * content chunks (its inter_chunk_latency RaggedSeries), for the chunk-aware decode curves. Past
 * {@link #DEFAULT_CHUNK_LIMIT} gaps kept at once they are dropped and the curves fall back to
 * request-level timing, as AIPerf's bounded-memory (t-digest) backend does.
 *
 * <p>The curves are built while the requests arrive, so that little is left after the load: the
 * events before a watermark (the latest end seen, less twice the farthest back a request has
 * reached behind it) are folded into each curve ({@link CurveBuilder}) every
 * {@link #DEFAULT_FOLD_EVENTS} or so events; {@link #curves()} folds the rest. A request that
 * arrives with an event before the last fold (a straggler) rewinds the curves to the last fold
 * before it, and the events from there are folded again: the curves are those a single sort of
 * every event gives, to the bit, whatever the order the requests arrive in.
 *
 * <p>What is kept grows with the run (columns, steps, chunk gaps) until it passes
 * {@link #DEFAULT_BUDGET_BYTES}. Past it, the oldest folds are summed into constant-size
 * accumulators ({@link FoldedSweeps}: running sums, and histograms for the percentiles), for the
 * run and for each time slice, and their requests and steps forgotten: the curves then start at
 * that point, and the metrics over a window combine the sums before it with the steps after it.
 * A request that arrives later still, with events before that point, counts from there on.
 * Single-threaded: the records manager owns it.
 */
public final class RequestSpans {
  /**
   * Chunk gaps kept for the chunk-aware curves: about one per 256 bytes of the heap (each gap
   * costs 4 bytes here and up to three steps of 16 bytes in the two chunk-level curves, held
   * while the run goes on), at most 33 million; past it, request-level timing.
   */
  public static final int DEFAULT_CHUNK_LIMIT =
      (int) Math.min(1 << 25, Runtime.getRuntime().maxMemory() / 256);
  /**
   * About how many events (a request counts 16, a chunk 1) arrive between two folds: each fold
   * sorts about this many per curve, and its checkpoints cost some 200 bytes.
   */
  static final int DEFAULT_FOLD_EVENTS = 1 << 18;
  /**
   * What the columns, steps and chunk gaps may hold before the oldest folds are summed: a
   * sixteenth of the heap (their arrays grow by half, so up to a tenth while they do). Below it
   * every number is exact, as AIPerf's.
   */
  public static final long DEFAULT_BUDGET_BYTES = Runtime.getRuntime().maxMemory() / 16;
  /** A request's columns, its place in the pending or retired list and its bits. */
  static final int BYTES_PER_REQUEST = 64;
  /** A step: its time and value. */
  static final int BYTES_PER_STEP = 16;
  /** An absent stamp. */
  static final long NONE = SpanColumns.NONE;
  private static final Kind[] KINDS = Kind.values();

  /** The requests kept, their stamps and chunk gaps. */
  private final SpanColumns cols;
  private long origin = NONE;

  /** When to fold, and up to where. */
  private final FoldSchedule schedule;
  /** One per curve; the chunk-level ones are dropped with the gaps. */
  private final @org.jspecify.annotations.Nullable CurveBuilder[] builders =
      new CurveBuilder[KINDS.length];
  /** The frontier, the pending and retired requests, and the builders' checkpoints. */
  private final FoldLedger ledger = new FoldLedger();
  private int folds;
  private int rewinds;
  /** The requests pending at the last fold that took every event left. */
  private int lastFoldPending;
  private final SpanEvents.Req req = new SpanEvents.Req();
  private final FoldBatch batch = new FoldBatch();
  /** The bytes kept before the oldest folds are summed. */
  private final long budget;
  /** Requests added, including those forgotten since. */
  private int added;
  private long minStartNanos = Long.MAX_VALUE;
  private long sliceNanos;
  /** The sums of what was compacted away; null until then. */
  private @org.jspecify.annotations.Nullable FoldedSweeps folded;
  /** Every event before it was summed and forgotten; -inf until then. */
  private double compactedAt = Double.NEGATIVE_INFINITY;
  private int clampedCount;
  private int compactions;

  /** Keeps up to {@link #DEFAULT_CHUNK_LIMIT} chunk gaps. */
  public RequestSpans() {
    this(DEFAULT_CHUNK_LIMIT);
  }

  /**
   * Keeps up to {@code chunkLimit} chunk gaps.
   *
   * @param chunkLimit the chunk gaps kept before falling back to request-level timing
   */
  public RequestSpans(int chunkLimit) {
    this(chunkLimit, DEFAULT_FOLD_EVENTS);
  }

  /**
   * Keeps up to {@code chunkLimit} chunk gaps and folds every {@code foldEvents} events.
   *
   * @param chunkLimit the chunk gaps kept before falling back to request-level timing
   * @param foldEvents about how many events between two folds
   */
  RequestSpans(int chunkLimit, int foldEvents) {
    this(chunkLimit, foldEvents, DEFAULT_BUDGET_BYTES);
  }

  /**
   * Keeps up to {@code chunkLimit} chunk gaps, folds every {@code foldEvents} events, and sums
   * the oldest folds once what is kept passes {@code budgetBytes}.
   *
   * @param chunkLimit the chunk gaps kept before falling back to request-level timing
   * @param foldEvents about how many events between two folds
   * @param budgetBytes the columns, steps and gaps kept before the oldest are summed
   */
  RequestSpans(int chunkLimit, int foldEvents, long budgetBytes) {
    this.cols = new SpanColumns(chunkLimit);
    this.schedule = new FoldSchedule(foldEvents);
    this.budget = budgetBytes;
    for (Kind k : KINDS) {
      builders[k.ordinal()] = new CurveBuilder();
    }
  }

  /**
   * Adds a request. A request that never started or never ended counts in no curve (AIPerf's
   * sweeps drop records without both); failed requests have no first token and no sequence
   * lengths, so they count in the overall concurrency only.
   *
   * @param startNanos when it was sent, monotonic nanoseconds
   * @param endNanos when it ended
   * @param ttftNanos time to its first content, NaN for none
   * @param inputTokens its input sequence length, NaN for none
   * @param outputTokens its output sequence length, NaN for none
   * @param chunkGaps the gaps between its content chunks, from {@code from} to {@code to}
   * @param from the first gap
   * @param to past the last gap
   */
  public void add(long startNanos, long endNanos, double ttftNanos, double inputTokens,
      double outputTokens, double[] chunkGaps, int from, int to) {
    if (startNanos <= 0 || endNanos <= 0) {
      return;
    }
    if (origin == NONE) {
      origin = startNanos;
    }
    added++;
    minStartNanos = Math.min(minStartNanos, startNanos);
    if (cols.add(startNanos, endNanos, ttftNanos, inputTokens, outputTokens, chunkGaps, from,
        to)) {
      builders[Kind.DECODE_BY_CHUNK.ordinal()] = null;
      builders[Kind.TOKENS_BY_CHUNK.ordinal()] = null;
    }
    arrived(cols.size - 1, to - from);
  }

  /** Finds a new request's earliest and latest events, and folds when it is time. */
  private void arrived(int r, int chunkCount) {
    SpanEvents.Req q = load(r);
    cols.chunked.set(r, !cols.gapsDropped && SpanEvents.chunked(q));
    q.chunked = cols.chunked.get(r);
    FoldBatch b = batch.bounds();
    b.add(q.s, 0);
    b.add(q.e, 0);
    if (!Double.isNaN(q.g)) {
      b.add(q.g, 0);
    }
    if (!cols.gapsDropped) { // the only events at other times than these three
      SpanEvents.emit(Kind.DECODE_BY_CHUNK, 0, q, b);
      SpanEvents.emit(Kind.DECODE_BY_CHUNK, 1, q, b);
      SpanEvents.emit(Kind.TOKENS_BY_CHUNK, 1, q, b);
    }
    double[] minT = cols.minT;
    minT[r] = b.min;
    cols.maxT[r] = b.nan ? Double.POSITIVE_INFINITY : b.max;
    boolean late = minT[r] < compactedAt;
    cols.clamped.set(r, late);
    if (late) { // what it did before that point is summed and gone: it counts from there
      clampedCount++;
      minT[r] = compactedAt;
      cols.maxT[r] = Math.max(cols.maxT[r], compactedAt);
    }
    ledger.addPending(r);
    if (minT[r] < ledger.frontier()) {
      rewind(minT[r]);
    }
    double watermark = schedule.arrived(q.e, minT[r], chunkCount, ledger.frontier());
    if (!Double.isNaN(watermark)) {
      fold(watermark, false);
    }
  }

  /** Request r's stamps in curve time, in the one scratch request. */
  private SpanEvents.Req load(int r) {
    return cols.load(r, req, origin == NONE ? 0 : origin);
  }

  /**
   * Adds the pending requests' events from the frontier to {@code hi} (every one left with
   * {@code all}) to the curves, in the order a pass, then a request, then a chunk.
   */
  private void fold(double hi, boolean all) {
    folds++;
    if (all) {
      lastFoldPending = ledger.pendingCount();
    }
    for (Kind k : KINDS) {
      CurveBuilder builder = builders[k.ordinal()];
      if (builder == null) {
        continue;
      }
      FoldBatch b = batch.range(ledger.frontier(), hi, all);
      for (int p = 0; p < k.passes; p++) {
        for (int i = 0; i < ledger.pendingCount(); i++) {
          int r = ledger.pending(i);
          b.clampBelow = cols.clamped.get(r) ? compactedAt : Double.NEGATIVE_INFINITY;
          SpanEvents.emit(k, p, load(r), b);
        }
      }
      b.clampBelow = Double.NEGATIVE_INFINITY;
      builder.append(b.ts, b.ds, b.n);
      builder.checkpoint();
    }
    ledger.folded(hi, all, cols.maxT);
    if (!all) {
      maybeCompact();
    }
  }

  /**
   * When what is kept passes the budget, sums the folds up to the earliest checkpoint that
   * leaves at most half of it (the latest, if none does) and forgets them.
   */
  private void maybeCompact() {
    if (retainedBytes(0) <= budget) {
      return;
    }
    int k = ledger.checkpoints() - 1;
    for (int j = 1; j < ledger.checkpoints(); j++) {
      if (retainedBytes(j) <= budget / 2) {
        k = j;
        break;
      }
    }
    if (k > 0) {
      compact(k);
    }
  }

  /** What would be kept after compacting up to checkpoint k. */
  private long retainedBytes(int k) {
    long steps = 0;
    for (CurveBuilder b : builders) {
      if (b != null) {
        steps += b.size() - b.sizeAt(k);
      }
    }
    long requests = cols.size - ledger.retiredAt(k);
    long gapBytes = cols.size == 0 ? 0 : 4L * cols.gapCount * requests / cols.size;
    return steps * BYTES_PER_STEP + requests * BYTES_PER_REQUEST + gapBytes;
  }

  /**
   * Sums the curves before checkpoint k into the accumulators, and forgets those steps and the
   * requests that had left by then: checkpoint k becomes checkpoint 0, where a rewind stops.
   */
  private void compact(int k) {
    compactions++;
    double until = ledger.checkpointAt(k);
    double from = folded == null ? time(minStartNanos) : compactedAt;
    SweepMetrics.Curves region = curves(kind -> builders[kind.ordinal()] == null
        ? SweepLine.Curve.EMPTY
        : builders[kind.ordinal()].curve(builders[kind.ordinal()].sizeAt(k), compactedAt));
    if (folded == null) {
      folded = new FoldedSweeps(sliceNanos, from);
    }
    folded.fold(region, from, until);
    for (CurveBuilder b : builders) {
      if (b != null) {
        b.compact(k);
      }
    }
    ledger.compact(k, cols.drop(ledger.retiredBy(k, cols.size)));
    compactedAt = until;
  }

  /** Goes back to the last fold at or before t; the requests with events after it are pending. */
  private void rewind(double t) {
    rewinds++;
    int k = ledger.rewind(t);
    for (CurveBuilder b : builders) {
      if (b != null) {
        b.rewind(k);
      }
    }
  }

  /**
   * Where a record's stamps are among its metric values.
   *
   * @param ttft time_to_first_token's id, -1 when the run has none
   * @param chunkGaps inter_chunk_latency's id, likewise
   * @param isl input_sequence_length's id, likewise
   * @param osl output_sequence_length's id, likewise
   */
  public record Columns(int ttft, int chunkGaps, int isl, int osl) {
    /**
     * Looks the ids up in a registry.
     *
     * @param registry the run's record metrics
     * @return their ids
     */
    public static Columns of(MetricRegistry registry) {
      return new Columns(registry.id("time_to_first_token"), registry.id("inter_chunk_latency"),
          registry.id("input_sequence_length"), registry.id("output_sequence_length"));
    }
  }

  /**
   * Adds a request from its record.
   *
   * @param startNanos when it was sent, monotonic nanoseconds
   * @param endNanos when it ended
   * @param values its record-metric values
   * @param columns where the stamps are among them
   */
  public void add(long startNanos, long endNanos, RecordValues values, Columns columns) {
    int gaps = columns.chunkGaps();
    int from = values.count(gaps) == 0 ? 0 : values.offsets()[gaps];
    add(startNanos, endNanos, firstOrNaN(values, columns.ttft()),
        firstOrNaN(values, columns.isl()), firstOrNaN(values, columns.osl()), values.values(),
        from, from + values.count(gaps));
  }

  private static double firstOrNaN(RecordValues values, int id) {
    return values.count(id) == 0 ? Double.NaN : values.first(id);
  }

  /**
   * Returns how many requests were added.
   *
   * @return the count
   */
  public int size() {
    return added;
  }

  /**
   * Whether the chunk gaps outgrew the limit, so the decode curves use request-level timing.
   *
   * @return true when they were dropped
   */
  public boolean chunkGapsDropped() {
    return cols.gapsDropped;
  }

  /**
   * The curves' time origin: times are doubles counted from here, exact to the nanosecond.
   *
   * @return monotonic nanoseconds; {@code Long.MIN_VALUE} before the first request
   */
  public long origin() {
    return origin;
  }

  /**
   * How the folding went, for the log: folds, rewinds (stragglers), and the requests the last
   * fold still had to go through.
   *
   * @return a short description
   */
  public String foldSummary() {
    return folds + " folds, " + rewinds + " rewinds for requests that came late, "
        + lastFoldPending + " of " + added + " requests in the last fold, " + compactions
        + " compactions";
  }

  /**
   * Every event before this is in the curves already; the rest waits for a later fold.
   *
   * @return in the curves' time; -inf before the first fold
   */
  double frontier() {
    return ledger.frontier();
  }

  /**
   * Converts a monotonic timestamp to the curves' time.
   *
   * @param nanos monotonic nanoseconds
   * @return nanoseconds from {@link #origin()}
   */
  public double time(long nanos) {
    return (double) (nanos - (origin == NONE ? 0 : origin));
  }

  /**
   * Cuts the folded sums by time slice too, on the grid of this length from the earliest request
   * start, so that the slices' time-weighted metrics survive the compaction.
   *
   * @param nanos the slice duration
   */
  public void sliceGrid(long nanos) {
    sliceNanos = nanos;
  }

  /** AIPerf's time-weighted metrics over windows of a run whose every request is in. */
  @FunctionalInterface
  public interface Timeline {
    /**
     * The metrics over a window.
     *
     * @param from its start, in the curves' time
     * @param to its end
     * @return the metrics in AIPerf's order
     */
    List<MetricResult> over(double from, double to);
  }

  /**
   * Folds the rest and returns the run's time-weighted metrics by window: from the curves alone
   * ({@link SweepMetrics#over}) while nothing was compacted, otherwise from the sums before the
   * compaction point and the curves after it; then only the run's window and the slices' (with
   * {@link #sliceGrid}) can be asked for.
   *
   * @return the metrics by window
   */
  public Timeline timeline() {
    SweepMetrics.Curves curves = curves();
    FoldedSweeps f = folded;
    return f == null ? (from, to) -> SweepMetrics.over(curves, from, to)
        : (from, to) -> f.over(curves, from, to);
  }

  /**
   * What the result should say when the curves were summed as the run went, if they were.
   *
   * @return the note, empty when every number is exact
   */
  public java.util.Optional<String> compactionNote() {
    FoldedSweeps f = folded;
    if (f == null) {
      return java.util.Optional.empty();
    }
    StringBuilder b = new StringBuilder(String.format(java.util.Locale.ROOT,
        "The time-weighted curves outgrew %d MB (a sixteenth of the heap): their first %.1f s"
            + " were summed as the run went, so the time-weighted percentiles come from"
            + " histograms (within %.2f %%), while avg, min, max and std stay exact",
        budget >> 20, (f.until() - time(minStartNanos)) / 1e9, 100 * f.relativeError()));
    if (clampedCount > 0) {
      b.append("; ").append(clampedCount).append(" requests that arrived after the curves"
          + " at their start were summed count from that point on");
    }
    if (f.unanswered() > 0) {
      b.append("; ").append(f.unanswered()).append(" time slices off the grid have no"
          + " time-weighted metrics");
    }
    return java.util.Optional.of(b.append('.').toString());
  }

  /**
   * Returns the largest relative error of a time-weighted percentile.
   *
   * @return 0 while nothing was summed
   */
  double percentileError() {
    FoldedSweeps f = folded;
    return f == null ? 0 : f.relativeError();
  }

  /**
   * Returns how many requests, with their steps, are kept.
   *
   * @return the count
   */
  int retainedRequests() {
    return cols.size;
  }

  /**
   * Returns how many steps the curves keep.
   *
   * @return the count, over every curve
   */
  long retainedSteps() {
    long n = 0;
    for (CurveBuilder b : builders) {
      if (b != null) {
        n += b.size();
      }
    }
    return n;
  }

  /**
   * Returns how many chunk gaps are kept.
   *
   * @return the count
   */
  int retainedGaps() {
    return cols.gapCount;
  }

  /**
   * Builds every curve AIPerf's time-weighted metrics need (accumulator_sweeps.py), chunk-aware
   * where chunk gaps were kept. Most of the events were folded in while the records arrived: this
   * folds the rest (those after the last watermark), then copies the curves out. It may be called
   * again, after more requests too. Once the oldest part was summed away (past the budget), the
   * curves start where it ends, with the value held there: {@link #timeline()} has the metrics.
   *
   * @return the curves
   */
  public SweepMetrics.Curves curves() {
    fold(Double.POSITIVE_INFINITY, true);
    return curves(this::curve);
  }

  /** The curves of the run from the builders' curves, as in {@link #curves()}. */
  private SweepMetrics.Curves curves(java.util.function.Function<Kind, SweepLine.Curve> of) {
    boolean chunks = !cols.gapsDropped && cols.sawGaps;
    SweepLine.Curve decode = of.apply(chunks ? Kind.DECODE_BY_CHUNK : Kind.DECODE);
    SweepLine.Curve prefill = of.apply(Kind.PREFILL);
    SweepLine.Curve decodeConcurrency = of.apply(Kind.DECODE_CONCURRENCY);
    SweepLine.Curve prefillConcurrency = of.apply(Kind.PREFILL_CONCURRENCY);
    return new SweepMetrics.Curves(of.apply(Kind.CONCURRENCY), decode, prefill,
        decodeConcurrency, prefillConcurrency, of.apply(Kind.TOTAL),
        SweepLine.divide(decode, decodeConcurrency),
        SweepLine.divide(prefill, prefillConcurrency),
        of.apply(chunks ? Kind.TOKENS_BY_CHUNK : Kind.TOKENS));
  }

  /** A curve as kept: from the point the rest was summed, when it was. */
  private SweepLine.Curve curve(Kind kind) {
    CurveBuilder b = builders[kind.ordinal()];
    return b == null ? SweepLine.Curve.EMPTY : b.curve(b.size(), compactedAt);
  }

}
