package io.aiperf.jmh;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The complete HTTP/1.1 responses {@link StaticServer} writes, status line to last byte, built
 * once: an OpenAI chat completion, and the same answer streamed as server-sent events.
 *
 * <p>Both carry the same {@code tokens} words, each one o200k/cl100k token with its leading
 * space, so a client that tokenizes the text counts exactly {@code tokens} output tokens, and
 * the {@code usage} block says the same. The stream is one chat-completion chunk per word (the
 * first also carries the role, the last the finish reason), then a usage chunk and
 * {@code [DONE]}, each event in an HTTP chunk of its own, as uvicorn/vLLM send them.
 */
final class CannedAnswers {
  /** Common English words that are one token each, with their leading space. */
  private static final String[] WORDS = {
    " the", " quick", " brown", " fox", " jumps", " over", " a", " lazy", " dog", " and",
    " runs", " to", " its", " home", " in", " time"
  };
  private static final String ENVELOPE =
      "\"id\":\"chatcmpl-static\",\"object\":\"%s\",\"created\":1700000000,\"model\":\"static\"";
  /**
   * The prompt length the usage block claims. A canned server cannot count the real one: this is
   * aiperf's default synthetic prompt (550 tokens), so a default run sees no usage discrepancy.
   */
  private static final int PROMPT_TOKENS = 550;

  private final int tokens;

  CannedAnswers(int tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("tokens was " + tokens + " but it must be >= 1");
    }
    this.tokens = tokens;
  }

  /** The non-streamed answer: {@code application/json} with a Content-Length. */
  byte[] completion(boolean close) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < tokens; i++) {
      text.append(word(i));
    }
    String body = "{" + envelope("chat.completion")
        + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"" + text
        + "\"},\"finish_reason\":\"stop\"}]," + usage() + "}";
    byte[] bytes = utf8(body);
    String head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: "
        + bytes.length + "\r\n" + connection(close) + "\r\n";
    return concat(utf8(head), bytes);
  }

  /** The streamed answer: {@code text/event-stream}, chunked transfer encoding. */
  byte[] stream(boolean close) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(tokens * 200 + 1024);
    String head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n"
        + "transfer-encoding: chunked\r\n" + connection(close) + "\r\n";
    out.writeBytes(utf8(head));
    String prefix = "data: {" + envelope("chat.completion.chunk") + ",\"choices\":[{\"index\":0,";
    for (int i = 0; i < tokens; i++) {
      String delta = i == 0
          ? "\"delta\":{\"role\":\"assistant\",\"content\":\"" + word(i) + "\"}"
          : "\"delta\":{\"content\":\"" + word(i) + "\"}";
      String finish = i == tokens - 1 ? "\"stop\"" : "null";
      chunk(out, prefix + delta + ",\"finish_reason\":" + finish + "}]}\n\n");
    }
    chunk(out, "data: {" + envelope("chat.completion.chunk") + ",\"choices\":[]," + usage()
        + "}\n\n");
    chunk(out, "data: [DONE]\n\n");
    out.writeBytes(utf8("0\r\n\r\n"));
    return out.toByteArray();
  }

  private static String word(int i) {
    return WORDS[i % WORDS.length];
  }

  private static String envelope(String object) {
    return String.format(Locale.ROOT, ENVELOPE, object);
  }

  private String usage() {
    return "\"usage\":{\"prompt_tokens\":" + PROMPT_TOKENS + ",\"completion_tokens\":" + tokens
        + ",\"total_tokens\":" + (PROMPT_TOKENS + tokens) + "}";
  }

  private static String connection(boolean close) {
    return close ? "connection: close\r\n" : "";
  }

  private static void chunk(ByteArrayOutputStream out, String event) {
    byte[] bytes = utf8(event);
    out.writeBytes(utf8(Integer.toHexString(bytes.length) + "\r\n"));
    out.writeBytes(bytes);
    out.writeBytes(utf8("\r\n"));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
