package io.aiperf.engine.internal.export;

import io.aiperf.api.spi.MetricInfo;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.metrics.RecordValues;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.IntFunction;
import java.util.function.LongUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Streams {@code profile_export.jsonl} as records complete, one line per request in AIPerf's
 * layout ({@code metadata}, {@code metrics} with value and unit, {@code error}), so no list of all
 * records is held for the export. Metrics come in id order, the same on every run with the same
 * plugins. Single-threaded: the records manager owns it.
 */
public final class RecordsJsonlWriter extends JsonlFile {
  /** AIPerf's per-record file name. */
  public static final String FILE = "profile_export.jsonl";

  private final MetricRegistry registry;
  private final int iclId;
  private final LongUnaryOperator toWallNanos;
  private final IntFunction<String> conversationId;
  private final boolean withTrace;
  /** The digits of one value; written only by the thread that writes the records. */
  private final char[] digits = new char[MillisDecimal.MAX_CHARS];

  /**
   * Opens the file (creating the directory).
   *
   * @param dir the artifact directory
   * @param fileName the file's name
   * @param withTrace whether to add each request's HTTP timings
   * @param registry the run's metrics, for tags, units and display scales
   * @param toWallNanos converts a monotonic timestamp to wall-clock nanoseconds
   * @param conversationId the dataset id of a conversation index
   * @throws IOException if the file cannot be created; the message names it
   */
  public RecordsJsonlWriter(Path dir, String fileName, MetricRegistry registry,
      LongUnaryOperator toWallNanos, IntFunction<String> conversationId, boolean withTrace)
      throws IOException {
    super(dir, fileName);
    this.withTrace = withTrace;
    this.registry = registry;
    this.iclId = registry.id("inter_chunk_latency");
    this.toWallNanos = toWallNanos;
    this.conversationId = conversationId;
  }

  /**
   * One request's line; the error is null on a success, the trace when none was taken.
   *
   * @param sessionNum the request's index within its phase, from 0 (AIPerf's {@code session_num})
   * @param phase the phase: {@code "warmup"} or {@code "profiling"}
   * @param phaseIndex the phase's position in the run (warmup 0 and profiling 1 when there is a
   *     warmup, else profiling 0)
   * @param ackNanos when the response's status line and headers arrived; 0 when none did
   */
  public record Line(long sessionNum, String phase, int phaseIndex, String requestId,
      String correlationId, int conversation, int turn, String workerId, String processorId,
      long intendedNanos, long issuedNanos, long startNanos, long ackNanos, long endNanos,
      boolean success, int errorCode, @Nullable String errorType, @Nullable String errorMessage,
      RecordValues values, io.aiperf.api.spi.TransportProvider.@Nullable HttpTrace trace) {}

  /**
   * Appends one record. A write failure is logged once and ends the file; it never stops the run.
   * The layout is AIPerf 0.13's {@code MetricRecordInfo}: fields AIPerf leaves out when they have
   * no value are left out here too (no nulls), and {@code intended_start_ns} is ours (the
   * schedule's send time, which corrected latencies count from).
   *
   * @param r the record
   */
  public void write(Line r) {
    line(json -> {
      json.writeStartObject();
      metadata(json, r);
      json.writeObjectFieldStart("metrics");
      RecordValues values = r.values();
      double[] v = values.values();
      int n = Math.min(values.span(), registry.size());
      for (int id = 0; id < n; id++) {
        int from = values.offsets()[id];
        int to = values.offsets()[id + 1];
        if (from == to) {
          continue;
        }
        MetricInfo info = registry.info(id);
        double scale = info.displayScale();
        boolean counted = COUNTED_UNITS.contains(info.unit());
        json.writeObjectFieldStart(info.tag());
        boolean millis = scale == NANOS_TO_MILLIS;
        if (to - from == 1 && id != iclId) {
          json.writeFieldName("value");
          value(json, v[from], scale, millis, counted);
        } else {
          json.writeArrayFieldStart("value");
          for (int i = from; i < to; i++) {
            value(json, v[i], scale, millis, false);
          }
          json.writeEndArray();
        }
        json.writeStringField("unit", info.unit());
        json.writeEndObject();
      }
      json.writeEndObject();
      if (withTrace && r.trace() != null) {
        trace(json, r, r.trace());
      }
      if (!r.success()) {
        json.writeObjectFieldStart("error");
        if (r.errorCode() > 0) {
          json.writeNumberField("code", r.errorCode());
        }
        json.writeStringField("type", r.errorType());
        json.writeStringField("message", r.errorMessage());
        json.writeEndObject();
      }
      json.writeEndObject();
    });
  }

  /**
   * Writes a record's {@code metadata} object as AIPerf's {@code MetricRecordMetadata}; the raw
   * export writes the same one for the same request.
   *
   * @param json where to write
   * @param r the record
   * @throws IOException if writing fails
   */
  void metadata(com.fasterxml.jackson.core.JsonGenerator json, Line r) throws IOException {
    json.writeObjectFieldStart("metadata");
    json.writeNumberField("session_num", r.sessionNum());
    json.writeStringField("x_request_id", r.requestId());
    json.writeStringField("x_correlation_id", r.correlationId());
    json.writeStringField("conversation_id", conversationId.apply(r.conversation()));
    json.writeNumberField("turn_index", r.turn());
    json.writeNumberField("intended_start_ns", toWallNanos.applyAsLong(r.intendedNanos()));
    json.writeNumberField("credit_issued_ns", toWallNanos.applyAsLong(r.issuedNanos()));
    json.writeNumberField("request_start_ns", toWallNanos.applyAsLong(r.startNanos()));
    // 0 unless a successful status arrived (RequestRecorder), as AIPerf's acknowledgement.
    if (r.ackNanos() > 0) {
      json.writeNumberField("request_ack_ns", toWallNanos.applyAsLong(r.ackNanos()));
    }
    json.writeNumberField("request_end_ns", toWallNanos.applyAsLong(r.endNanos()));
    json.writeStringField("worker_id", r.workerId());
    json.writeStringField("record_processor_id", r.processorId());
    json.writeStringField("benchmark_phase", r.phase());
    json.writeNumberField("phase_index", r.phaseIndex());
    if (PROFILING.equals(r.phase())) {
      json.writeNumberField("profiling_index", 0);
    }
    json.writeStringField("phase_name", r.phase());
    json.writeStringField("phase_kind", r.phase());
    boolean cancelled = "RequestCancellationError".equals(r.errorType());
    json.writeBooleanField("was_cancelled", cancelled);
    if (cancelled) {
      json.writeNumberField("cancellation_time_ns", toWallNanos.applyAsLong(r.endNanos()));
    }
    json.writeBooleanField("context_overflow_skip", false);
    json.writeNumberField("agent_depth", 0);
    json.writeStringField("root_correlation_id", r.correlationId());
    json.writeEndObject();
  }

  private static final String PROFILING = "profiling";

  /** Units whose values are whole numbers, written as JSON integers as AIPerf does. */
  private static final java.util.Set<String> COUNTED_UNITS =
      java.util.Set.of("tokens", "count", "requests", "ratio");

  /** The display scale of the metrics computed in nanoseconds and shown in milliseconds. */
  private static final double NANOS_TO_MILLIS = 1e-6;

  /** One metric value in its display unit: nanoseconds exactly as milliseconds, counts whole. */
  private void value(com.fasterxml.jackson.core.JsonGenerator json, double raw, double scale,
      boolean millis, boolean counted) throws IOException {
    if (millis && MillisDecimal.fits(raw)) {
      json.writeNumber(digits, 0, MillisDecimal.format(raw, digits));
      return;
    }
    double value = raw * scale;
    if (counted && value == Math.rint(value) && Math.abs(value) < 0x1p53) {
      json.writeNumber((long) value);
    } else {
      json.writeNumber(value);
    }
  }

  /**
   * AIPerf's {@code trace_data}: its wall-clock event times and totals where this client has
   * them ({@code trace_type} names the client, as AIPerf's "aiohttp" does), and the phase
   * durations it computes, then this client's own breakdown (blocked, connecting, TLS).
   */
  private void trace(com.fasterxml.jackson.core.JsonGenerator json, Line r,
      io.aiperf.api.spi.TransportProvider.HttpTrace t) throws IOException {
    long sendStart = toWallNanos.applyAsLong(r.startNanos());
    long sendEnd = sendStart + t.sendingNanos();
    long receiveStart = sendEnd + t.waitingNanos();
    long receiveEnd = receiveStart + t.receivingNanos();
    json.writeObjectFieldStart("trace_data");
    json.writeStringField("trace_type", "netty");
    json.writeNumberField("request_send_start_ns", sendStart);
    json.writeNumberField("request_send_end_ns", sendEnd);
    json.writeNumberField("request_bytes_total", t.bytesSent());
    if (r.errorCode() > 0) {
      json.writeNumberField("response_status_code", r.errorCode());
    }
    if (t.readsReceived() > 0) {
      json.writeNumberField("response_receive_start_ns", receiveStart);
      json.writeNumberField("response_receive_end_ns", receiveEnd);
    }
    json.writeNumberField("response_chunks_count", t.readsReceived());
    json.writeNumberField("response_bytes_total", t.bytesReceived());
    json.writeNumberField("sending_ns", t.sendingNanos());
    if (t.readsReceived() > 0) {
      json.writeNumberField("waiting_ns", t.waitingNanos());
      json.writeNumberField("receiving_ns", t.receivingNanos());
      json.writeNumberField("duration_ns", receiveEnd - sendStart);
    }
    json.writeNumberField("blocked_ns", t.blockedNanos());
    json.writeNumberField("connecting_ns", t.connectingNanos());
    json.writeNumberField("tls_handshaking_ns", t.tlsNanos());
    json.writeBooleanField("connection_reused", t.connectionReused());
    json.writeEndObject();
  }
}
