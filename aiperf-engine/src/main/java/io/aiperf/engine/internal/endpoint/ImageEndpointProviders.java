package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.Media;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI's image APIs as AIPerf 0.13 sends them: generation (a JSON body, streamed or not) and
 * edit (a multipart upload of the reference image). Both ask for {@code b64_json} images, one per
 * request, unless the user's extra inputs say otherwise.
 */
public final class ImageEndpointProviders {
  private ImageEndpointProviders() {}

  /** {@code image_generation}: {@code {prompt, model, response_format, n[, stream]}}. */
  public static final class Generation implements EndpointProvider {
    @Override
    public String name() {
      return "image_generation";
    }

    @Override
    public String description() {
      return "OpenAI image generation (/v1/images/generations): a text prompt in, images out;"
          + " streaming and not";
    }

    @Override
    public String defaultPath() {
      return "/v1/images/generations";
    }

    @Override
    public boolean supportsStreaming() {
      return true;
    }

    @Override
    public boolean producesTokens() {
      return false;
    }

    @Override
    public String metricsTitle() {
      return "Image Generation Metrics";
    }

    @Override
    public Endpoint create(EndpointConfig config) {
      return new Endpoint() {
        @Override
        public byte[] formatRequest(Turn turn, boolean streaming) {
          ObjectNode body = basePayload(config, turn, "image_generation");
          if (streaming) {
            body.put("stream", true);
          }
          Bodies.putExtras(body, config, Set.of());
          Bodies.putTurnExtras(body, turn, Set.of());
          return Bodies.write(body);
        }

        @Override
        public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
          return parseImages(data, offset, length);
        }
      };
    }
  }

  /**
   * {@code image_edit}: a multipart form of {@code prompt, model, response_format, n} and the
   * turn's first image as the {@code image} file (or its {@code url}, for an http(s) image, as
   * SGLang takes it).
   */
  public static final class Edit implements EndpointProvider {
    /** Fields the endpoint owns; extra inputs naming them are ignored, as AIPerf ignores them. */
    private static final Set<String> RESERVED = Set.of("prompt", "image", "url", "mask");

    @Override
    public String name() {
      return "image_edit";
    }

    @Override
    public String description() {
      return "OpenAI image edit (/v1/images/edits): a prompt and a reference image uploaded as"
          + " multipart/form-data, images out";
    }

    @Override
    public String defaultPath() {
      return "/v1/images/edits";
    }

    @Override
    public boolean supportsStreaming() {
      return false;
    }

    @Override
    public boolean producesTokens() {
      return false;
    }

    @Override
    public String metricsTitle() {
      return "Image Edit Metrics";
    }

    @Override
    public Map<String, String> headers(EndpointConfig config) {
      return withFormType(EndpointProvider.super.headers(config));
    }

    @Override
    public Endpoint create(EndpointConfig config) {
      return new Endpoint() {
        @Override
        public byte[] formatRequest(Turn turn, boolean streaming) {
          return Multipart.encode(payload(turn));
        }

        @Override
        public byte[] exportPayload(Turn turn, boolean streaming) {
          return Bodies.write(payload(turn));
        }

        private ObjectNode payload(Turn turn) {
          Media image = turn.media().stream().filter(m -> m.kind() == Media.Kind.IMAGE)
              .findFirst().orElseThrow(() -> new IllegalArgumentException("image_edit needs a"
                  + " reference image in every turn: give --image-width-mean/--image-height-mean"
                  + " (synthetic) or 'image' in the dataset file"));
          ObjectNode body = basePayload(config, turn, "image_edit");
          String url = image.data();
          String lower = url.toLowerCase(Locale.ROOT);
          if (lower.startsWith("http://") || lower.startsWith("https://")) {
            body.put("url", url);
          } else {
            body.set("image", imageFile(url));
          }
          Bodies.putExtras(body, config, RESERVED);
          Bodies.putTurnExtras(body, turn, RESERVED);
          return body;
        }

        @Override
        public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
          return parseImages(data, offset, length);
        }
      };
    }
  }

  /** The JSON fields both image APIs start with. */
  static ObjectNode basePayload(EndpointConfig config, Turn turn, String type) {
    if (turn.texts().isEmpty() || turn.texts().get(0).isEmpty()) {
      throw new IllegalArgumentException(type + " needs a text prompt in every turn");
    }
    ObjectNode body = Json.MAPPER.createObjectNode();
    body.put("prompt", turn.texts().get(0));
    body.put("model", turn.modelIfSet().orElseGet(() -> config.model().orElseThrow()));
    // b64_json as AIPerf asks: SGLang serves only that; --extra-inputs may change it.
    body.put("response_format", "b64_json");
    body.put("n", 1);
    return body;
  }

  /** The user's headers plus the form's content type, which replaces the transport's JSON one. */
  static Map<String, String> withFormType(Map<String, String> headers) {
    Map<String, String> out = new java.util.LinkedHashMap<>(headers);
    out.put("Content-Type", Multipart.CONTENT_TYPE);
    return out;
  }

  /** A data URL (or bare base64) image as a form file, its type from the URL or its bytes. */
  static ObjectNode imageFile(String content) {
    String b64 = content;
    String mime = null;
    if (content.startsWith("data:")) {
      int comma = content.indexOf(',');
      if (comma < 0) {
        throw new IllegalArgumentException("an image data URL has no comma: "
            + content.substring(0, Math.min(40, content.length())));
      }
      String header = content.substring(5, comma);
      b64 = content.substring(comma + 1);
      int semicolon = header.indexOf(';');
      String claimed = semicolon < 0 ? header : header.substring(0, semicolon);
      if (claimed.startsWith("image/")) {
        mime = claimed;
      }
    }
    if (mime == null) {
      mime = sniff(b64);
    }
    if (mime == null) {
      throw new IllegalArgumentException("an image is neither a data URL nor base64 PNG, JPEG,"
          + " WebP, GIF or BMP");
    }
    String ext = mime.substring(mime.indexOf('/') + 1);
    int plus = ext.indexOf('+');
    ext = plus < 0 ? ext : ext.substring(0, plus);
    return Multipart.file(b64, "image." + (ext.equals("jpeg") ? "jpg" : ext), mime);
  }

  private static @Nullable String sniff(String b64) {
    String[][] prefixes = {{"iVBORw0KGgo", "image/png"}, {"/9j/", "image/jpeg"},
        {"R0lGODlh", "image/gif"}, {"R0lGODdh", "image/gif"}, {"UklGR", "image/webp"},
        {"Qk", "image/bmp"}};
    for (String[] p : prefixes) {
      if (b64.startsWith(p[0])) {
        return p[1];
      }
    }
    return null;
  }

  /**
   * Reads an images answer: a whole {@code {data: [...]}} body or one streamed event carrying
   * {@code b64_json}; images carry no text, usage is kept.
   */
  static @Nullable ParsedResponse parseImages(byte[] data, int offset, int length) {
    if (length == 0 || OpenAiEndpoint.isDone(data, offset, length)) {
      return null;
    }
    JsonNode root = Bodies.read(data, offset, length);
    if (!root.isObject()) {
      throw Bodies.unexpected("{\"data\": [{\"b64_json\": ...}]} or an image event", data,
          offset, length);
    }
    Bodies.throwIfError(root);
    if (!root.has("b64_json") && !root.path("data").isArray() && !root.has("type")) {
      throw Bodies.unexpected("{\"data\": [{\"b64_json\": ...}]} or an image event", data,
          offset, length);
    }
    return new ParsedResponse(null, null, Bodies.usage(root.get("usage")));
  }
}
