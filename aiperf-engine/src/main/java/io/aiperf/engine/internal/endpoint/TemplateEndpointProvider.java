package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A user-defined body, as AIPerf's {@code template} endpoint: the extra input
 * {@code payload_template} is a named template ({@code nv-embedqa}), a file or inline JSON with
 * placeholders such as {@code {{ text|tojson }}}, {@code {{ texts|tojson }}}, {@code {{ model }}},
 * {@code {{ max_tokens }}}, {@code {{ stream }}}, {@code {{ query }}} and
 * {@code {{ passages|tojson }}}; the extra input {@code response_field} is a path such as
 * {@code choices[0].text} to the generated text ({@link ResponseField}: the part of JMESPath AIPerf
 * users write), else the text is found in the usual fields ({@code text}, AIPerf's default, means
 * the same).
 *
 * <p>Only placeholders are supported, not Jinja2 statements ({@code {% ... %}}), which are
 * rejected when the endpoint is created. The two names are not sent; other extra inputs are merged
 * into the rendered body, as AIPerf does. The path is required: use {@code --custom-endpoint}.
 */
public final class TemplateEndpointProvider implements EndpointProvider {
  /** The extra input that holds the template. */
  public static final String PAYLOAD_TEMPLATE = "payload_template";
  /** The extra input that holds the response field path. */
  public static final String RESPONSE_FIELD = "response_field";

  private static final Map<String, String> NAMED = Map.of(
      "nv-embedqa", "{\"text\": {{ texts|tojson }}}");
  private static final Pattern PLACEHOLDER =
      Pattern.compile("\\{\\{\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*(?:\\|\\s*([A-Za-z_]+)\\s*)?}}");
  private static final List<String> TEXT_FIELDS =
      List.of("text", "content", "response", "output", "result", "generated_text");

  @Override
  public String name() {
    return "template";
  }

  @Override
  public String description() {
    return "A user-defined body from --extra-inputs payload_template:... with {{ placeholders }}";
  }

  @Override
  public String defaultPath() {
    return "/";
  }

  @Override
  public boolean supportsStreaming() {
    return true;
  }

  @Override
  public Endpoint create(EndpointConfig config) {
    Object source = config.extraInputs().get(PAYLOAD_TEMPLATE);
    if (!(source instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException("endpoint type was 'template' but it needs a template:"
          + " --extra-inputs 'payload_template:{\"text\": {{ text|tojson }}}' (inline, a file"
          + " or a name: " + NAMED.keySet() + ")");
    }
    String template = resolve(s);
    if (template.contains("{%")) {
      throw new IllegalArgumentException("payload_template was '" + abbreviate(template)
          + "' but it uses Jinja2 statements ({% ... %}); only {{ name }} and {{ name|tojson }}"
          + " placeholders are supported");
    }
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      if (m.group(2) != null && !m.group(2).equals("tojson")) {
        throw new IllegalArgumentException("payload_template was '" + abbreviate(template)
            + "' but its filter '" + m.group(2) + "' is unknown; only 'tojson' is supported");
      }
    }
    Object field = config.extraInputs().get(RESPONSE_FIELD);
    // AIPerf's default field is "text", which it takes to mean "find the text".
    @Nullable ResponseField path = field == null || field.toString().equals("text") ? null
        : ResponseField.parse(field.toString());
    return new Template(config, template, path);
  }

  private static String resolve(String source) {
    if (NAMED.containsKey(source)) {
      return NAMED.get(source);
    }
    String trimmed = source.strip();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) {
      try {
        Path file = Path.of(trimmed);
        if (Files.isRegularFile(file)) {
          return Files.readString(file, StandardCharsets.UTF_8);
        }
      } catch (InvalidPathException notAPath) {
        // inline text that merely is not a path
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read payload_template " + trimmed + ": "
            + e.getMessage(), e);
      }
    }
    return source;
  }

  private static String abbreviate(String s) {
    return s.length() > 80 ? s.substring(0, 80) + "…" : s;
  }

  private static final class Template implements Endpoint {
    private final EndpointConfig config;
    private final String template;
    private final @Nullable ResponseField path;

    Template(EndpointConfig config, String template, @Nullable ResponseField path) {
      this.config = config;
      this.template = template;
      this.path = path;
    }

    @Override
    public byte[] formatRequest(Turn turn, boolean streaming) {
      Map<String, Object> vars = new HashMap<>();
      List<String> texts = turn.texts();
      vars.put("texts", texts);
      vars.put("text", texts.isEmpty() ? null : texts.get(0));
      vars.put("query", texts.isEmpty() ? null : texts.get(0));
      vars.put("passages", texts.size() > 1 ? texts.subList(1, texts.size()) : List.of());
      vars.put("model", turn.modelIfSet().orElseGet(() -> config.model().orElseThrow()));
      vars.put("max_tokens", turn.maxTokens() > 0 ? turn.maxTokens() : null);
      vars.put("stream", streaming);
      String rendered = render(vars);
      JsonNode body;
      try {
        body = Json.MAPPER.readTree(rendered);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("payload_template did not render valid JSON ("
            + e.getOriginalMessage() + "): " + abbreviate(rendered));
      }
      if (body instanceof ObjectNode object) {
        Bodies.putExtras(object, config, Set.of(PAYLOAD_TEMPLATE, RESPONSE_FIELD));
      }
      try {
        return Json.MAPPER.writeValueAsBytes(body);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("Cannot encode the request body: " + e.getMessage(), e);
      }
    }

    private String render(Map<String, Object> vars) {
      Matcher m = PLACEHOLDER.matcher(template);
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        if (!vars.containsKey(m.group(1))) {
          throw new IllegalArgumentException("payload_template uses '{{ " + m.group(1)
              + " }}' but the variables are " + new java.util.TreeSet<>(vars.keySet()));
        }
        Object value = vars.get(m.group(1));
        String text;
        if (m.group(2) != null || !(value instanceof String)) {
          try {
            text = Json.MAPPER.writeValueAsString(value);
          } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
          }
        } else {
          text = (String) value;
        }
        m.appendReplacement(out, Matcher.quoteReplacement(text));
      }
      m.appendTail(out);
      return out.toString();
    }

    @Override
    public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
      if (length == 0 || OpenAiEndpoint.isDone(data, offset, length)) {
        return null;
      }
      JsonNode root = Bodies.read(data, offset, length);
      Bodies.throwIfError(root);
      if (path != null) {
        JsonNode value = path.find(root);
        // As AIPerf: a field the user named that matches nothing is a failed parse, not a quiet
        // fallback that would report empty answers as successes.
        if (value.isMissingNode() || value.isNull()) {
          throw Bodies.unexpected("a value at response_field " + path.expression(), data, offset,
              length);
        }
        return new ParsedResponse(value.isValueNode() ? value.asText() : value.toString(), null,
            root.isObject() ? Bodies.usage(root.get("usage")) : null);
      }
      return detect(root, data, offset, length);
    }

    /** Without a field path: the text in the fields generative APIs commonly use. */
    private static ParsedResponse detect(JsonNode root, byte[] data, int offset, int length) {
      JsonNode object = root.isArray() && !root.isEmpty() ? root.get(0) : root;
      if (object.isObject()) {
        JsonNode usage = object.get("usage");
        JsonNode choice = object.path("choices").path(0);
        if (choice.isObject()) {
          for (String holder : List.of("delta", "message")) {
            JsonNode msg = choice.get(holder);
            if (msg != null && msg.isObject()) {
              return new ParsedResponse(Bodies.text(msg.get("content")), null,
                  Bodies.usage(usage));
            }
          }
          return new ParsedResponse(Bodies.text(choice.get("text")), null, Bodies.usage(usage));
        }
        JsonNode token = object.path("token").path("text");
        if (token.isTextual()) {
          return new ParsedResponse(token.asText(), null, null);
        }
        for (String name : TEXT_FIELDS) {
          JsonNode v = object.get(name);
          if (v != null && v.isTextual()) {
            return new ParsedResponse(v.asText(), null, Bodies.usage(usage));
          }
        }
        if (usage != null) {
          return new ParsedResponse(null, null, Bodies.usage(usage));
        }
      }
      throw Bodies.unexpected("text in one of " + TEXT_FIELDS + " or choices[0], or set"
          + " response_field", data, offset, length);
    }
  }
}
