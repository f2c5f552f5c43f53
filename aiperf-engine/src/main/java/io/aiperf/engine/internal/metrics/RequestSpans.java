package io.aiperf.engine.internal.metrics;

import java.util.Arrays;

/**
 * The few stamps of each profiling request that AIPerf 0.13's time-weighted metrics need, in
 * primitive columns (AIPerf's ColumnStore): start, first content (its {@code generation_start_ns}),
 * end, input and output sequence length, and the gaps between content chunks (its
 * inter_chunk_latency RaggedSeries), for the chunk-aware decode curves. About 40 bytes a request
 * and 4 a chunk. The chunk gaps are kept as floats: exact to the nanosecond up to 16 ms, and
 * within a part in ten million beyond, finer than AIPerf's own float64 wall-clock timestamps (256
 * ns). Past {@link #DEFAULT_CHUNK_LIMIT} gaps they are dropped and the curves fall back to
 * request-level timing, as AIPerf's bounded-memory (t-digest) backend does. Single-threaded: the
 * records manager owns it.
 */
public final class RequestSpans {
  /**
   * Chunk gaps kept for the chunk-aware curves: about one per 256 bytes of the heap (sorting a
   * run's chunk events takes some 70 bytes a gap at the end), at most 33 million; past it,
   * request-level timing.
   */
  public static final int DEFAULT_CHUNK_LIMIT =
      (int) Math.min(1 << 25, Runtime.getRuntime().maxMemory() / 256);
  /** An absent stamp. */
  static final long NONE = Long.MIN_VALUE;

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
    this.chunkLimit = chunkLimit;
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
   * where chunk gaps were kept.
   *
   * @return the curves
   */
  public SweepMetrics.Curves curves() {
    int n = size;
    double[] s = new double[n];
    double[] e = new double[n];
    double[] g = new double[n];
    double[] in = new double[n];
    double[] out = new double[n];
    for (int r = 0; r < n; r++) {
      s[r] = time(start[r]);
      e[r] = time(end[r]);
      g[r] = firstToken[r] == NONE ? Double.NaN : time(firstToken[r]);
      in[r] = isl[r];
      out[r] = osl[r];
    }
    boolean chunks = !gapsDropped && gapCount > 0;
    // The two chunk-level curves sort one event per chunk each, the bulk of the work after the
    // load: the second is built on a thread of its own meanwhile (the I/O threads are idle now).
    java.util.concurrent.CompletableFuture<SweepLine.Curve> tokensLater =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> chunks
            ? SpanCurves.tokensInFlightByChunk(s, g, e, in, out, gaps, gapsEnd, n)
            : SpanCurves.tokensInFlight(s, g, e, in, out), RequestSpans::onOwnThread);
    SweepLine.Curve concurrency = SpanCurves.concurrency(s, e);
    SweepLine.Curve decodeConcurrency = SpanCurves.concurrency(g, e);
    SweepLine.Curve prefillConcurrency = SpanCurves.concurrency(s, g);
    SweepLine.Curve decode = chunks ? SpanCurves.decodeByChunk(g, out, gaps, gapsEnd, n)
        : SpanCurves.decode(g, e, out);
    SweepLine.Curve prefill = SpanCurves.prefill(s, g, in);
    SweepLine.Curve total = SpanCurves.total(s, g, e, in, out);
    SweepLine.Curve tokens;
    try {
      tokens = tokensLater.join();
    } catch (java.util.concurrent.CompletionException failed) {
      Throwable cause = failed.getCause();
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw failed;
    }
    return new SweepMetrics.Curves(concurrency, decode, prefill, decodeConcurrency,
        prefillConcurrency, total, SweepLine.divide(decode, decodeConcurrency),
        SweepLine.divide(prefill, prefillConcurrency), tokens);
  }

  private static void onOwnThread(Runnable task) {
    Thread t = new Thread(task, "aiperf-curves");
    t.setDaemon(true);
    t.start();
  }
}
