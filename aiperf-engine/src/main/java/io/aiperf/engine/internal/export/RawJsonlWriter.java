package io.aiperf.engine.internal.export;

import io.aiperf.api.spi.Secrets;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import io.aiperf.engine.internal.service.Messages.RawRequest;
import io.aiperf.engine.internal.service.Messages.RawResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongUnaryOperator;

/**
 * Streams {@code profile_export_raw.jsonl} (export level raw): per request the body as sent, the
 * request headers with secrets redacted, the status and every response message with its arrival
 * time, so a run can be inspected or replayed message by message.
 */
public final class RawJsonlWriter extends JsonlFile {
  /** AIPerf's raw export file name. */
  public static final String FILE = "profile_export_raw.jsonl";

  private final Map<String, String> headers;
  private final LongUnaryOperator toWallNanos;
  private final Secrets secrets;

  /**
   * Opens the file.
   *
   * @param dir the artifact directory
   * @param fileName the file's name
   * @param headers the headers every request carries (values of secret ones are redacted here)
   * @param toWallNanos converts a monotonic timestamp to wall-clock nanoseconds
   * @param secrets values removed from bodies, replies and messages
   * @throws IOException if the file cannot be created
   */
  public RawJsonlWriter(Path dir, String fileName, Map<String, String> headers,
      LongUnaryOperator toWallNanos, Secrets secrets) throws IOException {
    super(dir, fileName);
    this.headers = headers;
    this.toWallNanos = toWallNanos;
    this.secrets = secrets;
  }

  /**
   * Whether a header's value may be written. Users pass secrets in headers of any name, so only
   * the standard content headers are shown; every other value is redacted.
   */
  static boolean secret(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return !(n.equals("accept") || n.equals("content-type") || n.equals("user-agent"));
  }

  /**
   * Appends one request. A write failure is logged once and ends the file.
   *
   * @param raw the raw record
   */
  public void write(RawRecord raw) {
    RawRequest request = raw.request();
    RawResponse response = raw.response();
    line(json -> {
      json.writeStartObject();
      json.writeObjectFieldStart("metadata");
      json.writeStringField("x_request_id", request.requestId());
      json.writeStringField("x_correlation_id", request.correlationId());
      json.writeNumberField("turn_index", request.turn());
      json.writeStringField("worker_id", request.workerId());
      json.writeStringField("benchmark_phase", "profiling");
      json.writeEndObject();
      json.writeNumberField("start_ns", toWallNanos.applyAsLong(raw.timing().startNanos()));
      json.writeFieldName("payload");
      json.writeRawValue(
          secrets.redact(new String(request.requestBody(), StandardCharsets.UTF_8)));
      json.writeObjectFieldStart("request_headers");
      for (Map.Entry<String, String> h : headers.entrySet()) {
        json.writeStringField(h.getKey(), secret(h.getKey()) ? "<redacted>" : h.getValue());
      }
      json.writeStringField("X-Request-ID", request.requestId());
      json.writeStringField("X-Correlation-ID", request.correlationId());
      json.writeEndObject();
      json.writeNumberField("status", response.status());
      json.writeArrayFieldStart("responses");
      byte[][] messages = response.messageData();
      if (messages != null) {
        // A stream's record sets its events with its data.
        String[] events = Objects.requireNonNull(response.messageEvents(), "a stream has events");
        for (int i = 0; i < response.messageCount(); i++) {
          json.writeStartObject();
          json.writeNumberField("arrival_ns",
              toWallNanos.applyAsLong(response.messageNanos()[i]));
          if (events[i] != null) {
            json.writeStringField("event", events[i]);
          }
          json.writeStringField("data",
              secrets.redact(new String(messages[i], StandardCharsets.UTF_8)));
          json.writeEndObject();
        }
      } else if (response.body() != null && response.messageNanos().length > 0) {
        json.writeStartObject();
        json.writeNumberField("arrival_ns",
            toWallNanos.applyAsLong(response.messageNanos()[0]));
        json.writeStringField("text",
            secrets.redact(new String(response.body(), StandardCharsets.UTF_8)));
        json.writeEndObject();
      }
      json.writeEndArray();
      if (response.errorType() == null) {
        json.writeNullField("error");
      } else {
        json.writeObjectFieldStart("error");
        json.writeStringField("type", response.errorType());
        String message = response.errorMessage();
        json.writeStringField("message", message == null ? null : secrets.redact(message));
        json.writeEndObject();
      }
      json.writeEndObject();
    });
  }
}
