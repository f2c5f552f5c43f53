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

  /** One request's line; the error is null on a success, the trace when none was taken. */
  public record Line(String requestId, String correlationId, int conversation, int turn,
      String workerId, String processorId, long intendedNanos, long issuedNanos, long startNanos,
      long endNanos, boolean success, int errorCode, @Nullable String errorType,
      @Nullable String errorMessage, RecordValues values,
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
        json.writeObjectFieldStart(info.tag());
        if (to - from == 1 && id != iclId) {
          json.writeNumberField("value", v[from] * scale);
        } else {
          json.writeArrayFieldStart("value");
          for (int i = from; i < to; i++) {
            json.writeNumber(v[i] * scale);
          }
          json.writeEndArray();
        }
        json.writeStringField("unit", info.unit());
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
