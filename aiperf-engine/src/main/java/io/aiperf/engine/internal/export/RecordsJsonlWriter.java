package io.aiperf.engine.internal.export;

import io.aiperf.api.spi.MetricInfo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.IntFunction;
import java.util.function.LongUnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Streams {@code profile_export.jsonl} as records complete, one line per request in AIPerf's
 * layout ({@code metadata}, {@code metrics} with value and unit, {@code error}), so no list of all
 * records is held for the export. Single-threaded: the records manager owns it.
 */
public final class RecordsJsonlWriter extends JsonlFile {
  /** AIPerf's per-record file name. */
  public static final String FILE = "profile_export.jsonl";

  private final Map<String, MetricInfo> infos;
  private final LongUnaryOperator toWallNanos;
  private final IntFunction<String> conversationId;
  private final boolean withTrace;

  /**
   * Opens the file (creating the directory).
   *
   * @param dir the artifact directory
   * @param fileName the file's name
   * @param withTrace whether to add each request's HTTP timings
   * @param infos metric descriptions, for units and display scales
   * @param toWallNanos converts a monotonic timestamp to wall-clock nanoseconds
   * @param conversationId the dataset id of a conversation index
   * @throws IOException if the file cannot be created; the message names it
   */
  public RecordsJsonlWriter(Path dir, String fileName, Map<String, MetricInfo> infos,
      LongUnaryOperator toWallNanos, IntFunction<String> conversationId, boolean withTrace)
      throws IOException {
    super(dir, fileName);
    this.withTrace = withTrace;
    this.infos = infos;
    this.toWallNanos = toWallNanos;
    this.conversationId = conversationId;
  }

  /** One request's line; the error is null on a success, the trace when none was taken. */
  public record Line(String requestId, String correlationId, int conversation, int turn,
      String workerId, String processorId, long intendedNanos, long issuedNanos, long startNanos,
      long endNanos, boolean success, int errorCode, @Nullable String errorType,
      @Nullable String errorMessage, Map<String, double[]> values,
      io.aiperf.api.spi.TransportProvider.@Nullable HttpTrace trace) {}

  /**
   * Appends one record. A write failure is logged once and ends the file; it never stops the run.
   *
   * @param r the record
   */
  public void write(Line r) {
    line(json -> {
      json.writeStartObject();
      json.writeObjectFieldStart("metadata");
      json.writeStringField("x_request_id", r.requestId());
      json.writeStringField("x_correlation_id", r.correlationId());
      json.writeStringField("conversation_id", conversationId.apply(r.conversation()));
      json.writeNumberField("turn_index", r.turn());
      json.writeNumberField("intended_start_ns", toWallNanos.applyAsLong(r.intendedNanos()));
      json.writeNumberField("credit_issued_ns", toWallNanos.applyAsLong(r.issuedNanos()));
      json.writeNumberField("request_start_ns", toWallNanos.applyAsLong(r.startNanos()));
      json.writeNumberField("request_end_ns", toWallNanos.applyAsLong(r.endNanos()));
      json.writeStringField("worker_id", r.workerId());
      json.writeStringField("record_processor_id", r.processorId());
      json.writeStringField("benchmark_phase", "profiling");
      boolean cancelled = "RequestCancellationError".equals(r.errorType());
      json.writeBooleanField("was_cancelled", cancelled);
      if (cancelled) {
        json.writeNumberField("cancellation_time_ns", toWallNanos.applyAsLong(r.endNanos()));
      } else {
        json.writeNullField("cancellation_time_ns");
      }
      json.writeEndObject();
      json.writeObjectFieldStart("metrics");
      for (Map.Entry<String, double[]> e : r.values().entrySet()) {
        MetricInfo info = infos.get(e.getKey());
        double scale = info == null ? 1 : info.displayScale();
        json.writeObjectFieldStart(e.getKey());
        double[] v = e.getValue();
        if (v.length == 1 && !e.getKey().equals("inter_chunk_latency")) {
          json.writeNumberField("value", v[0] * scale);
        } else {
          json.writeArrayFieldStart("value");
          for (double x : v) {
            json.writeNumber(x * scale);
          }
          json.writeEndArray();
        }
        json.writeStringField("unit", info == null ? "" : info.unit());
        json.writeEndObject();
      }
      json.writeEndObject();
      if (withTrace && r.trace() != null) {
        var t = r.trace();
        json.writeObjectFieldStart("trace_data");
        json.writeNumberField("blocked_ns", t.blockedNanos());
        json.writeNumberField("connecting_ns", t.connectingNanos());
        json.writeNumberField("tls_handshaking_ns", t.tlsNanos());
        json.writeNumberField("sending_ns", t.sendingNanos());
        json.writeNumberField("waiting_ns", t.waitingNanos());
        json.writeNumberField("receiving_ns", t.receivingNanos());
        json.writeBooleanField("connection_reused", t.connectionReused());
        json.writeNumberField("bytes_sent", t.bytesSent());
        json.writeNumberField("bytes_received", t.bytesReceived());
        json.writeNumberField("reads_received", t.readsReceived());
        json.writeEndObject();
      }
      if (r.success()) {
        json.writeNullField("error");
      } else {
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
}
