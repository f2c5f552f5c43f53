package io.aiperf.engine.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.EndpointProvider.Endpoint;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.ResponseErrorException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The Anthropic Messages and OpenAI Responses endpoints read their delta events in one streaming
 * pass; their tree reading defines the answer. On generated events of every shape, both give the
 * same result, or the same error with the same message.
 */
final class EventOnePassParseTest {
  private static final Endpoint MESSAGES = new MessagesEndpointProvider().create(
      Endpoints.of("messages", "http://x").model("m"));
  private static final Endpoint RESPONSES = new ResponsesEndpointProvider().create(
      Endpoints.of("responses", "http://x").model("m"));

  /** A result or the error a user would see, comparable. */
  private record Outcome(@Nullable ParsedResponse response, @Nullable String error) {}

  private static Outcome outcome(Supplier<@Nullable ParsedResponse> parse) {
    try {
      return new Outcome(parse.get(), null);
    } catch (ResponseErrorException x) {
      return new Outcome(null, "ResponseError " + x.type() + ": " + x.getMessage());
    } catch (IllegalArgumentException x) {
      return new Outcome(null, "IllegalArgument: " + x.getMessage());
    }
  }

  private static void assertSame(byte[] b) {
    String json = new String(b, 0, Math.min(b.length, 300), StandardCharsets.UTF_8);
    // Both endpoints answer an empty body with null before reading anything.
    assertThat(outcome(() -> MESSAGES.parse(b, 0, b.length))).as("messages: %s", json)
        .isEqualTo(outcome(() -> b.length == 0 ? null
            : MessagesEndpointProvider.Messages.parseTree(b, 0, b.length)));
    assertThat(outcome(() -> RESPONSES.parse(b, 0, b.length))).as("responses: %s", json)
        .isEqualTo(outcome(() -> b.length == 0 ? null
            : ResponsesEndpointProvider.Responses.parseTree(b, 0, b.length)));
  }

  private static void assertSame(String json) {
    assertSame(json.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void realDeltaEvents_readInOnePass_asTheTreeReadsThem() throws Exception {
    String text = "{\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"text_delta\",\"text\":\" word\"}}";
    String thinking = "{\"type\":\"content_block_delta\",\"index\":0,"
        + "\"delta\":{\"type\":\"thinking_delta\",\"thinking\":\" hmm\"}}";
    String output = "{\"type\":\"response.output_text.delta\",\"item_id\":\"msg_1\","
        + "\"output_index\":0,\"content_index\":0,\"delta\":\" word\",\"sequence_number\":4}";
    String reasoning = "{\"type\":\"response.reasoning_text.delta\",\"delta\":\" hmm\"}";
    for (String json : List.of(text, thinking, output, reasoning)) {
      assertSame(json);
    }
    // These throw NeedsTree if the one-pass reading gave up.
    assertThat(read(MessagesEndpointProvider.Messages::readDelta, text))
        .isEqualTo(new ParsedResponse(" word", null, null));
    assertThat(read(MessagesEndpointProvider.Messages::readDelta, thinking))
        .isEqualTo(new ParsedResponse(null, " hmm", null));
    assertThat(read(ResponsesEndpointProvider.Responses::readDelta, output))
        .isEqualTo(new ParsedResponse(" word", null, null));
    assertThat(read(ResponsesEndpointProvider.Responses::readDelta, reasoning))
        .isEqualTo(new ParsedResponse(null, " hmm", null));
  }

  private static @Nullable ParsedResponse read(OnePass.Reading reading, String json)
      throws Exception {
    try (var p = Json.MAPPER.getFactory().createParser(json.getBytes(StandardCharsets.UTF_8))) {
      return reading.read(p);
    }
  }

  @Test
  void eventsThatCarryUsageOrErrors_readAsTheTreeReadsThem() {
    assertSame("{\"type\":\"message_start\",\"message\":{\"usage\":{\"input_tokens\":5}}}");
    assertSame("{\"type\":\"message_delta\",\"usage\":{\"output_tokens\":7}}");
    assertSame("{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"busy\"}}");
    assertSame("{\"type\":\"response.completed\",\"response\":{\"usage\":{\"input_tokens\":3,"
        + "\"output_tokens\":4,\"total_tokens\":7}}}");
    assertSame("{\"type\":\"response.failed\",\"response\":{\"error\":{\"code\":\"x\"}}}");
    assertSame("{\"type\":\"message\",\"content\":[{\"type\":\"text\",\"text\":\"whole\"}]}");
    assertSame("{\"object\":\"response\",\"output\":[]}");
    assertSame("{\"type\":\"ping\"}");
    assertSame("{\"type\":\"content_block_delta\",\"delta\":{\"type\":\"text_delta\",\"text\":5}}");
    assertSame("{\"type\":\"response.output_text.delta\",\"delta\":[1]}");
    assertSame("{\"type\":7,\"delta\":\"x\"}");
    assertSame("{\"type\":\"ping\",\"type\":\"content_block_delta\"}");
    assertSame("{\"type\":\"ping\"");
    assertSame("[]");
    assertSame(" ");
  }

  @Property(tries = 3_000)
  void generatedEvents_readAsTheTreeReadsThem(@ForAll long seed) {
    Random r = new Random(seed);
    byte[] json = event(r).getBytes(StandardCharsets.UTF_8);
    switch (r.nextInt(8)) {
      case 0 -> json = Arrays.copyOf(json, r.nextInt(json.length + 1));
      case 1 -> json[r.nextInt(json.length)] = (byte) r.nextInt(256);
      default -> { }
    }
    assertSame(json);
  }

  private static final String[] TYPES = {"content_block_delta", "content_block_delta",
      "response.output_text.delta", "response.output_text.delta", "response.reasoning_text.delta",
      "response.reasoning_summary_text.delta", "ping", "message_stop", "content_block_start",
      "message_start", "message_delta", "message", "error", "", "response.completed",
      "response.incomplete", "response.failed", "response.created", "response.output_text.done"};

  private static String event(Random r) {
    List<String> fields = new ArrayList<>();
    int typeCount = r.nextInt(12) == 0 ? 2 : r.nextInt(10) == 0 ? 0 : 1;
    for (int i = 0; i < typeCount; i++) {
      fields.add(field("type", r.nextInt(12) == 0 ? value(r, 1)
          : "\"" + TYPES[r.nextInt(TYPES.length)] + "\""));
    }
    int deltaCount = r.nextInt(12) == 0 ? 2 : r.nextInt(4) == 0 ? 0 : 1;
    for (int i = 0; i < deltaCount; i++) {
      fields.add(field("delta", switch (r.nextInt(6)) {
        case 0 -> value(r, 2);
        case 1, 2 -> text(r);
        default -> delta(r);
      }));
    }
    for (String name : new String[] {"index", "item_id", "usage", "message", "response",
        "error", "output", "content", "sequence_number"}) {
      if (r.nextInt(5) == 0) {
        fields.add(field(name, value(r, 2)));
      }
    }
    return object(r, fields);
  }

  private static String delta(Random r) {
    List<String> fields = new ArrayList<>();
    String[] kinds = {"text_delta", "thinking_delta", "signature_delta", "input_json_delta"};
    for (String name : new String[] {"type", "text", "thinking", "type", "text", "partial_json"}) {
      if (r.nextInt(name.equals("type") ? 2 : 3) == 0) {
        fields.add(field(name, name.equals("type")
            ? (r.nextInt(8) == 0 ? value(r, 1) : "\"" + kinds[r.nextInt(kinds.length)] + "\"")
            : text(r)));
      }
    }
    return object(r, fields);
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
    return switch (r.nextInt(depth > 0 ? 9 : 7)) {
      case 0 -> "null";
      case 1 -> "false";
      case 2 -> String.valueOf(r.nextInt(100));
      case 3 -> "2.5";
      case 4, 5 -> string(r);
      case 6 -> "-1";
      case 7 -> "[" + value(r, depth - 1) + "]";
      default -> object(r, List.of(field("message", value(r, depth - 1)),
          field("usage", "{\"output_tokens\":" + r.nextInt(9) + "}"),
          field("type", value(r, depth - 1))));
    };
  }

  private static String field(String name, String value) {
    return "\"" + name + "\":" + value;
  }

  private static String object(Random r, List<String> fields) {
    List<String> shuffled = new ArrayList<>(fields);
    Collections.shuffle(shuffled, r);
    return "{" + String.join(",", shuffled) + "}";
  }
}
