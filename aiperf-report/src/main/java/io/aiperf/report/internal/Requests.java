package io.aiperf.report.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The profiled requests of one run, column by column (primitive arrays: 100,000 requests take a
 * few megabytes), read from {@code profile_export.jsonl} as aiperf-java and AIPerf write it.
 * Warmup requests are left out. Values a request does not have are {@code NaN}.
 */
final class Requests {
  static final byte OK = 0;
  static final byte ERROR = 1;
  static final byte CANCELLED = 2;

  private static final JsonFactory JSON = new JsonFactory();

  int size;
  long[] startNs = new long[1024];
  long[] endNs = new long[1024];
  double[] ttft = new double[1024];
  double[] latency = new double[1024];
  double[] itl = new double[1024];
  double[] isl = new double[1024];
  double[] osl = new double[1024];
  byte[] outcome = new byte[1024];
  /** Index into {@link #errorKinds}, -1 when the request did not fail. */
  int[] errorKind = new int[1024];
  /** "code type" of each error kind, in the order first seen. */
  final List<String> errorKinds = new ArrayList<>();
  int warmupSkipped;
  int unreadableLines;
  @Nullable String firstUnreadable;

  /** The first request's start, the time origin of every per-request chart. */
  long originNs() {
    long min = Long.MAX_VALUE;
    for (int i = 0; i < size; i++) {
      min = Math.min(min, startNs[i]);
    }
    return size == 0 ? 0 : min;
  }

  /** The last request's end. */
  long lastEndNs() {
    long max = Long.MIN_VALUE;
    for (int i = 0; i < size; i++) {
      max = Math.max(max, endNs[i]);
    }
    return size == 0 ? 0 : max;
  }

  int count(byte what) {
    int n = 0;
    for (int i = 0; i < size; i++) {
      if (outcome[i] == what) {
        n++;
      }
    }
    return n;
  }

  /** Reads a records file; lines that cannot be parsed are counted, the first one kept. */
  static Requests read(Path file) throws IOException {
    Requests r = new Requests();
    Map<String, Integer> kinds = new LinkedHashMap<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      Row row = new Row();
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (line.isBlank()) {
          continue;
        }
        row.clear();
        try {
          parse(line, row);
        } catch (IOException | RuntimeException e) {
          r.unreadable(lineNo, e.getMessage());
          continue;
        }
        if (row.startNs == Long.MIN_VALUE) {
          r.unreadable(lineNo, "no metadata.request_start_ns");
          continue;
        }
        if ("warmup".equals(row.phase)) {
          r.warmupSkipped++;
          continue;
        }
        int kind = -1;
        if (row.errorKey != null) {
          kind = kinds.computeIfAbsent(row.errorKey, k -> {
            r.errorKinds.add(k);
            return r.errorKinds.size() - 1;
          });
        }
        r.add(row, kind);
      }
    }
    return r;
  }

  private void unreadable(int lineNo, @Nullable String why) {
    unreadableLines++;
    if (firstUnreadable == null) {
      firstUnreadable = "line " + lineNo + ": " + why;
    }
  }

  private void add(Row row, int kind) {
    if (size == startNs.length) {
      int n = size * 2;
      startNs = Arrays.copyOf(startNs, n);
      endNs = Arrays.copyOf(endNs, n);
      ttft = Arrays.copyOf(ttft, n);
      latency = Arrays.copyOf(latency, n);
      itl = Arrays.copyOf(itl, n);
      isl = Arrays.copyOf(isl, n);
      osl = Arrays.copyOf(osl, n);
      outcome = Arrays.copyOf(outcome, n);
      errorKind = Arrays.copyOf(errorKind, n);
    }
    int i = size++;
    startNs[i] = row.startNs;
    double lat = row.latency;
    if (row.endNs != Long.MIN_VALUE) {
      endNs[i] = row.endNs;
    } else {
      endNs[i] = Double.isNaN(lat) ? row.startNs : row.startNs + (long) (lat * 1e6);
    }
    if (Double.isNaN(lat) && row.endNs != Long.MIN_VALUE) {
      // Errors carry no request_latency; their time to the error is still worth a point.
      lat = (row.endNs - row.startNs) / 1e6;
    }
    latency[i] = lat;
    ttft[i] = row.ttft;
    itl[i] = row.itl;
    isl[i] = Double.isNaN(row.isl) ? row.errorIsl : row.isl;
    osl[i] = row.osl;
    outcome[i] = row.cancelled ? CANCELLED : row.errorKey != null ? ERROR : OK;
    errorKind[i] = kind;
  }

  /** One line's fields. */
  private static final class Row {
    long startNs;
    long endNs;
    double ttft;
    double latency;
    double itl;
    double isl;
    double errorIsl;
    double osl;
    boolean cancelled;
    @Nullable String phase;
    @Nullable String errorKey;

    void clear() {
      startNs = Long.MIN_VALUE;
      endNs = Long.MIN_VALUE;
      ttft = Double.NaN;
      latency = Double.NaN;
      itl = Double.NaN;
      isl = Double.NaN;
      errorIsl = Double.NaN;
      osl = Double.NaN;
      cancelled = false;
      phase = null;
      errorKey = null;
    }
  }

  /** A streaming read: the per-chunk arrays of a record are skipped, never built. */
  private static void parse(String line, Row row) throws IOException {
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String section = p.currentName();
        JsonToken t = p.nextToken();
        if (t != JsonToken.START_OBJECT) {
          p.skipChildren();
          continue;
        }
        switch (section) {
          case "metadata" -> metadata(p, row);
          case "metrics" -> metrics(p, row);
          case "error" -> row.errorKey = error(p);
          default -> p.skipChildren();
        }
      }
    }
  }

  private static void metadata(JsonParser p, Row row) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      switch (name) {
        case "request_start_ns" -> row.startNs = t.isNumeric() ? p.getLongValue() : row.startNs;
        case "request_end_ns" -> row.endNs = t.isNumeric() ? p.getLongValue() : row.endNs;
        case "was_cancelled" -> row.cancelled = t == JsonToken.VALUE_TRUE;
        case "benchmark_phase" -> row.phase = t == JsonToken.VALUE_STRING ? p.getText() : null;
        default -> p.skipChildren();
      }
    }
  }

  private static void metrics(JsonParser p, Row row) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      if (p.nextToken() != JsonToken.START_OBJECT) {
        p.skipChildren();
        continue;
      }
      double value = Double.NaN;
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        boolean isValue = "value".equals(p.currentName());
        JsonToken t = p.nextToken();
        if (isValue && t.isNumeric()) {
          value = p.getDoubleValue();
        } else {
          p.skipChildren();
        }
      }
      switch (name) {
        case "time_to_first_token" -> row.ttft = value;
        case "request_latency" -> row.latency = value;
        case "inter_token_latency" -> row.itl = value;
        case "input_sequence_length" -> row.isl = value;
        case "error_isl" -> row.errorIsl = value;
        case "output_sequence_length" -> row.osl = value;
        default -> { }
      }
    }
  }

  private static String error(JsonParser p) throws IOException {
    String code = "";
    String type = "";
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if ("code".equals(name) && t != JsonToken.VALUE_NULL) {
        code = p.getText();
      } else if ("type".equals(name) && t != JsonToken.VALUE_NULL) {
        type = p.getText();
      } else {
        p.skipChildren();
      }
    }
    return (code + " " + type).strip();
  }
}
