package io.aiperf.engine.internal.export;

import io.aiperf.api.spi.MetricInfo;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.metrics.RecordValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
  /** The line being built; only the thread that writes the records touches it. */
  private final JsonLine json = new JsonLine();
  /** The raw export's copy of a line's metadata; the same thread writes both files. */
  private final JsonLine metadataText = new JsonLine();
  /** Per metric id, encoded once: {@code "tag":{"value":}, */
  private final byte[][] opening;
  /** and the close: {@code ,"unit":"ms"}}. */
  private final byte[][] closing;
  private final double[] scales;
  private final boolean[] counted;

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
    int size = registry.size();
    opening = new byte[size][];
    closing = new byte[size][];
    scales = new double[size];
    counted = new boolean[size];
    for (int id = 0; id < size; id++) {
      MetricInfo info = registry.info(id);
      String tag = new String(JsonLine.name(info.tag()), StandardCharsets.UTF_8);
      opening[id] = utf8(tag + "{\"value\":");
      JsonLine unit = new JsonLine();
      unit.value(info.unit());
      closing[id] = utf8(",\"unit\":" + unit + "}");
      scales[id] = info.displayScale();
      counted[id] = COUNTED_UNITS.contains(info.unit());
    }
  }

  private static byte[] utf8(String json) {
    return json.getBytes(StandardCharsets.UTF_8);
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
    JsonLine json = this.json;
    json.reset();
    json.startObject();
    json.field(METADATA);
    metadata(json, r);
    json.field(METRICS);
    json.startObject();
    RecordValues values = r.values();
    double[] v = values.values();
    int[] offsets = values.offsets();
    int n = Math.min(values.span(), registry.size());
    for (int id = 0; id < n; id++) {
      int from = offsets[id];
      int to = offsets[id + 1];
      if (from == to) {
        continue;
      }
      double scale = scales[id];
      boolean millis = scale == NANOS_TO_MILLIS;
      if (to - from == 1 && id != iclId) {
        json.field(opening[id]);
        value(json, v[from], scale, millis, counted[id]);
      } else {
        json.field(opening[id]);
        json.startArray();
        for (int i = from; i < to; i++) {
          value(json, v[i], scale, millis, false);
        }
        json.endArray();
      }
      json.closingFragment(closing[id]);
    }
    json.endObject();
    if (withTrace && r.trace() != null) {
      trace(json, r, r.trace());
    }
    if (!r.success()) {
      json.field(ERROR);
      json.startObject();
      if (r.errorCode() > 0) {
        json.field(CODE);
        json.value(r.errorCode());
      }
      json.field(TYPE);
      json.value(r.errorType());
      json.field(MESSAGE);
      json.value(r.errorMessage());
      json.endObject();
    }
    json.endObject();
    line(json);
  }

  /**
   * Writes a record's {@code metadata} field as AIPerf's {@code MetricRecordMetadata}, the same
   * text this file has for the same request; the raw export's lines carry it too.
   *
   * @param json where to write
   * @param r the record
   * @throws IOException if writing fails
   */
  void metadata(com.fasterxml.jackson.core.JsonGenerator json, Line r) throws IOException {
    JsonLine text = metadataText;
    text.reset();
    metadata(text, r);
    json.writeFieldName("metadata");
    json.writeRawValue(text.toString());
  }

  private void metadata(JsonLine json, Line r) {
    json.startObject();
    json.field(SESSION_NUM);
    json.value(r.sessionNum());
    json.field(X_REQUEST_ID);
    json.value(r.requestId());
    json.field(X_CORRELATION_ID);
    json.value(r.correlationId());
    json.field(CONVERSATION_ID);
    json.value(conversationId.apply(r.conversation()));
    json.field(TURN_INDEX);
    json.value(r.turn());
    json.field(INTENDED_START_NS);
    json.value(toWallNanos.applyAsLong(r.intendedNanos()));
    json.field(CREDIT_ISSUED_NS);
    json.value(toWallNanos.applyAsLong(r.issuedNanos()));
    json.field(REQUEST_START_NS);
    json.value(toWallNanos.applyAsLong(r.startNanos()));
    // 0 unless a successful status arrived (RequestRecorder), as AIPerf's acknowledgement.
    if (r.ackNanos() > 0) {
      json.field(REQUEST_ACK_NS);
      json.value(toWallNanos.applyAsLong(r.ackNanos()));
    }
    json.field(REQUEST_END_NS);
    json.value(toWallNanos.applyAsLong(r.endNanos()));
    json.field(WORKER_ID);
    json.value(r.workerId());
    json.field(RECORD_PROCESSOR_ID);
    json.value(r.processorId());
    json.field(BENCHMARK_PHASE);
    json.value(r.phase());
    json.field(PHASE_INDEX);
    json.value(r.phaseIndex());
    if (PROFILING.equals(r.phase())) {
      json.field(PROFILING_INDEX);
      json.value(0);
    }
    json.field(PHASE_NAME);
    json.value(r.phase());
    json.field(PHASE_KIND);
    json.value(r.phase());
    boolean cancelled = "RequestCancellationError".equals(r.errorType());
    json.field(WAS_CANCELLED);
    json.value(cancelled);
    if (cancelled) {
      json.field(CANCELLATION_TIME_NS);
      json.value(toWallNanos.applyAsLong(r.endNanos()));
    }
    json.field(CONTEXT_OVERFLOW_SKIP);
    json.value(false);
    json.field(AGENT_DEPTH);
    json.value(0);
    json.field(ROOT_CORRELATION_ID);
    json.value(r.correlationId());
    json.endObject();
  }

  private static final String PROFILING = "profiling";

  /** Units whose values are whole numbers, written as JSON integers as AIPerf does. */
  private static final java.util.Set<String> COUNTED_UNITS =
      java.util.Set.of("tokens", "count", "requests", "ratio");

  /** The display scale of the metrics computed in nanoseconds and shown in milliseconds. */
  private static final double NANOS_TO_MILLIS = 1e-6;

  /** One metric value in its display unit: nanoseconds exactly as milliseconds, counts whole. */
  private static void value(JsonLine json, double raw, double scale, boolean millis,
      boolean counted) {
    if (millis && MillisDecimal.fits(raw)) {
      json.millis(raw);
      return;
    }
    double value = raw * scale;
    if (counted && value == Math.rint(value) && Math.abs(value) < 0x1p53) {
      json.value((long) value);
    } else {
      json.value(value);
    }
  }

  /**
   * AIPerf's {@code trace_data}: its wall-clock event times and totals where this client has
   * them ({@code trace_type} names the client, as AIPerf's "aiohttp" does), and the phase
   * durations it computes, then this client's own breakdown (blocked, connecting, TLS).
   */
  private void trace(JsonLine json, Line r, io.aiperf.api.spi.TransportProvider.HttpTrace t) {
    long sendStart = toWallNanos.applyAsLong(r.startNanos());
    long sendEnd = sendStart + t.sendingNanos();
    long receiveStart = sendEnd + t.waitingNanos();
    long receiveEnd = receiveStart + t.receivingNanos();
    json.field(TRACE_DATA);
    json.startObject();
    json.field(TRACE_TYPE);
    json.value("netty");
    json.field(REQUEST_SEND_START_NS);
    json.value(sendStart);
    json.field(REQUEST_SEND_END_NS);
    json.value(sendEnd);
    json.field(REQUEST_BYTES_TOTAL);
    json.value(t.bytesSent());
    if (r.errorCode() > 0) {
      json.field(RESPONSE_STATUS_CODE);
      json.value(r.errorCode());
    }
    if (t.readsReceived() > 0) {
      json.field(RESPONSE_RECEIVE_START_NS);
      json.value(receiveStart);
      json.field(RESPONSE_RECEIVE_END_NS);
      json.value(receiveEnd);
    }
    json.field(RESPONSE_CHUNKS_COUNT);
    json.value(t.readsReceived());
    json.field(RESPONSE_BYTES_TOTAL);
    json.value(t.bytesReceived());
    json.field(SENDING_NS);
    json.value(t.sendingNanos());
    if (t.readsReceived() > 0) {
      json.field(WAITING_NS);
      json.value(t.waitingNanos());
      json.field(RECEIVING_NS);
      json.value(t.receivingNanos());
      json.field(DURATION_NS);
      json.value(receiveEnd - sendStart);
    }
    json.field(BLOCKED_NS);
    json.value(t.blockedNanos());
    json.field(CONNECTING_NS);
    json.value(t.connectingNanos());
    json.field(TLS_HANDSHAKING_NS);
    json.value(t.tlsNanos());
    json.field(CONNECTION_REUSED);
    json.value(t.connectionReused());
    json.endObject();
  }

  private static final byte[] METADATA = JsonLine.name("metadata");
  private static final byte[] METRICS = JsonLine.name("metrics");
  private static final byte[] ERROR = JsonLine.name("error");
  private static final byte[] CODE = JsonLine.name("code");
  private static final byte[] TYPE = JsonLine.name("type");
  private static final byte[] MESSAGE = JsonLine.name("message");
  private static final byte[] SESSION_NUM = JsonLine.name("session_num");
  private static final byte[] X_REQUEST_ID = JsonLine.name("x_request_id");
  private static final byte[] X_CORRELATION_ID = JsonLine.name("x_correlation_id");
  private static final byte[] CONVERSATION_ID = JsonLine.name("conversation_id");
  private static final byte[] TURN_INDEX = JsonLine.name("turn_index");
  private static final byte[] INTENDED_START_NS = JsonLine.name("intended_start_ns");
  private static final byte[] CREDIT_ISSUED_NS = JsonLine.name("credit_issued_ns");
  private static final byte[] REQUEST_START_NS = JsonLine.name("request_start_ns");
  private static final byte[] REQUEST_ACK_NS = JsonLine.name("request_ack_ns");
  private static final byte[] REQUEST_END_NS = JsonLine.name("request_end_ns");
  private static final byte[] WORKER_ID = JsonLine.name("worker_id");
  private static final byte[] RECORD_PROCESSOR_ID = JsonLine.name("record_processor_id");
  private static final byte[] BENCHMARK_PHASE = JsonLine.name("benchmark_phase");
  private static final byte[] PHASE_INDEX = JsonLine.name("phase_index");
  private static final byte[] PROFILING_INDEX = JsonLine.name("profiling_index");
  private static final byte[] PHASE_NAME = JsonLine.name("phase_name");
  private static final byte[] PHASE_KIND = JsonLine.name("phase_kind");
  private static final byte[] WAS_CANCELLED = JsonLine.name("was_cancelled");
  private static final byte[] CANCELLATION_TIME_NS = JsonLine.name("cancellation_time_ns");
  private static final byte[] CONTEXT_OVERFLOW_SKIP = JsonLine.name("context_overflow_skip");
  private static final byte[] AGENT_DEPTH = JsonLine.name("agent_depth");
  private static final byte[] ROOT_CORRELATION_ID = JsonLine.name("root_correlation_id");
  private static final byte[] TRACE_DATA = JsonLine.name("trace_data");
  private static final byte[] TRACE_TYPE = JsonLine.name("trace_type");
  private static final byte[] REQUEST_SEND_START_NS = JsonLine.name("request_send_start_ns");
  private static final byte[] REQUEST_SEND_END_NS = JsonLine.name("request_send_end_ns");
  private static final byte[] REQUEST_BYTES_TOTAL = JsonLine.name("request_bytes_total");
  private static final byte[] RESPONSE_STATUS_CODE = JsonLine.name("response_status_code");
  private static final byte[] RESPONSE_RECEIVE_START_NS =
      JsonLine.name("response_receive_start_ns");
  private static final byte[] RESPONSE_RECEIVE_END_NS = JsonLine.name("response_receive_end_ns");
  private static final byte[] RESPONSE_CHUNKS_COUNT = JsonLine.name("response_chunks_count");
  private static final byte[] RESPONSE_BYTES_TOTAL = JsonLine.name("response_bytes_total");
  private static final byte[] SENDING_NS = JsonLine.name("sending_ns");
  private static final byte[] WAITING_NS = JsonLine.name("waiting_ns");
  private static final byte[] RECEIVING_NS = JsonLine.name("receiving_ns");
  private static final byte[] DURATION_NS = JsonLine.name("duration_ns");
  private static final byte[] BLOCKED_NS = JsonLine.name("blocked_ns");
  private static final byte[] CONNECTING_NS = JsonLine.name("connecting_ns");
  private static final byte[] TLS_HANDSHAKING_NS = JsonLine.name("tls_handshaking_ns");
  private static final byte[] CONNECTION_REUSED = JsonLine.name("connection_reused");
}
