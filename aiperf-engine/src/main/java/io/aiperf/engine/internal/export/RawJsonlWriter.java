package io.aiperf.engine.internal.export;

import com.fasterxml.jackson.core.JsonGenerator;
import io.aiperf.engine.internal.endpoint.Json;
import io.aiperf.engine.internal.service.Messages.RawRecord;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongUnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams {@code profile_export_raw.jsonl} (export level raw): per request the body as sent, the
 * request headers with secrets redacted, the status and every response message with its arrival
 * time, so a run can be inspected or replayed message by message.
 */
public final class RawJsonlWriter implements AutoCloseable {
  /** AIPerf's raw export file name. */
  public static final String FILE = "profile_export_raw.jsonl";
  private static final Logger log = LoggerFactory.getLogger(RawJsonlWriter.class);

  private final Path file;
  private final BufferedWriter out;
  private final JsonGenerator json;
  private final Map<String, String> headers;
  private final LongUnaryOperator toWallNanos;
  private boolean broken;
  private boolean closed;

  /**
   * Opens the file.
   *
   * @param dir the artifact directory
   * @param fileName the file's name
   * @param headers the headers every request carries (values of secret ones are redacted here)
   * @param toWallNanos converts a monotonic timestamp to wall-clock nanoseconds
   * @throws IOException if the file cannot be created
   */
  public RawJsonlWriter(Path dir, String fileName, Map<String, String> headers,
      LongUnaryOperator toWallNanos) throws IOException {
    Files.createDirectories(dir);
    this.file = dir.resolve(fileName);
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.json = Json.MAPPER.getFactory().createGenerator(out);
    this.json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
    this.headers = headers;
    this.toWallNanos = toWallNanos;
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
    if (broken || closed) {
      return;
    }
    try {
      json.writeStartObject();
      json.writeObjectFieldStart("metadata");
      json.writeStringField("x_request_id", raw.requestId());
      json.writeStringField("x_correlation_id", raw.correlationId());
      json.writeNumberField("turn_index", raw.turn());
      json.writeStringField("worker_id", raw.workerId());
      json.writeStringField("benchmark_phase", "profiling");
      json.writeEndObject();
      json.writeNumberField("start_ns", toWallNanos.applyAsLong(raw.startNanos()));
      json.writeFieldName("payload");
      json.writeRawValue(new String(raw.requestBody(), StandardCharsets.UTF_8));
      json.writeObjectFieldStart("request_headers");
      for (Map.Entry<String, String> h : headers.entrySet()) {
        json.writeStringField(h.getKey(), secret(h.getKey()) ? "<redacted>" : h.getValue());
      }
      json.writeStringField("X-Request-ID", raw.requestId());
      json.writeStringField("X-Correlation-ID", raw.correlationId());
      json.writeEndObject();
      json.writeNumberField("status", raw.status());
      json.writeArrayFieldStart("responses");
      if (raw.messageData() != null) {
        for (int i = 0; i < raw.messageCount(); i++) {
          json.writeStartObject();
          json.writeNumberField("arrival_ns", toWallNanos.applyAsLong(raw.messageNanos()[i]));
          if (raw.messageEvents()[i] != null) {
            json.writeStringField("event", raw.messageEvents()[i]);
          }
          json.writeStringField("data", new String(raw.messageData()[i], StandardCharsets.UTF_8));
          json.writeEndObject();
        }
      } else if (raw.body() != null && raw.messageNanos().length > 0) {
        json.writeStartObject();
        json.writeNumberField("arrival_ns", toWallNanos.applyAsLong(raw.messageNanos()[0]));
        json.writeStringField("text", new String(raw.body(), StandardCharsets.UTF_8));
        json.writeEndObject();
      }
      json.writeEndArray();
      if (raw.errorType() == null) {
        json.writeNullField("error");
      } else {
        json.writeObjectFieldStart("error");
        json.writeStringField("type", raw.errorType());
        json.writeStringField("message", raw.errorMessage());
        json.writeEndObject();
      }
      json.writeEndObject();
      json.flush();
      out.write('\n');
    } catch (IOException e) {
      broken = true;
      log.error("Writing {} failed; the raw export stops here: {}", file, e.getMessage());
    }
  }

  /** Flushes and closes the file. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      json.close();
      out.close();
    } catch (IOException e) {
      log.error("Closing {} failed: {}", file, e.getMessage());
    }
  }
}
