package io.aiperf.engine.internal.metrics;

import java.util.Arrays;
import java.util.BitSet;

/**
 * The requests {@link RequestSpans} keeps, in primitive columns: start, first content, end, input
 * and output sequence length, their chunk gaps (as floats: exact to the nanosecond up to 16 ms,
 * within a part in ten million beyond), and each one's earliest and latest event. About 60 bytes
 * a request and 4 a chunk gap. Past the chunk limit the gaps are dropped for good. Requests are
 * numbered in the order they came; {@link #drop} forgets some and numbers the rest again.
 * Single-threaded; the fields are read directly by its owner.
 */
final class SpanColumns {
  /** An absent stamp. */
  static final long NONE = Long.MIN_VALUE;

  private final int chunkLimit;
  int size;
  private long[] start = new long[1024];
  private long[] end = new long[1024];
  private long[] firstToken = new long[1024];
  private float[] isl = new float[1024];
  private float[] osl = new float[1024];
  /** Where each request's chunk gaps end in {@link #gaps}; they begin where the previous end. */
  private int[] gapsEnd = new int[1024];
  private float[] gaps = new float[4096];
  int gapCount;
  boolean gapsDropped;
  /** Whether a request had chunk gaps, even one forgotten since. */
  boolean sawGaps;
  /** Each request's earliest and latest event (+inf when one has no time), in curve time. */
  double[] minT = new double[1024];
  double[] maxT = new double[1024];
  /** Whether its output arrives chunk by chunk in tokens in flight. */
  final BitSet chunked = new BitSet();
  /** Whether it came after its earliest events were summed: they count from that point. */
  final BitSet clamped = new BitSet();

  /**
   * Keeps up to {@code chunkLimit} chunk gaps at a time.
   *
   * @param chunkLimit the gaps kept before they are all dropped
   */
  SpanColumns(int chunkLimit) {
    this.chunkLimit = chunkLimit;
  }

  /**
   * Adds a request as number {@link #size}.
   *
   * @return whether its chunk gaps passed the limit, so that every gap was dropped just now
   */
  boolean add(long startNanos, long endNanos, double ttftNanos, double inputTokens,
      double outputTokens, double[] chunkGaps, int from, int to) {
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
    start[size] = startNanos;
    end[size] = endNanos;
    // AIPerf: generation_start_ns = request_start_ns + int(ttft)
    firstToken[size] = Double.isNaN(ttftNanos) ? NONE : startNanos + (long) ttftNanos;
    isl[size] = (float) inputTokens;
    osl[size] = (float) outputTokens;
    boolean dropped = false;
    if (!gapsDropped && to > from) {
      if (gapCount + (to - from) > chunkLimit) {
        gapsDropped = true;
        dropped = true;
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
        sawGaps = true;
      }
    }
    gapsEnd[size] = gapCount;
    size++;
    return dropped;
  }

  /**
   * Request r's stamps in curve time.
   *
   * @param r the request
   * @param q where they go
   * @param origin the curves' time origin
   * @return q
   */
  SpanEvents.Req load(int r, SpanEvents.Req q, long origin) {
    q.s = (double) (start[r] - origin);
    q.e = (double) (end[r] - origin);
    q.g = firstToken[r] == NONE ? Double.NaN : (double) (firstToken[r] - origin);
    q.in = isl[r];
    q.out = osl[r];
    q.gaps = gaps;
    q.from = gapsDropped || r == 0 ? 0 : gapsEnd[r - 1];
    q.to = gapsDropped ? 0 : gapsEnd[r];
    q.chunked = chunked.get(r);
    return q;
  }

  /**
   * Forgets some requests, and numbers the others again from 0, in the same order.
   *
   * @param gone the requests to forget
   * @return each request's new number, -1 for those forgotten
   */
  int[] drop(BitSet gone) {
    int[] renumbered = new int[size];
    int w = 0;
    int gw = 0;
    int gFrom = 0;
    for (int r = 0; r < size; r++) {
      int gTo = gapsDropped ? 0 : gapsEnd[r];
      if (gone.get(r)) {
        renumbered[r] = -1;
      } else {
        renumbered[r] = w;
        start[w] = start[r];
        end[w] = end[r];
        firstToken[w] = firstToken[r];
        isl[w] = isl[r];
        osl[w] = osl[r];
        minT[w] = minT[r];
        maxT[w] = maxT[r];
        chunked.set(w, chunked.get(r));
        clamped.set(w, clamped.get(r));
        if (!gapsDropped) {
          System.arraycopy(gaps, gFrom, gaps, gw, gTo - gFrom);
          gw += gTo - gFrom;
        }
        gapsEnd[w++] = gw;
      }
      gFrom = gTo;
    }
    chunked.clear(w, Math.max(w, size));
    clamped.clear(w, Math.max(w, size));
    size = w;
    if (!gapsDropped) {
      gapCount = gw;
    }
    return renumbered;
  }
}
