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

/**
 * Streams {@code profile_export_raw.jsonl} (export level raw) in AIPerf 0.13's
 * {@code RawRecordInfo} layout: per request the same metadata as {@code profile_export.jsonl},
 * the request's start on the monotonic clock the response times use, the headers sent (secrets
 * redacted), the status, every response message with its arrival time (an SSE message as its
 * field lines, a body as text), the error, and the body as sent, so a run can be inspected or
 * replayed message by message.
 */
public final class RawJsonlWriter extends JsonlFile {
  /** AIPerf's raw export file name. */
  public static final String FILE = "profile_export_raw.jsonl";

  private final Map<String, String> headers;
  private final RecordsJsonlWriter records;
  private final Secrets secrets;

  /**
   * Opens the file.
   *
   * @param dir the artifact directory
   * @param fileName the file's name
   * @param headers the headers every request carries (values of secret ones are redacted here)
   * @param records the per-request export, whose metadata each raw record repeats
   * @param secrets values removed from bodies, replies and messages
   * @throws IOException if the file cannot be created
   */
  public RawJsonlWriter(Path dir, String fileName, Map<String, String> headers,
      RecordsJsonlWriter records, Secrets secrets) throws IOException {
    super(dir, fileName);
    this.headers = headers;
    this.records = records;
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
   * @param line the same request's line of the per-request export, for its metadata
   */
  public void write(RawRecord raw, RecordsJsonlWriter.Line line) {
    RawRequest request = raw.request();
    RawResponse response = raw.response();
    boolean httpError = response.errorType() == null && response.status() > 0
        && (response.status() < 200 || response.status() >= 300);
    line(json -> {
      json.writeStartObject();
      records.metadata(json, line);
      // Monotonic, as each response's perf_ns: AIPerf pairs it with request_start_ns.
      json.writeNumberField("start_perf_ns", raw.timing().startNanos());
      json.writeObjectFieldStart("request_headers");
      for (Map.Entry<String, String> h : headers.entrySet()) {
        json.writeStringField(h.getKey(), secret(h.getKey()) ? "<redacted>" : h.getValue());
      }
      json.writeStringField("X-Request-ID", request.requestId());
      json.writeStringField("X-Correlation-ID", request.correlationId());
      json.writeEndObject();
      if (response.status() > 0) {
        json.writeNumberField("status", response.status());
      }
      json.writeArrayFieldStart("responses");
      byte[][] messages = response.messageData();
      if (httpError) {
        // As AIPerf: an error status has no responses; its body is the error's message.
      } else if (messages != null) {
        for (int i = 0; i < response.messageCount(); i++) {
          json.writeStartObject();
          json.writeNumberField("perf_ns", response.messageNanos()[i]);
          json.writeArrayFieldStart("packets");
          String comment = response.messageComment(i);
          if (comment != null) {
            packet(json, "comment", comment);
          }
          String event = response.messageEvent(i);
          if (event != null) {
            packet(json, "event", event);
          }
          packet(json, "data", secrets.redact(new String(messages[i], StandardCharsets.UTF_8)));
          json.writeEndArray();
          json.writeEndObject();
        }
      } else if (response.body() != null && response.messageNanos().length > 0) {
        json.writeStartObject();
        json.writeNumberField("perf_ns", response.messageNanos()[0]);
        json.writeStringField("text",
            secrets.redact(new String(response.body(), StandardCharsets.UTF_8)));
        String type = response.contentType();
        json.writeStringField("content_type", type == null || type.isEmpty()
            ? "application/json" : type);
        json.writeEndObject();
      }
      json.writeEndArray();
      if (httpError) {
        json.writeObjectFieldStart("error");
        json.writeNumberField("code", response.status());
        json.writeStringField("type", reason(response.status()));
        byte[] body = response.body();
        json.writeStringField("message", body == null || body.length == 0
            ? "HTTP " + response.status()
            : secrets.redact(new String(body, StandardCharsets.UTF_8)));
        json.writeEndObject();
      } else if (response.errorType() != null) {
        json.writeObjectFieldStart("error");
        json.writeStringField("type", response.errorType());
        String message = response.errorMessage();
        json.writeStringField("message", message == null ? "" : secrets.redact(message));
        json.writeEndObject();
      }
      byte[] sent = request.requestBody();
      if (sent == null) {
        json.writeNullField("payload");
      } else if (startsJson(sent)) {
        json.writeFieldName("payload");
        json.writeRawValue(secrets.redact(new String(sent, StandardCharsets.UTF_8)));
      } else {
        // A multipart upload is no JSON: kept whole, in base64, beside an empty payload.
        json.writeNullField("payload");
        json.writeStringField("payload_base64",
            java.util.Base64.getEncoder().encodeToString(sent));
      }
      json.writeEndObject();
    });
  }

  private static void packet(com.fasterxml.jackson.core.JsonGenerator json, String name,
      @org.jspecify.annotations.Nullable String value) throws IOException {
    json.writeStartObject();
    json.writeStringField("name", name);
    json.writeStringField("value", value == null ? "" : value);
    json.writeEndObject();
  }

  private static boolean startsJson(byte[] body) {
    for (byte b : body) {
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return b == '{' || b == '[';
      }
    }
    return false;
  }

  private static String reason(int status) {
    return io.netty.handler.codec.http.HttpResponseStatus.valueOf(status).reasonPhrase();
  }
}
