package io.aiperf.engine.internal.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiperf.api.FileDataset;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.Turn;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AIPerf's trace formats: lines that give lengths and hash ids instead of text. Prompts are
 * synthesized from the tokenizer's words, exact in length, with equal hash ids giving equal blocks.
 */
public final class TraceDatasetProviders {
  private TraceDatasetProviders() {}

  /**
   * {@code mooncake_trace}: {@code timestamp} (ms), {@code delay} (ms), {@code session_id},
   * {@code input_length}, {@code output_length}, {@code hash_ids}, {@code text_input}. Lines with
   * a session id form a multi-turn session in file order; the others are one request each.
   */
  public static final class Mooncake extends JsonlDatasetProvider {
    static final int DEFAULT_BLOCK_SIZE = 512;

    @Override
    public String name() {
      return "mooncake_trace";
    }

    @Override
    public String description() {
      return "AIPerf mooncake_trace JSONL: timestamp, input_length, output_length, hash_ids"
          + " (512-token blocks shared between requests), text_input, session_id";
    }

    @Override
    List<Conversation> convert(List<Line> lines, FileDataset file, Tokenizer tokenizer, long seed,
        int requestCount) {
      HashBlocks blocks = new HashBlocks(PromptGenerator.of(tokenizer), seed,
          file.blockSize().orElse(DEFAULT_BLOCK_SIZE));
      Map<String, List<Turn>> sessions = new LinkedHashMap<>();
      Map<String, Long> lastTimestamp = new LinkedHashMap<>();
      for (int i = 0; i < lines.size(); i++) {
        JsonNode n = lines.get(i).json();
        String where = lines.get(i).where();
        long timestamp = millis(n, "timestamp", where, 1);
        long delay = Math.max(0, millis(n, "delay", where, 1));
        int outputLength = integer(n, "output_length", where, 0, false);
        checkOneInput(n, where);
        String prompt = null;
        Turn verbatim = null;
        if (n.has("payload")) {
          // A whole body, sent as it is (AIPerf's payload mode).
          verbatim = PayloadDatasetProviders.payloadTurn(n.get("payload"), where + ": 'payload'",
              false);
        } else if (n.has("messages")) {
          verbatim = messagesTurn(n, where, outputLength);
        } else if (n.has("text_input")) {
          if (!n.get("text_input").isTextual()) {
            throw new IllegalArgumentException(where + ": 'text_input' must be a string");
          }
          prompt = n.get("text_input").asText();
        } else if (n.has("input_length")) {
          int inputLength = integer(n, "input_length", where, 1, true);
          List<Long> hashIds = hashIds(n, where);
          prompt = hashIds.isEmpty()
              ? PromptGenerator.of(tokenizer).generate(inputLength,
                  HashBlocks.random(seed, -1 - i))
              : blocks.prompt(hashIds, inputLength, where);
        }
        String session = n.hasNonNull("session_id") ? n.get("session_id").asText() : null;
        String key = session != null ? "s:" + session : "l:" + i;
        List<Turn> turns = sessions.computeIfAbsent(key, k -> new ArrayList<>());
        if (!turns.isEmpty() && !n.has("delay") && timestamp >= 0
            && lastTimestamp.containsKey(key)) {
          // A later turn with only a timestamp waits for its gap in the trace after the reply.
          delay = Math.max(0, timestamp - lastTimestamp.get(key));
        }
        if (timestamp >= 0) {
          lastTimestamp.put(key, timestamp);
        }
        Turn turn = verbatim != null ? verbatim
            : new Turn(List.of(java.util.Objects.requireNonNull(prompt)), outputLength, 0, -1);
        if (n.has("tools") && !n.has("messages")) {
          throw new IllegalArgumentException(where + ": 'tools' goes with 'messages' only");
        }
        turns.add(turn.withTiming(turns.isEmpty() ? 0 : delay, timestamp)
            .withExtraBody(JsonlDatasetProvider.extra(n, where)));
      }
      List<Conversation> conversations = new ArrayList<>(sessions.size());
      sessions.forEach((k, turns) -> {
        String id = k.startsWith("s:") ? k.substring(2) : "mooncake_" + k.substring(2);
        conversations.add(new Conversation(id, turns, selfContained(id, turns)));
      });
      return conversations;
    }

    /**
     * As AIPerf's loader: a session whose turns all carry whole {@code messages} lists (or whole
     * payloads) is sent turn by turn as written, each turn already holding its context; a session
     * mixing those with synthesized prompts, or messages with payloads, has no defined history.
     */
    private static boolean selfContained(String session, List<Turn> turns) {
      long messages = turns.stream().filter(t -> t.messages() != null).count();
      long payloads = turns.stream().filter(t -> t.rawPayload() != null).count();
      if (messages > 0 && payloads > 0) {
        throw new IllegalArgumentException("mooncake_trace session '" + session + "' has "
            + messages + " 'messages' line(s) and " + payloads + " 'payload' line(s); a session"
            + " must use one of them");
      }
      if (messages + payloads > 0 && messages + payloads < turns.size()) {
        throw new IllegalArgumentException("mooncake_trace session '" + session + "' mixes "
            + (messages > 0 ? "'messages'" : "'payload'") + " lines with synthesized prompts"
            + " ('input_length' or 'text_input'); a session must be all of one kind");
      }
      return messages + payloads == turns.size();
    }
  }

  /**
   * {@code bailian_trace}: {@code chat_id}, {@code parent_chat_id} (-1 for a root),
   * {@code timestamp} (seconds), {@code input_length}, {@code output_length}, {@code turn},
   * {@code hash_ids} (16-token blocks). Each row already describes its whole context (history
   * included), so each is sent as its own request at its timestamp; its id names its session's
   * root chat and its turn.
   */
  public static final class Bailian extends JsonlDatasetProvider {
    static final int DEFAULT_BLOCK_SIZE = 16;

    @Override
    public String name() {
      return "bailian_trace";
    }

    @Override
    public String description() {
      return "AIPerf bailian_trace JSONL: chat_id, parent_chat_id, timestamp (s), input_length,"
          + " output_length, turn, hash_ids (16-token blocks)";
    }

    @Override
    List<Conversation> convert(List<Line> lines, FileDataset file, Tokenizer tokenizer, long seed,
        int requestCount) {
      HashBlocks blocks = new HashBlocks(PromptGenerator.of(tokenizer), seed,
          file.blockSize().orElse(DEFAULT_BLOCK_SIZE));
      Map<Long, Long> parents = new LinkedHashMap<>();
      for (Line line : lines) {
        JsonNode n = line.json();
        long chat = integer(n, "chat_id", line.where(), Integer.MIN_VALUE, true);
        parents.put(chat, n.has("parent_chat_id")
            ? (long) integer(n, "parent_chat_id", line.where(), -1, false) : -1L);
      }
      List<Conversation> conversations = new ArrayList<>(lines.size());
      for (int i = 0; i < lines.size(); i++) {
        JsonNode n = lines.get(i).json();
        String where = lines.get(i).where();
        if (!n.has("timestamp")) {
          throw new IllegalArgumentException(where + ": needs 'timestamp' (seconds), e.g."
              + " {\"chat_id\": 1, \"parent_chat_id\": -1, \"timestamp\": 61.1,"
              + " \"input_length\": 40, \"output_length\": 8, \"turn\": 1, \"hash_ids\": [1, 2, 3]}");
        }
        long timestamp = millis(n, "timestamp", where, 1000);
        int inputLength = integer(n, "input_length", where, 1, true);
        int outputLength = integer(n, "output_length", where, 0, false);
        int turn = n.has("turn") ? integer(n, "turn", where, 0, false) : 1;
        List<Long> hashIds = hashIds(n, where);
        String prompt = hashIds.isEmpty()
            ? PromptGenerator.of(tokenizer).generate(inputLength, HashBlocks.random(seed, -1 - i))
            : blocks.prompt(hashIds, inputLength, where);
        long chat = n.get("chat_id").asLong();
        conversations.add(new Conversation(root(chat, parents) + "_" + turn,
            List.of(new Turn(List.of(prompt), outputLength, 0, timestamp))));
      }
      return conversations;
    }

    /** Walks parent links to the session's root, stopping at cycles and unknown parents. */
    private static long root(long chat, Map<Long, Long> parents) {
      long current = chat;
      java.util.Set<Long> seen = new java.util.HashSet<>();
      while (parents.containsKey(current) && parents.get(current) != -1 && seen.add(current)) {
        long parent = parents.get(current);
        if (!parents.containsKey(parent)) {
          break;
        }
        current = parent;
      }
      return current;
    }
  }

  /** Exactly one of AIPerf's four input modes, as its trace model requires. */
  private static void checkOneInput(JsonNode n, String where) {
    int modes = 0;
    for (String f : new String[] {"input_length", "text_input", "messages", "payload"}) {
      modes += n.has(f) ? 1 : 0;
    }
    if (modes != 1) {
      throw new IllegalArgumentException(where + ": give exactly one of 'input_length',"
          + " 'text_input', 'messages' or 'payload'" + (modes > 1 ? " (they exclude each other)"
          : ", e.g. {\"timestamp\": 0, \"input_length\": 512, \"output_length\": 64}"));
    }
    if (n.has("hash_ids") && !n.has("input_length")) {
      throw new IllegalArgumentException(where + ": 'hash_ids' goes with 'input_length' only");
    }
  }

  /**
   * A trace line's {@code messages} (OpenAI message objects, each with a role) and optional
   * {@code tools}, sent as the dataset wrote them; their texts are counted as the input.
   */
  private static Turn messagesTurn(JsonNode n, String where, int outputLength) {
    JsonNode messages = n.get("messages");
    if (!messages.isArray() || messages.isEmpty()) {
      throw new IllegalArgumentException(where + ": 'messages' must be a non-empty list");
    }
    for (int m = 0; m < messages.size(); m++) {
      if (!messages.get(m).isObject() || !messages.get(m).has("role")) {
        throw new IllegalArgumentException(where + ": each message needs a 'role', but"
            + " message " + m + " has none");
      }
    }
    String tools = null;
    if (n.has("tools")) {
      JsonNode t = n.get("tools");
      if (!t.isArray() || t.isEmpty()) {
        throw new IllegalArgumentException(where + ": 'tools' must be a non-empty list of tool"
            + " definitions");
      }
      tools = t.toString();
    }
    List<String> texts = PayloadText.ofMessages(messages);
    return new Turn(texts.isEmpty() ? List.of("") : texts, outputLength, 0, -1)
        .withMessages(messages.toString()).withTools(tools);
  }

  /** A number of ms (times {@code scale} for seconds); -1 when absent. */
  static long millis(JsonNode n, String field, String where, double scale) {
    if (!n.has(field)) {
      return -1;
    }
    JsonNode v = n.get(field);
    if (!v.isNumber() || !(v.asDouble() >= 0)) {
      throw new IllegalArgumentException(where + ": '" + field + "' must be a number >= 0"
          + (scale == 1 ? " (ms)" : " (seconds)") + " but was " + abbreviate(v));
    }
    return Math.round(v.asDouble() * scale);
  }

  static int integer(JsonNode n, String field, String where, int min, boolean required) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException(where + ": needs '" + field + "'");
      }
      return Math.max(0, min);
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt() || v.asInt() < min) {
      throw new IllegalArgumentException(where + ": '" + field + "' must be an integer >= " + min
          + " but was " + abbreviate(v));
    }
    return v.asInt();
  }

  static List<Long> hashIds(JsonNode n, String where) {
    JsonNode ids = n.get("hash_ids");
    if (ids == null || ids.isNull()) {
      return List.of();
    }
    if (!ids.isArray()) {
      throw new IllegalArgumentException(where + ": 'hash_ids' must be a list of integers but was "
          + abbreviate(ids));
    }
    List<Long> out = new ArrayList<>(ids.size());
    for (JsonNode id : ids) {
      if (!id.isIntegralNumber() || !id.canConvertToLong()) {
        throw new IllegalArgumentException(where + ": 'hash_ids' must hold integers but held "
            + abbreviate(id));
      }
      out.add(id.asLong());
    }
    return out;
  }

  private static String abbreviate(JsonNode v) {
    String s = v.toString();
    return s.length() > 40 ? s.substring(0, 40) + "…" : s;
  }
}
