package io.aiperf.engine.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.ResponseErrorException;
import java.io.ByteArrayOutputStream;
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
 * Chat and completions read most chunks from their bytes ({@link JsonBytes}); Jackson's readings
 * (one pass, else the tree) define the answer. On real chunks of vLLM, SGLang and OpenAI, and on
 * generated chunks of every shape (any field order, escapes, raw and escaped Unicode, broken
 * UTF-8, odd whitespace and numbers, nesting, repeated fields, several choices, tool calls,
 * usage, errors, chunks cut short or with bytes changed), both give the same result, or the same
 * error with the same message. The byte reading must also take the real chunks itself.
 */
final class JsonBytesParseTest {
  private static final OpenAiEndpoint CHAT = (OpenAiEndpoint) new ChatEndpointProvider().create(
      Endpoints.openAiChat("http://x").model("m"));
  private static final OpenAiEndpoint COMPLETIONS = (OpenAiEndpoint)
      new CompletionsEndpointProvider().create(Endpoints.openAiCompletions("http://x").model("m"));

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

  /** Counts of generated chunks the byte reading took, to show the generator reaches it. */
  private static int taken;
  private static int tried;

  private static void assertSame(byte[] b) {
    String json = new String(b, 0, Math.min(b.length, 300), StandardCharsets.UTF_8);
    for (OpenAiEndpoint e : List.of(CHAT, COMPLETIONS)) {
      Outcome jackson = outcome(() -> e.parseWithJackson(b, 0, b.length));
      assertThat(outcome(() -> e.parse(b, 0, b.length))).as("%s: %s", e == CHAT ? "chat"
          : "completions", json).isEqualTo(jackson);
      tried++;
      try {
        ParsedResponse bytes = e.scanChunk(new JsonBytes(b, 0, b.length));
        taken++;
        // Never a result where Jackson sees an error: what it takes is JSON Jackson takes too.
        assertThat(jackson).as(json).isEqualTo(new Outcome(bytes, null));
      } catch (OnePass.NeedsTree givenUp) {
        // Jackson's readings define it; parse() gave their outcome, checked above.
      }
    }
  }

  private static void assertTaken(OpenAiEndpoint e, String json, ParsedResponse expected) {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    assertThatCode(() -> assertThat(e.scanChunk(new JsonBytes(b, 0, b.length)))
        .isEqualTo(expected)).as(json).doesNotThrowAnyException();
    assertThat(e.parse(b, 0, b.length)).as(json).isEqualTo(expected);
    assertThat(e.parseWithJackson(b, 0, b.length)).as(json).isEqualTo(expected);
  }

  @Test
  void realChunks_areReadFromTheirBytes_asJacksonReadsThem() {
    String vllm = "{\"id\":\"chatcmpl-9f1c3e7a2b8d4c6e\",\"object\":\"chat.completion.chunk\","
        + "\"created\":1718000000,\"model\":\"meta-llama/Llama-3.1-8B-Instruct\",\"choices\":"
        + "[{\"index\":0,\"delta\":%s,\"logprobs\":null,\"finish_reason\":%s}]}";
    assertTaken(CHAT, vllm.formatted("{\"role\":\"assistant\",\"content\":\"\"}", "null"),
        new ParsedResponse("", null, null));
    assertTaken(CHAT, vllm.formatted("{\"content\":\" the\"}", "null"),
        new ParsedResponse(" the", null, null));
    assertTaken(CHAT, vllm.formatted("{\"content\":\" \\\"q\\\"\\n\\t\\u00e9\\ud83d\\ude00 über"
        + " 速度 😀\\\\\\/\"}", "null"), new ParsedResponse(" \"q\"\n\té😀 über 速度 😀\\/", null, null));
    assertTaken(CHAT, vllm.formatted("{\"reasoning_content\":\" hmm\"}", "null"),
        new ParsedResponse(null, " hmm", null));
    assertTaken(CHAT, vllm.formatted("{\"reasoning\":\" hmm\",\"content\":null}", "null"),
        new ParsedResponse(null, " hmm", null));
    assertTaken(CHAT, vllm.formatted("{}", "\"length\""), new ParsedResponse(null, null, null));
    // A tool call's name and arguments are output (AIPerf counts them); the tree reading has them.
    byte[] tool = vllm.formatted("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\","
        + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]}",
        "null").getBytes(StandardCharsets.UTF_8);
    assertThat(CHAT.parse(tool, 0, tool.length)).isEqualTo(new ParsedResponse("f{\"a\":1}", null, null));
    assertThat(CHAT.parseWithJackson(tool, 0, tool.length))
        .isEqualTo(new ParsedResponse("f{\"a\":1}", null, null));
    assertTaken(CHAT, "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":550,\"total_tokens\":750,"
        + "\"completion_tokens\":200,\"completion_tokens_details\":{\"reasoning_tokens\":40}}}",
        new ParsedResponse(null, null, new io.aiperf.api.spi.Usage(550, 200, 750, 40)));
    // SGLang: every delta field, nulls too; usage null until the last chunk.
    assertTaken(CHAT, "{\"id\":\"5f0c1d2e\",\"object\":\"chat.completion.chunk\",\"created\":"
        + "1718000000,\"model\":\"default\",\"choices\":[{\"index\":0,\"delta\":{\"role\":null,"
        + "\"content\":\" the\",\"reasoning_content\":null,\"tool_calls\":null},\"logprobs\":null,"
        + "\"finish_reason\":null,\"matched_stop\":null}],\"usage\":null}",
        new ParsedResponse(" the", null, null));
    assertTaken(CHAT, "{\"id\":\"5f0c1d2e\",\"object\":\"chat.completion.chunk\",\"created\":1,"
        + "\"model\":\"default\",\"choices\":[],\"usage\":{\"prompt_tokens\":550,"
        + "\"total_tokens\":750,\"completion_tokens\":200,\"prompt_tokens_details\":null,"
        + "\"completion_tokens_details\":null}}",
        new ParsedResponse(null, null, new io.aiperf.api.spi.Usage(550, 200, 750, -1)));
    // OpenAI: service tier, fingerprint, obfuscation, usage null.
    assertTaken(CHAT, "{\"id\":\"chatcmpl-AbC\",\"object\":\"chat.completion.chunk\",\"created\":"
        + "1718000000,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
        + "\"system_fingerprint\":\"fp_0ba0d124f1\",\"choices\":[{\"index\":0,\"delta\":"
        + "{\"content\":\" the\"},\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,"
        + "\"obfuscation\":\"x7Qp\"}", new ParsedResponse(" the", null, null));
    // A whole answer, pretty-printed, and a completions chunk.
    assertTaken(CHAT, "{\n  \"id\": \"c\",\n  \"choices\": [\n    {\n      \"index\": 0,\n"
        + "      \"message\": {\"role\": \"assistant\", \"content\": \"whole\"},\n"
        + "      \"finish_reason\": \"stop\"\n    }\n  ],\n  \"usage\": {\"prompt_tokens\": 5,"
        + " \"completion_tokens\": 2, \"total_tokens\": 7}\n}\n",
        new ParsedResponse("whole", null, new io.aiperf.api.spi.Usage(5, 2, 7, -1)));
    assertTaken(COMPLETIONS, "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"created\":1,"
        + "\"model\":\"m\",\"choices\":[{\"index\":0,\"text\":\" word\",\"logprobs\":null,"
        + "\"finish_reason\":null,\"stop_reason\":null}]}", new ParsedResponse(" word", null, null));
  }

  @Test
  void oddChunks_readAsJacksonReadsThem() {
    for (String json : List.of(
        "{}", " {} ", "{\"choices\":[]}", "{\"choices\":null}", "{\"choices\":{}}",
        "{\"choices\":[null]}", "{\"choices\":[{\"delta\":null}]}",
        "{\"choices\":[{\"delta\":{\"content\":1}}]}",
        "{\"choices\":[{\"delta\":{\"content\":\"a\"},\"message\":{\"content\":\"b\"}}]}",
        "{\"choices\":[{\"delta\":{\"content\":\"a\"}},{\"delta\":{\"content\":\"b\"}}]}",
        "{\"choices\":[{\"delta\":{\"content\":\"a\"}}],\"choices\":[]}",
        "{\"choices\":[{\"text\":\"a\",\"text\":\"b\"}]}",
        "{\"choices\":[],\"error\":null}", "{\"error\":{\"message\":\"boom\"}}",
        "{\"usage\":{\"prompt_tokens\":1.0}}", "{\"usage\":{\"prompt_tokens\":-0}}",
        "{\"usage\":{\"prompt_tokens\":123456789012345678}}",
        "{\"usage\":{\"prompt_tokens\":1234567890123456789}}",
        "{\"usage\":{\"prompt_tokens\":01}}", "{\"usage\":{\"prompt_tokens\":\"1\"}}",
        "{\"usage\":{\"completion_tokens_details\":{\"reasoning_tokens\":3,\"x\":[1e5]}}}",
        "{\"usage\":7}", "{\"choices\":[]} x", "{\"choices\":[]}}", "{\"choices\":[],}",
        "{\"choices\":[{\"delta\":{\"content\":\"a\"}}]", "\ufeff{}", "{\"a\":1e999}",
        "{\"a\":-1.5E+10,\"b\":[true,false,null,{}],\"choices\":[]}", "{\"a\":nul}",
        "{\"a\":nullx}", "{\"a\":tru}", "{\"a\":-}", "{\"a\":1.}", "{\"a\":.5}", "{\"a\":+1}",
        "{\"a\":1e}", "{\"a\":0x1}", "{\"a\":NaN}", "{'a':1}", "{a:1}", "{\"a\"1}",
        "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\t\"}",
        "{\"c\\u0068oices\":[{\"text\":\"t\"}]}", "{\"choices\":[{\"delta\":{\"con\\u0074ent\":"
            + "\"t\"}}]}", "\u000b{}", "{\f}", "{\"a\":[" + "[".repeat(70) + "]".repeat(70) + "]}",
        "{\"a\":\"" + "x".repeat(300) + "\",\"" + "k".repeat(300) + "\":1}")) {
      assertSame(json.getBytes(StandardCharsets.UTF_8));
    }
    // UTF-8 that is not well-formed: overlong, surrogates, cut short, past U+10FFFF, stray bytes.
    for (int[] bad : new int[][] {{0xc0, 0xaf}, {0xc1, 0xbf}, {0xe0, 0x80, 0xaf},
        {0xed, 0xa0, 0x80}, {0xed, 0xbf, 0xbf}, {0xf0, 0x80, 0x80, 0xaf}, {0xf4, 0x90, 0x80, 0x80},
        {0xf5, 0x80, 0x80, 0x80}, {0xff}, {0x80}, {0xc3}, {0xe2, 0x82}, {0xf0, 0x9f, 0x98},
        {0xc3, 0x28}, {0xe2, 0x28, 0xa1}}) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes("{\"choices\":[{\"delta\":{\"content\":\"a".getBytes(StandardCharsets.UTF_8));
      for (int x : bad) {
        out.write(x);
      }
      out.writeBytes("\"},\"text\":\"b\"}]}".getBytes(StandardCharsets.UTF_8));
      assertSame(out.toByteArray());
    }
  }

  private static final String MUTATIONS = " \t\n\r\f\u000b{}[],:\"\\0-.eEnul";

  @Property(tries = 20_000)
  void generatedChunks_readAsJacksonReadsThem(@ForAll long seed) {
    Random r = new Random(seed);
    byte[] json = encode(root(r));
    switch (r.nextInt(10)) {
      case 0 -> json = Arrays.copyOf(json, r.nextInt(json.length + 1));
      case 1 -> json[r.nextInt(json.length)] = (byte) r.nextInt(256);
      case 2 -> json[r.nextInt(json.length)] = (byte) MUTATIONS.charAt(
          r.nextInt(MUTATIONS.length()));
      case 3 -> {
        int at = r.nextInt(json.length + 1);
        byte[] longer = new byte[json.length + 1];
        System.arraycopy(json, 0, longer, 0, at);
        longer[at] = (byte) r.nextInt(256);
        System.arraycopy(json, at, longer, at + 1, json.length - at);
        json = longer;
      }
      default -> { }
    }
    assertSame(json);
  }

  @Test
  void theGenerator_reachesTheByteReading() {
    taken = 0;
    tried = 0;
    Random r = new Random(1);
    for (int i = 0; i < 2_000; i++) {
      assertSame(encode(root(r)));
    }
    // Most whole generated chunks are plain enough for the byte reading; the rest test giving up
    // (those with tool calls among them: the tree reading counts a call's name and arguments).
    assertThat(taken).isBetween(tried / 4, tried - tried / 10);
  }

  // --- the generator: Java text where U+F780..U+F7FF stand for raw bytes 0x80..0xFF -----------

  static String root(Random r) {
    List<String> fields = new ArrayList<>();
    String[] names = {"id", "object", "created", "model", "system_fingerprint", "choices",
        "choices", "usage", "usage", "error", "obfuscation", "service_tier"};
    boolean[] seen = new boolean[2];
    for (String name : names) {
      int slot = name.equals("choices") ? 0 : name.equals("usage") ? 1 : -1;
      int percent = slot < 0 ? (name.equals("error") ? 5 : 50) : seen[slot] ? 4 : slot == 0 ? 92
          : 50;
      if (r.nextInt(100) < percent) {
        if (slot >= 0) {
          seen[slot] = true;
        }
        fields.add(field(r, name, switch (name) {
          case "choices" -> choices(r);
          case "usage" -> r.nextInt(3) == 0 ? "null" : usage(r);
          case "created" -> number(r);
          case "error" -> r.nextBoolean() ? "null" : value(r, 2);
          default -> r.nextInt(4) == 0 ? value(r, 2) : string(r);
        }));
      }
    }
    return object(r, fields);
  }

  private static String choices(Random r) {
    return switch (r.nextInt(12)) {
      case 0 -> value(r, 2);
      case 1 -> "[]";
      default -> {
        List<String> items = new ArrayList<>();
        int n = r.nextInt(5) == 0 ? 2 + r.nextInt(2) : 1;
        for (int i = 0; i < n; i++) {
          items.add(r.nextInt(15) == 0 ? value(r, 2) : choice(r));
        }
        yield "[" + ws(r) + String.join("," + ws(r), items) + ws(r) + "]";
      }
    };
  }

  private static String choice(Random r) {
    List<String> fields = new ArrayList<>();
    boolean message = r.nextInt(6) == 0;
    fields.add(field(r, "index", r.nextInt(8) == 0 ? value(r, 1) : "0"));
    fields.add(field(r, message ? "message" : "delta", r.nextInt(12) == 0 ? value(r, 2)
        : delta(r)));
    if (r.nextInt(15) == 0) {
      fields.add(field(r, message ? "delta" : "message", delta(r)));
    }
    fields.add(field(r, "text", r.nextInt(10) == 0 ? value(r, 1) : text(r)));
    if (r.nextInt(15) == 0) {
      fields.add(field(r, "text", text(r)));
    }
    fields.add(field(r, "logprobs", r.nextInt(4) == 0 ? value(r, 3) : "null"));
    fields.add(field(r, "finish_reason", r.nextBoolean() ? "null" : string(r)));
    if (r.nextBoolean()) {
      fields.add(field(r, "matched_stop", value(r, 1)));
    }
    fields.removeIf(f -> r.nextInt(6) == 0);
    return object(r, fields);
  }

  private static String delta(Random r) {
    List<String> fields = new ArrayList<>();
    for (String name : new String[] {"role", "content", "reasoning_content", "reasoning",
        "tool_calls", "content", "refusal"}) {
      int percent = name.equals("content") ? (fields.stream().anyMatch(f -> f.contains(
          "\"content\"")) ? 5 : 80) : name.equals("tool_calls") ? 15 : 30;
      if (r.nextInt(100) < percent) {
        fields.add(field(r, name, switch (name) {
          case "role" -> r.nextBoolean() ? "\"assistant\"" : "null";
          case "tool_calls" -> r.nextInt(3) == 0 ? "null" : "[{\"index\":0,\"id\":\"call_1\","
              + "\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":"
              + string(r) + "}}]";
          default -> text(r);
        }));
      }
    }
    return object(r, fields);
  }

  private static String usage(Random r) {
    if (r.nextInt(8) == 0) {
      return value(r, 2);
    }
    List<String> fields = new ArrayList<>();
    for (String name : new String[] {"prompt_tokens", "completion_tokens", "total_tokens",
        "completion_tokens_details", "prompt_tokens_details", "total_tokens"}) {
      if (r.nextInt(name.equals("total_tokens") && fields.stream().anyMatch(
          f -> f.contains("total")) ? 12 : 2) == 0) {
        continue;
      }
      fields.add(field(r, name, name.endsWith("details")
          ? switch (r.nextInt(5)) {
            case 0 -> value(r, 2);
            case 1 -> "null";
            default -> object(r, List.of(field(r, "reasoning_tokens", count(r)),
                field(r, "audio_tokens", count(r))));
          }
          : count(r)));
    }
    return object(r, fields);
  }

  private static String count(Random r) {
    return switch (r.nextInt(14)) {
      case 0 -> "null";
      case 1 -> "\"12\"";
      case 2 -> "2.5";
      case 3 -> "12345678901234567890123";
      case 4 -> "-3";
      case 5 -> "4000000000";
      case 6 -> "1e2";
      case 7 -> "999999999999999999";
      default -> String.valueOf(r.nextInt(5000));
    };
  }

  private static String number(Random r) {
    String[] numbers = {"0", "-0", "1718000000", "1.5", "-0.25e-3", "1E+2", "6.02e23", "1e999",
        "123456789012345678901234567890", "0.1234567890123456789012345678901234", "01", "1.",
        "-", ".5", "1e", "+1"};
    return r.nextInt(8) == 0 ? numbers[r.nextInt(numbers.length)]
        : String.valueOf(r.nextInt(Integer.MAX_VALUE));
  }

  private static String text(Random r) {
    return r.nextInt(8) == 0 ? value(r, 1) : r.nextInt(8) == 0 ? "null" : string(r);
  }

  private static final String[] PIECES = {"word", " the", " ", "\\\"", "\\\\", "\\/", "\\b",
      "\\f", "\\n", "\\r", "\\t", "é", "ß", "速度", "😀", "\u0600", "\uffff", "\u007f", ""};

  /** A JSON string: words, escapes of every kind, raw and escaped Unicode, now and then bytes
   * that are not UTF-8 or characters JSON must escape. */
  static String string(Random r) {
    StringBuilder sb = new StringBuilder("\"");
    for (int i = r.nextInt(6); i > 0; i--) {
      switch (r.nextInt(12)) {
        case 0 -> sb.append(String.format(java.util.Locale.ROOT,
            r.nextBoolean() ? "\\u%04x" : "\\u%04X", r.nextInt(0x10000)));
        case 1 -> sb.append(r.nextBoolean() ? "\\ud83d\\ude00" : "\\uDBFF\\uDFFF");
        case 2 -> {
          if (r.nextInt(40) == 0) {
            sb.append((char) (0xf780 + r.nextInt(0x80))); // a raw byte 0x80..0xff
          } else if (r.nextInt(40) == 0) {
            sb.append((char) r.nextInt(0x20)); // a raw control character
          } else if (r.nextInt(40) == 0) {
            sb.append((char) (0xd800 + r.nextInt(0x800))); // a raw lone surrogate (CESU bytes)
          } else {
            sb.appendCodePoint(0x80 + r.nextInt(0x10ff80 - 0x800));
          }
        }
        default -> sb.append(PIECES[r.nextInt(PIECES.length)]);
      }
    }
    return sb.append('"').toString();
  }

  private static String value(Random r, int depth) {
    int kinds = depth > 0 ? 10 : 8;
    return switch (r.nextInt(kinds)) {
      case 0 -> "null";
      case 1 -> "true";
      case 2 -> "false";
      case 3, 4 -> number(r);
      case 5, 6, 7 -> string(r);
      case 8 -> "[" + ws(r) + value(r, depth - 1) + "," + ws(r) + value(r, depth - 1) + "]";
      default -> object(r, List.of(field(r, "message", value(r, depth - 1)),
          field(r, "type", value(r, depth - 1))));
    };
  }

  /** Whitespace: mostly none, else JSON's four, rarely a character JSON does not allow. */
  private static String ws(Random r) {
    return switch (r.nextInt(12)) {
      case 0 -> " ";
      case 1 -> "\n  ";
      case 2 -> "\t\r\n";
      case 3 -> r.nextInt(200) == 0 ? "\f" : "";
      default -> "";
    };
  }

  private static String field(Random r, String name, String value) {
    return "\"" + name + "\"" + ws(r) + ":" + ws(r) + value;
  }

  private static String object(Random r, List<String> fields) {
    List<String> shuffled = new ArrayList<>(fields);
    Collections.shuffle(shuffled, r);
    return ws(r) + "{" + ws(r) + String.join(ws(r) + "," + ws(r), shuffled) + ws(r) + "}"
        + ws(r);
  }

  /**
   * UTF-8, except U+F780..U+F7FF, which stand for the raw bytes 0x80..0xFF, and lone surrogates,
   * written as their 3-byte forms (which UTF-8 does not allow).
   */
  static byte[] encode(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() + 16);
    for (int i = 0; i < s.length(); ) {
      int cp = s.codePointAt(i);
      i += Character.charCount(cp);
      if (cp >= 0xf780 && cp <= 0xf7ff) {
        out.write(cp - 0xf700);
      } else if (cp < 0x80) {
        out.write(cp);
      } else if (cp < 0x800) {
        out.write(0xc0 | cp >> 6);
        out.write(0x80 | cp & 0x3f);
      } else if (cp < 0x10000) {
        out.write(0xe0 | cp >> 12);
        out.write(0x80 | cp >> 6 & 0x3f);
        out.write(0x80 | cp & 0x3f);
      } else {
        out.write(0xf0 | cp >> 18);
        out.write(0x80 | cp >> 12 & 0x3f);
        out.write(0x80 | cp >> 6 & 0x3f);
        out.write(0x80 | cp & 0x3f);
      }
    }
    return out.toByteArray();
  }
}
