package io.aiperf.engine.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.ResponseErrorException;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * {@link ChunkReader} reads every chunk of a stream as {@link OpenAiEndpoint#parse} reads it:
 * the chunks that match the shape it learned (same bytes around another text) and the ones it
 * parses. Streams of real shapes with tricky texts (escapes, surrogate pairs escaped and raw,
 * empty texts, quotes and backslashes at the text's end, role-only, empty and finish deltas,
 * reasoning, usage-only chunks, errors, [DONE]) and generated streams whose chunks share a shape
 * and then differ in any byte. {@link StreamText} joins texts as String concatenation does.
 */
final class ChunkReaderTest {
  private static final OpenAiEndpoint CHAT = (OpenAiEndpoint) new ChatEndpointProvider().create(
      Endpoints.openAiChat("http://x").model("m"));
  private static final OpenAiEndpoint COMPLETIONS = (OpenAiEndpoint)
      new CompletionsEndpointProvider().create(Endpoints.openAiCompletions("http://x").model("m"));

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

  private static int matched;

  /** Reads a chunk with the reader and with parse(); both must give the same outcome. */
  private static void assertSame(OpenAiEndpoint e, ChunkReader reader, byte[] b) {
    Outcome expected = outcome(() -> e.parse(b, 0, b.length));
    Outcome actual;
    if (reader.matches(b, 0, b.length)) {
      matched++;
      actual = new Outcome(new ParsedResponse(reader.text(), reader.reasoning(), reader.usage()),
          null);
    } else {
      actual = outcome(() -> reader.parse(b, 0, b.length));
    }
    assertThat(actual).as("%s", new String(b, StandardCharsets.UTF_8)).isEqualTo(expected);
  }

  private static final String VLLM = "{\"id\":\"chatcmpl-9f1c\",\"object\":\"chat.completion.chunk\","
      + "\"created\":1718000000,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"choices\":"
      + "[{\"index\":0,\"delta\":%s,\"logprobs\":null,\"finish_reason\":%s}]}";

  /** Texts as JSON writes them between quotes. */
  private static final List<String> TEXTS = List.of(" the", "", " \\\"q\\\"", "\\\\", "a\\\\",
      "\\n\\t\\r\\b\\f\\/", "\\u00e9", "\\ud83d\\ude00", "\\ud83d", "\\ude00", "\\uDBFF\\uDFFF",
      "é", "速度", "😀", " über 😀 \\u0041", "\\u0000", "\\\\\\\"");

  @Test
  void realStreams_readAsParseReadsThem() {
    matched = 0;
    ChunkReader reader = ChunkReader.of(CHAT);
    assertThat(reader).isNotNull();
    List<String> stream = new ArrayList<>();
    stream.add(VLLM.formatted("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
    stream.add(VLLM.formatted("{\"role\":\"assistant\"}", "null"));
    for (String text : TEXTS) {
      stream.add(VLLM.formatted("{\"content\":\"" + text + "\"}", "null"));
    }
    // The text is followed by what looks like the suffix, or ends with a backslash: other JSON.
    stream.add(VLLM.formatted("{\"content\":\"a\"},\"logprobs\":null,\"finish_reason\":null}]}",
        "null"));
    stream.add(VLLM.formatted("{\"content\":\"a\\\"}", "null").replace("\\\"}", "\\\\\"}"));
    stream.add(VLLM.formatted("{\"content\":\"x\"}", "null") + " ");
    stream.add(VLLM.formatted("{\"content\":\"x\"}", "null").replace("x\"", "x\u0001\""));
    stream.add(VLLM.formatted("{\"content\":\"x\"}", "null").replace("x\"", "x\u00ff\""));
    for (String text : TEXTS) {
      stream.add(VLLM.formatted("{\"reasoning_content\":\"r\",\"content\":\"" + text + "\"}",
          "null"));
    }
    for (String text : TEXTS) {
      stream.add(VLLM.formatted("{\"reasoning_content\":\"" + text + "\"}", "null"));
      stream.add(VLLM.formatted("{\"content\":null,\"reasoning\":\"" + text + "\"}", "null"));
      stream.add(VLLM.formatted("{\"content\":\"" + text + "\"}", "null"));
    }
    stream.add(VLLM.formatted("{}", "null"));
    stream.add(VLLM.formatted("{}", "\"stop\""));
    stream.add(VLLM.formatted("{\"content\":\"\"}", "\"length\""));
    stream.add(VLLM.formatted("{\"content\":\"end\"}", "\"length\""));
    String usage = "{\"id\":\"chatcmpl-9f1c\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[%s],\"usage\":{\"prompt_tokens\":550,\"total_tokens\":750,"
        + "\"completion_tokens\":200,\"completion_tokens_details\":{\"reasoning_tokens\":40}}}";
    stream.add(usage.formatted(""));
    // Usage next to text: the usage belongs to the shape, read again only by parse().
    for (String text : TEXTS) {
      stream.add(usage.formatted("{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}"));
    }
    stream.add("{\"error\":{\"message\":\"boom\",\"type\":\"server_error\",\"code\":500}}");
    stream.add(VLLM.formatted("{\"content\":\"x\"}", "null").replace("\"choices\"",
        "\"error\":{\"message\":\"boom\"},\"choices\""));
    stream.add("[DONE]");
    stream.add("");
    stream.add(VLLM.formatted("{\"content\":\"after\"}", "null"));
    for (String chunk : stream) {
      assertSame(CHAT, reader, chunk.getBytes(StandardCharsets.UTF_8));
    }
    assertThat(matched).as("chunks read from the learned shape").isGreaterThan(3 * TEXTS.size());

    ChunkReader completions = ChunkReader.of(COMPLETIONS);
    assertThat(completions).isNotNull();
    for (String text : TEXTS) {
      assertSame(COMPLETIONS, completions, ("{\"id\":\"cmpl-1\",\"object\":\"text_completion\","
          + "\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\"" + text
          + "\",\"logprobs\":null,\"finish_reason\":null}]}").getBytes(StandardCharsets.UTF_8));
    }
  }

  @Test
  void otherEndpoints_haveNoReader() {
    assertThat(ChunkReader.of(new EmbeddingsEndpointProvider().create(
        Endpoints.of("embeddings", "http://x").model("m")))).isNull();
  }

  /**
   * A generated chunk, then chunks of its shape with other texts (of every kind JSON allows, and
   * some it does not), each now and then cut, changed or lengthened by a byte anywhere.
   */
  @Property(tries = 3_000)
  void generatedStreams_readAsParseReadsThem(@ForAll long seed) {
    Random r = new Random(seed);
    for (OpenAiEndpoint e : List.of(CHAT, COMPLETIONS)) {
      ChunkReader reader = ChunkReader.of(e);
      assertThat(reader).isNotNull();
      byte[] base = JsonBytesParseTest.encode(JsonBytesParseTest.root(r));
      assertSame(e, reader, base);
      JsonBytes s = new JsonBytes(base, 0, base.length);
      try {
        e.scanChunk(s);
      } catch (OnePass.NeedsTree notTaken) {
        continue;
      }
      if (s.contentStart() < 0) {
        continue;
      }
      for (int i = 0; i < 6; i++) {
        String body = JsonBytesParseTest.string(r);
        byte[] text = JsonBytesParseTest.encode(body.substring(1, body.length() - 1));
        if (r.nextInt(8) == 0) {
          text = new byte[][] {"\"".getBytes(StandardCharsets.UTF_8),
              "\\".getBytes(StandardCharsets.UTF_8), new byte[0]}[r.nextInt(3)];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(base, 0, s.contentStart());
        out.writeBytes(text);
        out.write(base, s.contentStop(), base.length - s.contentStop());
        byte[] chunk = out.toByteArray();
        if (r.nextInt(4) == 0) {
          chunk = mutate(r, chunk);
        }
        assertSame(e, reader, chunk);
      }
    }
  }

  private static byte[] mutate(Random r, byte[] json) {
    return switch (r.nextInt(3)) {
      case 0 -> java.util.Arrays.copyOf(json, r.nextInt(json.length + 1));
      case 1 -> {
        byte[] changed = json.clone();
        changed[r.nextInt(json.length)] = (byte) " \"\\{}[],:0nul\u0001"
            .charAt(r.nextInt(14));
        yield changed;
      }
      default -> {
        int at = r.nextInt(json.length + 1);
        byte[] longer = new byte[json.length + 1];
        System.arraycopy(json, 0, longer, 0, at);
        longer[at] = (byte) r.nextInt(256);
        System.arraycopy(json, at, longer, at + 1, json.length - at);
        yield longer;
      }
    };
  }

  @Test
  void generatedStreams_reachTheLearnedShape() {
    matched = 0;
    Random seeds = new Random(3);
    for (int i = 0; i < 300; i++) {
      generatedStreams_readAsParseReadsThem(seeds.nextLong());
    }
    assertThat(matched).isGreaterThan(300);
  }

  /** Pieces of text as JSON strings' bytes (checked), and Strings, joined in any order. */
  @Property(tries = 2_000)
  void streamText_joinsAsStringsJoin(@ForAll long seed) {
    Random r = new Random(seed);
    StreamText joined = new StreamText();
    for (int round = 0; round < 2; round++) {
      StringBuilder expected = new StringBuilder();
      joined.clear();
      assertThat(joined.isEmpty()).isTrue();
      for (int i = r.nextInt(12); i > 0; i--) {
        if (r.nextInt(5) == 0) {
          String s = r.nextBoolean() ? "\ud83d" : r.nextBoolean() ? "\ude00 x" : "";
          joined.append(s);
          expected.append(s);
          continue;
        }
        String body = JsonBytesParseTest.string(r);
        byte[] b = JsonBytesParseTest.encode(body);
        long checked;
        try {
          checked = JsonStrings.check(b, 1, b.length);
        } catch (OnePass.NeedsTree notJson) {
          continue;
        }
        if ((int) checked != b.length) {
          continue;
        }
        int flags = (int) (checked >>> 32);
        joined.appendChecked(b, 1, b.length - 1, flags);
        expected.append(JsonStrings.decode(b, 1, b.length - 1, flags));
        if (r.nextInt(6) == 0) {
          assertThat(joined.toString()).isEqualTo(expected.toString());
        }
      }
      assertThat(joined.toString()).isEqualTo(expected.toString());
      assertThat(joined.isEmpty()).isEqualTo(expected.length() == 0);
    }
  }
}
