package io.aiperf.engine.internal.metrics;

/**
 * The request-level and chunk-aware curves of AIPerf 0.13's time-weighted metrics
 * (analysis/sweepline.py, sweepline_kv_cache.py), over per-request columns where NaN means
 * absent. Events are added in AIPerf's order (all of one kind, then the next), so equal-time ties
 * sum in the same order as there. This is how the records manager built the curves before they
 * were folded in while the records arrive: every event of the run sorted at once, after it. Kept
 * as the reference the folded curves must equal ({@link RequestSpansFoldTest}).
 */
final class SpanCurves {
  private SpanCurves() {}

  /** Events being collected: a time and what it adds. */
  private static final class Events {
    final double[] ts;
    final double[] deltas;
    int n;

    Events(int capacity) {
      ts = new double[capacity];
      deltas = new double[capacity];
    }

    void add(double t, double delta) {
      ts[n] = t;
      deltas[n++] = delta;
    }

    SweepLine.Curve sweep() {
      return SweepLine.sweep(ts, deltas, n);
    }
  }

  private static boolean has(double v) {
    return !Double.isNaN(v);
  }

  /** Requests in flight between {@code from} and {@code to} (concurrency_sweep_line). */
  static SweepLine.Curve concurrency(double[] from, double[] to) {
    Events ev = new Events(2 * from.length);
    for (int r = 0; r < from.length; r++) {
      if (has(from[r]) && has(to[r])) {
        ev.add(from[r], 1);
      }
    }
    for (int r = 0; r < from.length; r++) {
      if (has(from[r]) && has(to[r])) {
        ev.add(to[r], -1);
      }
    }
    return ev.sweep();
  }

  private static boolean decodes(double g, double e, double out) {
    return has(g) && has(out) && e - g > 0 && out >= 1;
  }

  private static boolean prefills(double s, double g, double in) {
    return has(s) && has(g) && has(in) && g - s > 0;
  }

  /**
   * Decode tokens per nanosecond, each request at (OSL − 1) / (end − first token) from its first
   * token to its end (throughput_sweep_line).
   */
  static SweepLine.Curve decode(double[] g, double[] e, double[] out) {
    Events ev = new Events(2 * g.length);
    for (int r = 0; r < g.length; r++) {
      if (decodes(g[r], e[r], out[r])) {
        ev.add(g[r], (out[r] - 1) / (e[r] - g[r]));
      }
    }
    for (int r = 0; r < g.length; r++) {
      if (decodes(g[r], e[r], out[r])) {
        ev.add(e[r], -(out[r] - 1) / (e[r] - g[r]));
      }
    }
    return ev.sweep();
  }

  /**
   * Prefill tokens per nanosecond, each request at ISL / (first token − start) from its start to
   * its first token (prefill_throughput_sweep_line).
   */
  static SweepLine.Curve prefill(double[] s, double[] g, double[] in) {
    Events ev = new Events(2 * s.length);
    for (int r = 0; r < s.length; r++) {
      if (prefills(s[r], g[r], in[r])) {
        ev.add(s[r], in[r] / (g[r] - s[r]));
      }
    }
    for (int r = 0; r < s.length; r++) {
      if (prefills(s[r], g[r], in[r])) {
        ev.add(g[r], -in[r] / (g[r] - s[r]));
      }
    }
    return ev.sweep();
  }

  /** Prefill and request-level decode in one sweep (total_throughput_sweep_line). */
  static SweepLine.Curve total(double[] s, double[] g, double[] e, double[] in, double[] out) {
    int n = s.length;
    Events ev = new Events(4 * n);
    for (int r = 0; r < n; r++) {
      if (prefills(s[r], g[r], in[r])) {
        ev.add(s[r], in[r] / (g[r] - s[r]));
      }
    }
    for (int r = 0; r < n; r++) {
      if (prefills(s[r], g[r], in[r])) {
        ev.add(g[r], -in[r] / (g[r] - s[r]));
      }
    }
    for (int r = 0; r < n; r++) {
      if (decodes(g[r], e[r], out[r])) {
        ev.add(g[r], (out[r] - 1) / (e[r] - g[r]));
      }
    }
    for (int r = 0; r < n; r++) {
      if (decodes(g[r], e[r], out[r])) {
        ev.add(e[r], -(out[r] - 1) / (e[r] - g[r]));
      }
    }
    return ev.sweep();
  }

  /**
   * Chunk-aware decode tokens per nanosecond (throughput_sweep_line_icl): each positive gap
   * between content chunks carries (OSL − 1) / (the request's positive gaps) tokens, spread over
   * the gap; the first chunk's token arrives at an instant and is not a rate.
   */
  static SweepLine.Curve decodeByChunk(double[] g, double[] out, float[] gaps, int[] gapsEnd,
      int n) {
    int total = n == 0 ? 0 : gapsEnd[n - 1];
    Events starts = new Events(total);
    Events ends = new Events(total);
    for (int r = 0; r < n; r++) {
      int from = r == 0 ? 0 : gapsEnd[r - 1];
      int to = gapsEnd[r];
      if (from == to || !has(g[r]) || !has(out[r]) || out[r] < 1) {
        continue;
      }
      int positive = 0;
      for (int i = from; i < to; i++) {
        if (gaps[i] > 0) {
          positive++;
        }
      }
      double perGap = (out[r] - 1) / positive;
      double cum = 0;
      for (int i = from; i < to; i++) {
        double gap = gaps[i];
        cum += gap;
        if (gap > 0) {
          double chunkEnd = g[r] + cum;
          double rate = perGap / gap;
          starts.add(chunkEnd - gap, rate);
          ends.add(chunkEnd, -rate);
        }
      }
    }
    Events ev = new Events(starts.n + ends.n);
    System.arraycopy(starts.ts, 0, ev.ts, 0, starts.n);
    System.arraycopy(starts.deltas, 0, ev.deltas, 0, starts.n);
    System.arraycopy(ends.ts, 0, ev.ts, starts.n, ends.n);
    System.arraycopy(ends.deltas, 0, ev.deltas, starts.n, ends.n);
    ev.n = starts.n + ends.n;
    return ev.sweep();
  }

  /**
   * Tokens held per request (tokens_in_flight_sweep_line): its input from its start while it
   * prefills, its input and output from its first token, all freed at its end.
   */
  static SweepLine.Curve tokensInFlight(double[] s, double[] g, double[] e, double[] in,
      double[] out) {
    int n = s.length;
    Events ev = new Events(3 * n);
    for (int r = 0; r < n; r++) {
      if (prefills(s[r], g[r], in[r])) {
        ev.add(s[r], in[r]);
      }
    }
    for (int r = 0; r < n; r++) {
      if (generates(g[r], e[r], out[r])) {
        ev.add(g[r], out[r]);
      }
    }
    addFrees(ev, s, g, e, in, out, null);
    return ev.sweep();
  }

  private static boolean generates(double g, double e, double out) {
    return has(g) && has(out) && e - g > 0;
  }

  /**
   * The end-of-request frees, in AIPerf's order: input and output, input only, output only.
   * {@code chunked} says which requests had output added by chunk (null: by first token).
   */
  private static void addFrees(Events ev, double[] s, double[] g, double[] e, double[] in,
      double[] out, boolean @org.jspecify.annotations.Nullable [] chunked) {
    int n = s.length;
    for (int kind = 0; kind < 3; kind++) {
      for (int r = 0; r < n; r++) {
        if (!has(e[r])) {
          continue;
        }
        boolean input = prefills(s[r], g[r], in[r]);
        boolean output = chunked == null ? generates(g[r], e[r], out[r]) : chunked[r];
        if (kind == 0 && input && output) {
          ev.add(e[r], -(in[r] + out[r]));
        } else if (kind == 1 && input && !output) {
          ev.add(e[r], -in[r]);
        } else if (kind == 2 && !input && output) {
          ev.add(e[r], -out[r]);
        }
      }
    }
  }

  /**
   * Chunk-aware tokens in flight (tokens_in_flight_sweep_line_icl): the output arrives chunk by
   * chunk, one token with the first and (OSL − 1) / (the request's gaps) with each later one; a
   * chunk stamped at or past the request's end counts just before it.
   */
  static SweepLine.Curve tokensInFlightByChunk(double[] s, double[] g, double[] e, double[] in,
      double[] out, float[] gaps, int[] gapsEnd, int n) {
    boolean[] chunked = new boolean[n];
    int total = n == 0 ? 0 : gapsEnd[n - 1];
    Events chunks = new Events(total);
    for (int r = 0; r < n; r++) {
      int from = r == 0 ? 0 : gapsEnd[r - 1];
      int to = gapsEnd[r];
      if (from == to || !has(g[r]) || !has(out[r]) || out[r] < 1) {
        continue;
      }
      double perChunk = (out[r] - 1) / (to - from);
      double cum = 0;
      for (int i = from; i < to; i++) {
        cum += gaps[i];
        if (gaps[i] >= 0) {
          double t = g[r] + cum;
          if (has(e[r]) && t >= e[r]) {
            t = Math.nextDown(e[r]);
          }
          chunks.add(t, perChunk);
          chunked[r] = true;
        }
      }
    }
    Events ev = new Events(n + chunks.n + 2 * n);
    for (int r = 0; r < n; r++) {
      if (chunked[r]) {
        ev.add(g[r], 1); // the first chunk's token, at the first token
      }
    }
    System.arraycopy(chunks.ts, 0, ev.ts, ev.n, chunks.n);
    System.arraycopy(chunks.deltas, 0, ev.deltas, ev.n, chunks.n);
    ev.n += chunks.n;
    for (int r = 0; r < n; r++) {
      if (prefills(s[r], g[r], in[r])) {
        ev.add(s[r], in[r]);
      }
    }
    addFrees(ev, s, g, e, in, out, chunked);
    return ev.sweep();
  }
}
