package io.aiperf.engine.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.EndpointProvider.Endpoint;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.ResponseErrorException;
import io.aiperf.api.spi.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * Chat and completions read chunks in one streaming pass; the tree reading they used before
 * defines the answer. On generated chunks of every shape (real ones, odd types, repeated fields,
 * errors, chunks cut short), both give the same result, or the same error with the same message.
 */
final class OpenAiOnePassParseTest {
  private static final Endpoint CHAT = new ChatEndpointProvider().create(
      Endpoints.openAiChat("http://x").model("m"));
  private static final Endpoint COMPLETIONS = new CompletionsEndpointProvider().create(
      Endpoints.openAiCompletions("http://x").model("m"));

  /** A result or the error a user would see, comparable. */
  private record Outcome(@Nullable ParsedResponse response, @Nullable String error) {}

  private static Outcome onePass(Endpoint e, byte[] b) {
    try {
      return new Outcome(e.parse(b, 0, b.length), null);
    } catch (ResponseErrorException x) {
      return new Outcome(null, "ResponseError " + x.type() + ": " + x.getMessage());
    } catch (IllegalArgumentException x) {
      return new Outcome(null, "IllegalArgument: " + x.getMessage());
    }
  }

  /** The tree reading as it was, kept as the definition. */
  private static Outcome tree(boolean chat, byte[] data) {
    int length = data.length;
    if (length == 0 || OpenAiEndpoint.isDone(data, 0, length)) {
      return new Outcome(null, null);
    }
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(data, 0, length);
    } catch (IOException e) {
      return new Outcome(null, "IllegalArgument: Response is not JSON: " + e.getMessage()
          + "; body starts with: " + OpenAiEndpoint.preview(data, 0, length));
    }
    if (root == null || !root.isObject()) {
      return new Outcome(null, "IllegalArgument: Response is not a JSON object; body starts with: "
          + OpenAiEndpoint.preview(data, 0, length));
    }
    if (root.has("error") && !root.has("choices")) {
      JsonNode error = root.get("error");
      String message = error.isObject() ? error.path("message").asText(error.toString())
          : error.asText();
      String type = error.isObject() ? error.path("type").asText("ResponseError")
          : "ResponseError";
      return new Outcome(null, "ResponseError " + type + ": Server sent an error: " + message);
    }
    Usage usage = null;
    JsonNode u = root.get("usage");
    if (u != null && u.isObject()) {
      usage = new Usage(u.path("prompt_tokens").asLong(-1),
          u.path("completion_tokens").asLong(-1), u.path("total_tokens").asLong(-1),
          u.path("completion_tokens_details").path("reasoning_tokens").asLong(-1),
          u.path("prompt_tokens_details").path("cached_tokens").asLong(-1), -1, -1);
    }
    JsonNode choices = root.get("choices");
    String content = null;
    String reasoning = null;
    if (choices != null && choices.isArray() && !choices.isEmpty()) {
      JsonNode choice = choices.get(0);
      if (chat) {
        JsonNode message = choice.has("delta") ? choice.get("delta") : choice.get("message");
        if (message != null && message.isObject()) {
          String r = OpenAiEndpoint.text(message.get("reasoning_content"));
          reasoning = r != null ? r : OpenAiEndpoint.text(message.get("reasoning"));
          content = OpenAiEndpoint.text(message.get("content"));
        }
      } else {
        content = OpenAiEndpoint.text(choice.get("text"));
      }
    }
    return new Outcome(new ParsedResponse(content, reasoning, usage), null);
  }

  /** Asserts a chunk is read in the one pass, not left to the tree. */
  private static void assertOnePass(String json) throws Exception {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    for (Endpoint e : List.of(CHAT, COMPLETIONS)) {
      try (var p = Json.MAPPER.getFactory().createParser(b)) {
        // Throws NeedsTree if the one-pass reading gave up.
        assertThat(((OpenAiEndpoint) e).readChunk(p)).as(json).isNotNull();
      }
    }
  }

  private static void assertSame(String json) {
    assertSame(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void assertSame(byte[] b) {
    String json = new String(b, 0, Math.min(b.length, 300), StandardCharsets.UTF_8);
    assertThat(onePass(CHAT, b)).as("chat: %s", json).isEqualTo(tree(true, b));
    assertThat(onePass(COMPLETIONS, b)).as("completions: %s", json).isEqualTo(tree(false, b));
  }

  @Test
  void realChunks_readAsTheTreeReadsThem_inOnePass() throws Exception {
    for (String chunk : List.of(
        "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
            + "\"choices\":[{\"index\":0,\"delta\":{\"content\":\"w\"},\"logprobs\":null,"
            + "\"finish_reason\":null}],\"usage\":null}",
        "{\"choices\":[{\"index\":0,\"text\":\" word\",\"finish_reason\":null}]}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,"
            + "\"total_tokens\":7,\"completion_tokens_details\":null}}")) {
      assertOnePass(chunk);
    }
    assertSame("{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
        + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
        + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}");
    assertSame("{\"choices\":[{\"index\":0,\"delta\":{\"content\":\" \\\"hi\\\" \\u00e9\\n\"},"
        + "\"finish_reason\":null}]}");
    assertSame("{\"choices\":[{\"index\":0,\"text\":\" word\",\"logprobs\":null,"
        + "\"finish_reason\":\"length\",\"stop_reason\":null}],\"usage\":null}");
    assertSame("{\"choices\":[],\"usage\":{\"prompt_tokens\":550,\"completion_tokens\":200,"
        + "\"total_tokens\":750,\"completion_tokens_details\":{\"reasoning_tokens\":40}}}");
    assertSame("{\"choices\":[{\"message\":{\"content\":\"whole\",\"reasoning\":\"r\"}}]}");
  }

  @Test
  void oddChunks_readAsTheTreeReadsThem() {
    assertSame("{\"choices\":[{\"delta\":{\"content\":7}}]}");
    assertSame("{\"choices\":[{\"delta\":{\"content\":\"a\",\"content\":\"b\"}}]}");
    assertSame("{\"choices\":[{\"message\":{\"content\":\"m\"},\"delta\":null}]}");
    assertSame("{\"choices\":[{\"delta\":{\"content\":\"d\"},\"message\":{\"content\":\"m\"}}]}");
    assertSame("{\"choices\":[1,{\"text\":\"second\"}],\"choices\":[]}");
    assertSame("{\"usage\":{\"prompt_tokens\":\"5\",\"total_tokens\":1.5},\"choices\":7}");
    assertSame("{\"usage\":{\"prompt_tokens\":123456789012345678901234567890}}");
    assertSame("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
    assertSame("{\"error\":null,\"choices\":[{\"text\":\"t\"}]}");
    assertSame("{\"error\":\"plain\"}");
    assertSame("{\"choices\":[{\"text\":\"cut");
    assertSame("{\"choices\":[]} trailing");
    assertSame("[{\"choices\":[]}]");
    assertSame("  ");
    assertSame(" [DONE] ");
    assertSame("{\"a\":" + "[".repeat(3000) + "]".repeat(3000) + "}");
    assertSame("{\"a\":" + "1".repeat(2000) + ",\"choices\":[]}");
    assertSame(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"',
        '}'});
  }

  @Test
  void aStringLongerThanJacksonAllows_isAnErrorAsInTheTree() {
    int max = Json.MAPPER.getFactory().streamReadConstraints().getMaxStringLength();
    assertSame("{\"id\":\"" + "a".repeat(max + 1) + "\",\"choices\":[]}");
  }

  @Property(tries = 3_000)
  void generatedChunks_readAsTheTreeReadsThem(@ForAll long seed) {
    Random r = new Random(seed);
    byte[] json = root(r).getBytes(StandardCharsets.UTF_8);
    switch (r.nextInt(8)) {
      case 0 -> json = java.util.Arrays.copyOf(json, r.nextInt(json.length + 1));
      case 1 -> json[r.nextInt(json.length)] = (byte) r.nextInt(256);
      default -> { }
    }
    assertSame(json);
  }

  private static String root(Random r) {
    List<String> fields = new ArrayList<>();
    String[] names = {"id", "object", "model", "choices", "choices", "usage", "usage", "error",
        "system_fingerprint"};
    boolean[] seen = new boolean[2];
    for (String name : names) {
      int slot = name.equals("choices") ? 0 : name.equals("usage") ? 1 : -1;
      // Choices nearly always, usage often, each now and then twice; other fields at random.
      int percent = slot < 0 ? 40 : seen[slot] ? 8 : slot == 0 ? 85 : 50;
      if (r.nextInt(100) < percent) {
        if (slot >= 0) {
          seen[slot] = true;
        }
        fields.add(field(name, switch (name) {
          case "choices" -> choices(r);
          case "usage" -> usage(r);
          case "error" -> r.nextBoolean() ? "null" : value(r, 2);
          default -> value(r, 1);
        }));
      }
    }
    return object(r, fields);
  }

  private static String choices(Random r) {
    return switch (r.nextInt(8)) {
      case 0 -> value(r, 2);
      case 1 -> "[]";
      default -> {
        List<String> items = new ArrayList<>();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
          items.add(r.nextInt(6) == 0 ? value(r, 2) : choice(r));
        }
        yield "[" + String.join(",", items) + "]";
      }
    };
  }

  private static String choice(Random r) {
    List<String> fields = new ArrayList<>();
    for (String name : new String[] {"index", "delta", "message", "text", "text", "delta",
        "finish_reason", "logprobs"}) {
      if (r.nextInt(3) == 0) {
        fields.add(field(name, switch (name) {
          case "delta", "message" -> r.nextInt(6) == 0 ? value(r, 2) : message(r);
          case "text" -> text(r);
          default -> value(r, 1);
        }));
      }
    }
    return object(r, fields);
  }

  private static String message(Random r) {
    List<String> fields = new ArrayList<>();
    for (String name : new String[] {"role", "content", "reasoning_content", "reasoning",
        "content", "tool_calls"}) {
      if (r.nextInt(3) == 0) {
        fields.add(field(name, name.equals("role") || name.equals("tool_calls") ? value(r, 2)
            : text(r)));
      }
    }
    return object(r, fields);
  }

  private static String usage(Random r) {
    if (r.nextInt(5) == 0) {
      return value(r, 2);
    }
    List<String> fields = new ArrayList<>();
    for (String name : new String[] {"prompt_tokens", "completion_tokens", "total_tokens",
        "completion_tokens_details", "prompt_tokens_details", "total_tokens"}) {
      if (r.nextInt(2) == 0) {
        fields.add(field(name, name.endsWith("details")
            ? (r.nextInt(4) == 0 ? value(r, 2)
                : object(r, List.of(field("reasoning_tokens", count(r)))))
            : count(r)));
      }
    }
    return object(r, fields);
  }

  private static String count(Random r) {
    return switch (r.nextInt(10)) {
      case 0 -> "null";
      case 1 -> "\"12\"";
      case 2 -> "2.5";
      case 3 -> "12345678901234567890123";
      case 4 -> "-3";
      case 5 -> "4000000000";
      default -> String.valueOf(r.nextInt(5000));
    };
  }

  private static String text(Random r) {
    return r.nextInt(5) == 0 ? value(r, 1) : r.nextInt(6) == 0 ? "null" : string(r);
  }

  private static String string(Random r) {
    String[] pieces = {"word", " ", "\\\"", "\\n", "\\u00e9", "é", "速", "", "\\\\", "😀"};
    StringBuilder sb = new StringBuilder("\"");
    for (int i = r.nextInt(4); i > 0; i--) {
      sb.append(pieces[r.nextInt(pieces.length)]);
    }
    return sb.append('"').toString();
  }

  private static String value(Random r, int depth) {
    int kinds = depth > 0 ? 9 : 7;
    return switch (r.nextInt(kinds)) {
      case 0 -> "null";
      case 1 -> "true";
      case 2 -> String.valueOf(r.nextInt(100));
      case 3 -> "1.5e3";
      case 4, 5 -> string(r);
      case 6 -> "-0.0";
      case 7 -> "[" + value(r, depth - 1) + "," + value(r, depth - 1) + "]";
      default -> object(r, List.of(field("message", value(r, depth - 1)),
          field("type", value(r, depth - 1))));
    };
  }

  private static String field(String name, String value) {
    return "\"" + name + "\":" + value;
  }

  private static String object(Random r, List<String> fields) {
    List<String> shuffled = new ArrayList<>(fields);
    java.util.Collections.shuffle(shuffled, r);
    return "{" + String.join(",", shuffled) + "}";
  }
}
