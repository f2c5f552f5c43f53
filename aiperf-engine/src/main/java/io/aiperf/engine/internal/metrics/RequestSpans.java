package io.aiperf.engine.internal.metrics;

import io.aiperf.engine.internal.metrics.SpanEvents.Kind;
import java.util.Arrays;

/**
 * The few stamps of each profiling request that AIPerf 0.13's time-weighted metrics need, in
 * primitive columns (AIPerf's ColumnStore): start, first content (its {@code generation_start_ns}),
 * end, input and output sequence length, and the gaps between content chunks (its
 * inter_chunk_latency RaggedSeries), for the chunk-aware decode curves. About 60 bytes a request
 * and 4 a chunk. The chunk gaps are kept as floats: exact to the nanosecond up to 16 ms, and
 * within a part in ten million beyond, finer than AIPerf's own float64 wall-clock timestamps (256
 * ns). Past {@link #DEFAULT_CHUNK_LIMIT} gaps they are dropped and the curves fall back to
 * request-level timing, as AIPerf's bounded-memory (t-digest) backend does.
 *
 * <p>The curves are built while the requests arrive, so that little is left after the load: the
 * events before a watermark (the latest end seen, less twice the farthest back a request has
 * reached behind it) are folded into each curve ({@link CurveBuilder}) every
 * {@link #DEFAULT_FOLD_EVENTS} or so events; {@link #curves()} folds the rest. A request that
 * arrives with an event before the last fold (a straggler) rewinds the curves to the last fold
 * before it, and the events from there are folded again: the curves are those a single sort of
 * every event gives, to the bit, whatever the order the requests arrive in. Single-threaded: the
 * records manager owns it.
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
  /** An absent stamp. */
  static final long NONE = Long.MIN_VALUE;
  private static final Kind[] KINDS = Kind.values();

  private final int chunkLimit;
  private int size;
  private long[] start = new long[1024];
  private long[] end = new long[1024];
  private long[] firstToken = new long[1024];
  private float[] isl = new float[1024];
  private float[] osl = new float[1024];
  /** Where each request's chunk gaps end in {@link #gaps}; they begin where the previous end. */
  private int[] gapsEnd = new int[1024];
  private float[] gaps = new float[4096];
  private int gapCount;
  private boolean gapsDropped;
  private long origin = NONE;
  /** Each request's earliest and latest event (+inf when one has no time), in curve time. */
  private double[] minT = new double[1024];
  private double[] maxT = new double[1024];
  private final java.util.BitSet chunked = new java.util.BitSet();

  private final int foldEvents;
  /** One per curve; the chunk-level ones are dropped with the gaps. */
  private final @org.jspecify.annotations.Nullable CurveBuilder[] builders =
      new CurveBuilder[KINDS.length];
  /** Every event before it is in the curves. */
  private double frontier = Double.NEGATIVE_INFINITY;
  /** The frontier at each of the builders' checkpoints; 0 is the start. */
  private double[] checkpointAt = {Double.NEGATIVE_INFINITY, 0, 0, 0, 0, 0, 0, 0};
  private int checkpoints = 1;
  /** The requests with events at or after the frontier, ascending. */
  private int[] pending = new int[1024];
  private int pendingCount;
  private double latestEnd = Double.NEGATIVE_INFINITY;
  /**
   * The farthest back from the latest end a request has had an event on arrival, since the last
   * fold and in the fold before: the watermark trails the latest end by twice it, so that a
   * straggler (a request far longer or far later than the others) holds folding back for two
   * folds, not for the rest of the run.
   */
  private double reachNow;
  private double reachBefore;
  /** The requests no longer pending, in the order they left; a rewind takes some back. */
  private int[] retired = new int[1024];
  private int retiredCount;
  /** How many had left at each checkpoint. */
  private int[] retiredAt = new int[8];
  private long sinceFold;
  private int folds;
  private int rewinds;
  /** The requests pending at the last fold that took every event left. */
  private int lastFoldPending;
  private final SpanEvents.Req req = new SpanEvents.Req();
  private final Batch batch = new Batch();

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
    this.chunkLimit = chunkLimit;
    this.foldEvents = foldEvents;
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
    if (size == start.length) {
      int n = size + (size >> 1);
      start = Arrays.copyOf(start, n);
      end = Arrays.copyOf(end, n);
      firstToken = Arrays.copyOf(firstToken, n);
      isl = Arrays.copyOf(isl, n);
      osl = Arrays.copyOf(osl, n);
      gapsEnd = Arrays.copyOf(gapsEnd, n);
      minT = Arrays.copyOf(minT, n);
      maxT = Arrays.copyOf(maxT, n);
    }
    if (origin == NONE) {
      origin = startNanos;
    }
    start[size] = startNanos;
    end[size] = endNanos;
    // AIPerf: generation_start_ns = request_start_ns + int(ttft)
    firstToken[size] = Double.isNaN(ttftNanos) ? NONE : startNanos + (long) ttftNanos;
    isl[size] = (float) inputTokens;
    osl[size] = (float) outputTokens;
    if (!gapsDropped && to > from) {
      if (gapCount + (to - from) > chunkLimit) {
        gapsDropped = true;
        gaps = new float[0];
        gapCount = 0;
        builders[Kind.DECODE_BY_CHUNK.ordinal()] = null;
        builders[Kind.TOKENS_BY_CHUNK.ordinal()] = null;
      } else {
        if (gapCount + (to - from) > gaps.length) {
          gaps = Arrays.copyOf(gaps, Math.min(chunkLimit,
              Math.max(gapCount + (to - from), gaps.length + (gaps.length >> 1))));
        }
        for (int i = from; i < to; i++) {
          gaps[gapCount++] = (float) chunkGaps[i];
        }
      }
    }
    gapsEnd[size] = gapCount;
    size++;
    arrived(size - 1, to - from);
  }

  /** Finds a new request's earliest and latest events, and folds when it is time. */
  private void arrived(int r, int chunkCount) {
    SpanEvents.Req q = load(r);
    chunked.set(r, !gapsDropped && SpanEvents.chunked(q));
    q.chunked = chunked.get(r);
    Batch b = batch.bounds();
    b.add(q.s, 0);
    b.add(q.e, 0);
    if (!Double.isNaN(q.g)) {
      b.add(q.g, 0);
    }
    if (!gapsDropped) { // the only events at other times than these three
      SpanEvents.emit(Kind.DECODE_BY_CHUNK, 0, q, b);
      SpanEvents.emit(Kind.DECODE_BY_CHUNK, 1, q, b);
      SpanEvents.emit(Kind.TOKENS_BY_CHUNK, 1, q, b);
    }
    minT[r] = b.min;
    maxT[r] = b.nan ? Double.POSITIVE_INFINITY : b.max;
    if (pendingCount == pending.length) {
      pending = Arrays.copyOf(pending, pendingCount * 2);
    }
    pending[pendingCount++] = r;
    if (minT[r] < frontier) {
      rewind(minT[r]);
    }
    latestEnd = Math.max(latestEnd, q.e);
    reachNow = Math.max(reachNow, latestEnd - minT[r]);
    sinceFold += 16 + chunkCount;
    if (sinceFold >= foldEvents) {
      double watermark = latestEnd - 2 * Math.max(reachNow, reachBefore);
      if (watermark > frontier) {
        fold(watermark, false);
        sinceFold = 0;
        reachBefore = reachNow;
        reachNow = 0;
      }
    }
  }

  /** Request r's stamps in curve time, in the one scratch request. */
  private SpanEvents.Req load(int r) {
    SpanEvents.Req q = req;
    q.s = time(start[r]);
    q.e = time(end[r]);
    q.g = firstToken[r] == NONE ? Double.NaN : time(firstToken[r]);
    q.in = isl[r];
    q.out = osl[r];
    q.gaps = gaps;
    q.from = gapsDropped || r == 0 ? 0 : gapsEnd[r - 1];
    q.to = gapsDropped ? 0 : gapsEnd[r];
    q.chunked = chunked.get(r);
    return q;
  }

  /**
   * Adds the pending requests' events from the frontier to {@code hi} (every one left with
   * {@code all}) to the curves, in the order a pass, then a request, then a chunk.
   */
  private void fold(double hi, boolean all) {
    folds++;
    if (all) {
      lastFoldPending = pendingCount;
    }
    for (Kind k : KINDS) {
      CurveBuilder builder = builders[k.ordinal()];
      if (builder == null) {
        continue;
      }
      Batch b = batch.range(frontier, hi, all);
      for (int p = 0; p < k.passes; p++) {
        for (int i = 0; i < pendingCount; i++) {
          SpanEvents.emit(k, p, load(pending[i]), b);
        }
      }
      builder.append(b.ts, b.ds, b.n);
      builder.checkpoint();
    }
    frontier = all ? Double.POSITIVE_INFINITY : hi;
    int kept = 0;
    for (int i = 0; i < pendingCount; i++) {
      int r = pending[i];
      if (!all && !(maxT[r] < hi)) {
        pending[kept++] = r;
      } else {
        if (retiredCount == retired.length) {
          retired = Arrays.copyOf(retired, retiredCount * 2);
        }
        retired[retiredCount++] = r;
      }
    }
    pendingCount = kept;
    if (checkpoints == checkpointAt.length) {
      checkpointAt = Arrays.copyOf(checkpointAt, checkpoints * 2);
      retiredAt = Arrays.copyOf(retiredAt, checkpoints * 2);
    }
    retiredAt[checkpoints] = retiredCount;
    checkpointAt[checkpoints++] = frontier;
  }

  /** Goes back to the last fold at or before t; the requests with events after it are pending. */
  private void rewind(double t) {
    rewinds++;
    int k = checkpoints - 1;
    while (checkpointAt[k] > t) {
      k--;
    }
    for (CurveBuilder b : builders) {
      if (b != null) {
        b.rewind(k);
      }
    }
    checkpoints = k + 1;
    frontier = checkpointAt[k];
    // Those that left after checkpoint k have events at or after its frontier again.
    int back = retiredCount - retiredAt[k];
    if (pendingCount + back > pending.length) {
      pending = Arrays.copyOf(pending, Math.max(pendingCount + back, pending.length * 2));
    }
    System.arraycopy(retired, retiredAt[k], pending, pendingCount, back);
    pendingCount += back;
    retiredCount = retiredAt[k];
    Arrays.sort(pending, 0, pendingCount);
  }

  /** The events of one fold, those in its time range; or only the range of the times given. */
  private static final class Batch implements SpanEvents.Sink {
    double lo;
    double hi;
    boolean all;
    double[] ts = new double[1024];
    double[] ds = new double[1024];
    int n;
    double min;
    double max;
    boolean nan;

    Batch range(double from, double to, boolean everything) {
      lo = from;
      hi = to;
      all = everything;
      n = 0;
      return this;
    }

    /** Keeps no event, only the earliest and latest time and whether one was NaN. */
    Batch bounds() {
      range(Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, false);
      min = Double.POSITIVE_INFINITY;
      max = Double.NEGATIVE_INFINITY;
      nan = false;
      return this;
    }

    @Override
    public void add(double t, double delta) {
      if (t < min) {
        min = t;
      }
      if (t > max) {
        max = t;
      }
      if (Double.isNaN(t)) {
        nan = true;
      }
      if (!(t < lo) && (all || t < hi)) {
        if (n == ts.length) {
          ts = Arrays.copyOf(ts, n * 2);
          ds = Arrays.copyOf(ds, n * 2);
        }
        ts[n] = t;
        ds[n++] = delta;
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
    return size;
  }

  /**
   * Whether the chunk gaps outgrew the limit, so the decode curves use request-level timing.
   *
   * @return true when they were dropped
   */
  public boolean chunkGapsDropped() {
    return gapsDropped;
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
        + lastFoldPending + " of " + size + " requests in the last fold";
  }

  /**
   * Every event before this is in the curves already; the rest waits for a later fold.
   *
   * @return in the curves' time; -inf before the first fold
   */
  double frontier() {
    return frontier;
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
   * Builds every curve AIPerf's time-weighted metrics need (accumulator_sweeps.py), chunk-aware
   * where chunk gaps were kept. Most of the events were folded in while the records arrived: this
   * folds the rest (those after the last watermark), then copies the curves out. It may be called
   * again, after more requests too.
   *
   * @return the curves
   */
  public SweepMetrics.Curves curves() {
    fold(Double.POSITIVE_INFINITY, true);
    boolean chunks = !gapsDropped && gapCount > 0;
    SweepLine.Curve decode = curve(chunks ? Kind.DECODE_BY_CHUNK : Kind.DECODE);
    SweepLine.Curve prefill = curve(Kind.PREFILL);
    SweepLine.Curve decodeConcurrency = curve(Kind.DECODE_CONCURRENCY);
    SweepLine.Curve prefillConcurrency = curve(Kind.PREFILL_CONCURRENCY);
    return new SweepMetrics.Curves(curve(Kind.CONCURRENCY), decode, prefill, decodeConcurrency,
        prefillConcurrency, curve(Kind.TOTAL), SweepLine.divide(decode, decodeConcurrency),
        SweepLine.divide(prefill, prefillConcurrency),
        curve(chunks ? Kind.TOKENS_BY_CHUNK : Kind.TOKENS));
  }

  private SweepLine.Curve curve(Kind kind) {
    CurveBuilder b = builders[kind.ordinal()];
    return b == null ? SweepLine.Curve.EMPTY : b.curve();
  }
}
