package io.aiperf.engine.internal.metrics;

/**
 * The events of AIPerf 0.13's time-weighted curves (analysis/sweepline.py,
 * sweepline_kv_cache.py), request by request: each curve is a list of passes (AIPerf adds all the
 * events of one kind, then the next), and a pass gives one request's events of that kind. The
 * order a pass, then a request, then a chunk, is the order the events would be given in all at
 * once, so equal-time ties sum in the same order as there. NaN means absent.
 */
final class SpanEvents {
  private SpanEvents() {}

  /** The curves built, and how many passes each has. */
  enum Kind {
    /** Requests in flight from start to end (concurrency_sweep_line). */
    CONCURRENCY(2),
    /** Requests in flight from first token to end. */
    DECODE_CONCURRENCY(2),
    /** Requests in flight from start to first token. */
    PREFILL_CONCURRENCY(2),
    /** Decode tokens per nanosecond, request-level (throughput_sweep_line). */
    DECODE(2),
    /** Decode tokens per nanosecond, chunk by chunk (throughput_sweep_line_icl). */
    DECODE_BY_CHUNK(2),
    /** Prefill tokens per nanosecond (prefill_throughput_sweep_line). */
    PREFILL(2),
    /** Prefill and request-level decode in one sweep (total_throughput_sweep_line). */
    TOTAL(4),
    /** Tokens held per request, request-level (tokens_in_flight_sweep_line). */
    TOKENS(5),
    /** Tokens held per request, output chunk by chunk (tokens_in_flight_sweep_line_icl). */
    TOKENS_BY_CHUNK(6);

    final int passes;

    Kind(int passes) {
      this.passes = passes;
    }

    /** Whether its events are one per chunk. */
    boolean byChunk() {
      return this == DECODE_BY_CHUNK || this == TOKENS_BY_CHUNK;
    }
  }

  /** Where one pass puts its events. */
  interface Sink {
    /**
     * Takes an event.
     *
     * @param t its time
     * @param delta what it adds
     */
    void add(double t, double delta);
  }

  /** One request's stamps in the curves' time, and its chunk gaps. */
  static final class Req {
    double s;
    double g;
    double e;
    double in;
    double out;
    float[] gaps = new float[0];
    int from;
    int to;
    /** Whether its output arrives chunk by chunk in tokens in flight (a gap at or above 0). */
    boolean chunked;
  }

  private static boolean has(double v) {
    return !Double.isNaN(v);
  }

  private static boolean decodes(Req q) {
    return has(q.g) && has(q.out) && q.e - q.g > 0 && q.out >= 1;
  }

  private static boolean prefills(Req q) {
    return has(q.s) && has(q.g) && has(q.in) && q.g - q.s > 0;
  }

  private static boolean generates(Req q) {
    return has(q.g) && has(q.out) && q.e - q.g > 0;
  }

  /** Whether the chunk-aware curves take this request's chunks at all. */
  private static boolean chunkable(Req q) {
    return q.from != q.to && has(q.g) && has(q.out) && q.out >= 1;
  }

  /**
   * Whether {@link Kind#TOKENS_BY_CHUNK} adds this request's output by chunk.
   *
   * @param q the request, its gaps set
   * @return true when it has a gap at or above 0
   */
  static boolean chunked(Req q) {
    if (!chunkable(q)) {
      return false;
    }
    for (int i = q.from; i < q.to; i++) {
      if (q.gaps[i] >= 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * Gives one request's events of one pass of a curve.
   *
   * @param kind the curve
   * @param pass the pass, from 0
   * @param q the request
   * @param sink where the events go
   */
  static void emit(Kind kind, int pass, Req q, Sink sink) {
    switch (kind) {
      case CONCURRENCY -> {
        if (has(q.s) && has(q.e)) {
          sink.add(pass == 0 ? q.s : q.e, pass == 0 ? 1 : -1);
        }
      }
      case DECODE_CONCURRENCY -> {
        if (has(q.g) && has(q.e)) {
          sink.add(pass == 0 ? q.g : q.e, pass == 0 ? 1 : -1);
        }
      }
      case PREFILL_CONCURRENCY -> {
        if (has(q.s) && has(q.g)) {
          sink.add(pass == 0 ? q.s : q.g, pass == 0 ? 1 : -1);
        }
      }
      case DECODE -> decode(pass, q, sink);
      case PREFILL -> prefill(pass, q, sink);
      case TOTAL -> {
        if (pass < 2) {
          prefill(pass, q, sink);
        } else {
          decode(pass - 2, q, sink);
        }
      }
      case DECODE_BY_CHUNK -> decodeByChunk(pass, q, sink);
      case TOKENS -> tokens(pass, q, sink);
      case TOKENS_BY_CHUNK -> tokensByChunk(pass, q, sink);
      default -> throw new IllegalArgumentException("no curve " + kind);
    }
  }

  /** (OSL − 1) / (end − first token) from the first token to the end. */
  private static void decode(int pass, Req q, Sink sink) {
    if (decodes(q)) {
      double rate = (q.out - 1) / (q.e - q.g);
      if (pass == 0) {
        sink.add(q.g, rate);
      } else {
        sink.add(q.e, -(q.out - 1) / (q.e - q.g));
      }
    }
  }

  /** ISL / (first token − start) from the start to the first token. */
  private static void prefill(int pass, Req q, Sink sink) {
    if (prefills(q)) {
      if (pass == 0) {
        sink.add(q.s, q.in / (q.g - q.s));
      } else {
        sink.add(q.g, -q.in / (q.g - q.s));
      }
    }
  }

  /**
   * Each positive gap between content chunks carries (OSL − 1) / (the request's positive gaps)
   * tokens, spread over the gap; the first chunk's token arrives at an instant and is not a rate.
   * Pass 0 gives the gaps' starts, pass 1 their ends.
   */
  private static void decodeByChunk(int pass, Req q, Sink sink) {
    if (!chunkable(q)) {
      return;
    }
    float[] gaps = q.gaps;
    int positive = 0;
    for (int i = q.from; i < q.to; i++) {
      if (gaps[i] > 0) {
        positive++;
      }
    }
    double perGap = (q.out - 1) / positive;
    double cum = 0;
    for (int i = q.from; i < q.to; i++) {
      double gap = gaps[i];
      cum += gap;
      if (gap > 0) {
        double chunkEnd = q.g + cum;
        double rate = perGap / gap;
        if (pass == 0) {
          sink.add(chunkEnd - gap, rate);
        } else {
          sink.add(chunkEnd, -rate);
        }
      }
    }
  }

  /**
   * Its input from its start while it prefills, its input and output from its first token, all
   * freed at its end: pass 0 the input, 1 the output, 2 to 4 the frees.
   */
  private static void tokens(int pass, Req q, Sink sink) {
    switch (pass) {
      case 0 -> {
        if (prefills(q)) {
          sink.add(q.s, q.in);
        }
      }
      case 1 -> {
        if (generates(q)) {
          sink.add(q.g, q.out);
        }
      }
      default -> free(pass - 2, q, generates(q), sink);
    }
  }

  /**
   * The output arrives chunk by chunk, one token with the first and (OSL − 1) / (the request's
   * gaps) with each later one; a chunk stamped at or past the request's end counts just before
   * it. Pass 0 the first chunk's token, 1 the later chunks, 2 the input, 3 to 5 the frees.
   */
  private static void tokensByChunk(int pass, Req q, Sink sink) {
    switch (pass) {
      case 0 -> {
        if (q.chunked) {
          sink.add(q.g, 1);
        }
      }
      case 1 -> {
        if (!chunkable(q)) {
          return;
        }
        float[] gaps = q.gaps;
        double perChunk = (q.out - 1) / (q.to - q.from);
        double cum = 0;
        for (int i = q.from; i < q.to; i++) {
          cum += gaps[i];
          if (gaps[i] >= 0) {
            double t = q.g + cum;
            if (has(q.e) && t >= q.e) {
              t = Math.nextDown(q.e);
            }
            sink.add(t, perChunk);
          }
        }
      }
      case 2 -> {
        if (prefills(q)) {
          sink.add(q.s, q.in);
        }
      }
      default -> free(pass - 3, q, q.chunked, sink);
    }
  }

  /** The end-of-request frees, in AIPerf's order: input and output, input only, output only. */
  private static void free(int kind, Req q, boolean output, Sink sink) {
    if (!has(q.e)) {
      return;
    }
    boolean input = prefills(q);
    if (kind == 0 && input && output) {
      sink.add(q.e, -(q.in + q.out));
    } else if (kind == 1 && input && !output) {
      sink.add(q.e, -q.in);
    } else if (kind == 2 && !input && output) {
      sink.add(q.e, -q.out);
    }
  }
}
