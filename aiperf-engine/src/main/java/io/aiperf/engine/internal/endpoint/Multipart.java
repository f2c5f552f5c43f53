package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;

/**
 * A {@code multipart/form-data} body (RFC 7578) from AIPerf's form payload: a JSON object whose
 * file fields are {@code {"b64_data", "filename", "content_type"}} (so the payload stays JSON for
 * {@code inputs.json}) and whose other fields are sent as text, booleans lower-cased, as AIPerf's
 * transport encodes them.
 *
 * <p>The boundary is fixed, so the {@code Content-Type} header is the same for every request and
 * the body can be written before the run; a body holding it by chance is refused.
 */
final class Multipart {
  static final String BOUNDARY = "aiperf-java-form-7d1f4c2a9e8b4f31a6c0d5e2b7f9a3c4";
  static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

  private Multipart() {}

  /** The file descriptor AIPerf puts in its form payload for one upload. */
  static ObjectNode file(String base64, String filename, String contentType) {
    return Json.MAPPER.createObjectNode().put("b64_data", base64).put("filename", filename)
        .put("content_type", contentType);
  }

  /** Encodes a form payload; null fields are left out, as AIPerf leaves them out. */
  static byte[] encode(ObjectNode payload) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Iterator<Map.Entry<String, JsonNode>> it = payload.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      JsonNode value = field.getValue();
      if (value.isNull()) {
        continue;
      }
      ascii(out, "--" + BOUNDARY + "\r\n");
      String name = quote(field.getKey());
      if (value.isObject() && value.path("b64_data").isTextual()) {
        byte[] bytes;
        try {
          bytes = Base64.getDecoder().decode(value.get("b64_data").asText());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("form field '" + field.getKey()
              + "': 'b64_data' is not valid base64: " + e.getMessage(), e);
        }
        String filename = value.path("filename").asText(field.getKey());
        String type = value.path("content_type").asText("application/octet-stream");
        utf8(out, "Content-Disposition: form-data; name=\"" + name + "\"; filename=\""
            + quote(filename) + "\"\r\nContent-Type: " + type + "\r\n\r\n");
        out.writeBytes(bytes);
      } else {
        utf8(out, "Content-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
        utf8(out, value.isValueNode() ? value.asText() : value.toString());
      }
      ascii(out, "\r\n");
    }
    ascii(out, "--" + BOUNDARY + "--\r\n");
    byte[] body = out.toByteArray();
    if (contains(body, ("--" + BOUNDARY).getBytes(StandardCharsets.US_ASCII),
        countParts(payload))) {
      throw new IllegalArgumentException("a form field holds the multipart boundary " + BOUNDARY
          + "; the request cannot be encoded");
    }
    return body;
  }

  private static int countParts(ObjectNode payload) {
    int n = 0;
    for (JsonNode v : payload) {
      n += v.isNull() ? 0 : 1;
    }
    return n + 1; // every part's delimiter and the closing one
  }

  /** Whether the boundary occurs more often than the delimiters put there. */
  private static boolean contains(byte[] body, byte[] needle, int expected) {
    int found = 0;
    outer:
    for (int i = 0; i + needle.length <= body.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (body[i + j] != needle[j]) {
          continue outer;
        }
      }
      found++;
    }
    return found > expected;
  }

  /** Field names and file names go between quotes: quotes and line breaks escaped, as browsers. */
  private static String quote(String s) {
    return s.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
  }

  private static void ascii(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
  }

  private static void utf8(ByteArrayOutputStream out, String s) {
    out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
  }
}
