package io.aiperf.engine.internal.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiperf.api.FileDataset;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.Turn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * AIPerf 0.13's {@code dag_jsonl}, where it fits aiperf-java's session model: one conversation
 * per line ({@code session_id}, {@code turns}), each turn's {@code messages} appended to the
 * session's history (the server's real replies threaded in between, tool calls kept whole, as
 * AIPerf's default context mode {@code deltas_without_responses}), with its {@code model},
 * {@code max_tokens}, {@code tools} (carried to later turns that give none, as AIPerf takes the
 * latest), {@code extra} and {@code delay} (ms).
 *
 * <p>A session in aiperf-java is a line of turns, each sent after the previous one's reply. What
 * AIPerf's DAG adds beyond that cannot be mapped onto it, so it is refused when the file is read,
 * naming the file, the line and the key: {@code forks} (children that inherit the history and run
 * beside or instead of the parent), {@code spawns} and {@code pre_session_spawns} (children run in
 * parallel, joined at a later turn), orchestrator conversations ({@code orchestrator},
 * conversation-level {@code spawns}, {@code rounds}, {@code think_time_*}), and the context modes
 * other than {@code deltas_without_responses}. Everything else AIPerf's loader checks is checked
 * the same way: unknown keys, empty or role-less messages, a {@code system} message after the
 * first turn, a repeated {@code session_id}.
 */
public final class DagJsonlDatasetProvider extends JsonlDatasetProvider {
  private static final Set<String> CONVERSATION_KEYS = Set.of("session_id", "turns",
      "orchestrator", "spawns", "think_time_ms", "think_time_sigma", "think_time_min_ms",
      "think_time_max_ms", "rounds", "context_mode", "pre_session_spawns");
  private static final Set<String> TURN_KEYS =
      Set.of("messages", "model", "max_tokens", "tools", "extra", "forks", "spawns", "delay");
  private static final String LINEAR = "aiperf-java runs a dag_jsonl conversation as one linear"
      + " session (turns in order, each after the previous reply), ";

  @Override
  public String name() {
    return "dag_jsonl";
  }

  @Override
  public String description() {
    return "AIPerf dag_jsonl: {session_id, turns: [{messages, tools, extra, ...}]} per line;"
        + " linear sessions only (forks, spawns and orchestrators are refused)";
  }

  @Override
  List<Conversation> convert(List<Line> lines, FileDataset file, Tokenizer tokenizer, long seed,
      int requestCount) {
    List<Conversation> out = new ArrayList<>(lines.size());
    Set<String> ids = new HashSet<>();
    for (Line line : lines) {
      Conversation c = conversation(line.json(), line.where());
      if (!ids.add(c.id())) {
        throw new IllegalArgumentException(line.where() + ": session_id '" + c.id()
            + "' repeats an earlier line's; each conversation needs its own");
      }
      out.add(c);
    }
    return out;
  }

  private static Conversation conversation(JsonNode n, String where) {
    unknownKeys(n, CONVERSATION_KEYS, where, "line");
    if (n.path("orchestrator").asBoolean(false)) {
      throw unsupported(where, "orchestrator", "an orchestrator conversation sends no request"
          + " and fans out its spawns in parallel");
    }
    for (String key : List.of("spawns", "pre_session_spawns")) {
      if (present(n.get(key))) {
        throw unsupported(where, key, "children spawned beside the conversation run in parallel"
            + " with it");
      }
    }
    if (present(n.get("rounds"))) {
      throw unsupported(where, "rounds", "rounds belong to orchestrator conversations");
    }
    for (String key : List.of("think_time_ms", "think_time_sigma", "think_time_min_ms",
        "think_time_max_ms")) {
      if (present(n.get(key))) {
        throw unsupported(where, key, "think times belong to orchestrator rounds");
      }
    }
    JsonNode mode = n.get("context_mode");
    if (present(mode) && !mode.asText().toLowerCase(Locale.ROOT)
        .equals("deltas_without_responses")) {
      throw new IllegalArgumentException(where + ": context_mode was '" + mode.asText()
          + "' but " + LINEAR + "which only 'deltas_without_responses' (AIPerf's default:"
          + " each turn appends its messages, the live replies are kept) fits");
    }
    JsonNode id = n.get("session_id");
    if (id == null || !id.isTextual() || id.asText().isEmpty()) {
      throw new IllegalArgumentException(where + ": session_id must be a non-empty string, e.g."
          + " {\"session_id\": \"s1\", \"turns\": [{\"messages\": [{\"role\": \"user\","
          + " \"content\": \"hi\"}]}]}");
    }
    JsonNode turns = n.get("turns");
    if (turns == null || !turns.isArray() || turns.isEmpty()) {
      throw new IllegalArgumentException(where + ": turns must be a non-empty list");
    }
    List<Turn> parsed = new ArrayList<>(turns.size());
    @Nullable String tools = null;
    for (int i = 0; i < turns.size(); i++) {
      String at = where + ": turns[" + i + "]";
      Turn t = turn(turns.get(i), at, i);
      if (t.tools() != null) {
        tools = t.tools();
      } else if (tools != null) {
        t = t.withTools(tools); // AIPerf sends the latest turn's tools that has any
      }
      parsed.add(t);
    }
    return new Conversation(id.asText(), parsed);
  }

  private static Turn turn(JsonNode t, String at, int index) {
    if (!t.isObject()) {
      throw new IllegalArgumentException(at + " must be a JSON object");
    }
    unknownKeys(t, TURN_KEYS, at, "turn");
    for (String key : List.of("forks", "spawns")) {
      if (present(t.get(key))) {
        throw unsupported(at, key, key.equals("forks")
            ? "forked children inherit this session's history and run as sessions of their own"
            : "spawned children run in parallel with this session and join it at a later turn");
      }
    }
    JsonNode messages = t.get("messages");
    if (messages == null || !messages.isArray() || messages.isEmpty()) {
      throw new IllegalArgumentException(at + ".messages must be a non-empty list of"
          + " {\"role\", \"content\"} objects");
    }
    for (int m = 0; m < messages.size(); m++) {
      JsonNode msg = messages.get(m);
      if (!msg.isObject() || !msg.has("role")) {
        throw new IllegalArgumentException(at + ".messages[" + m + "] needs a 'role'");
      }
      if (index > 0 && msg.path("role").asText("").equals("system")) {
        throw new IllegalArgumentException(at + ".messages[" + m + "] is a 'system' message"
            + " after the first turn; as AIPerf, put the one system prompt in the first turn"
            + " (chat templates such as Qwen3-VL ignore system messages after index 0)");
      }
    }
    int maxTokens = 0;
    JsonNode max = t.get("max_tokens");
    if (present(max)) {
      if (!max.isIntegralNumber() || max.asLong() < 1 || max.asLong() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(at + ".max_tokens must be an integer >= 1 but was "
            + max);
      }
      maxTokens = max.asInt();
    }
    long delay = 0;
    JsonNode d = t.get("delay");
    if (present(d)) {
      if (!d.isNumber() || d.asDouble() < 0) {
        throw new IllegalArgumentException(at + ".delay must be milliseconds >= 0 but was " + d);
      }
      delay = Math.round(d.asDouble());
    }
    String model = null;
    JsonNode m = t.get("model");
    if (present(m)) {
      if (!m.isTextual()) {
        throw new IllegalArgumentException(at + ".model must be a string but was " + m);
      }
      model = m.asText();
    }
    String tools = null;
    JsonNode tl = t.get("tools");
    if (present(tl)) {
      if (!tl.isArray()) {
        throw new IllegalArgumentException(at + ".tools must be a list of tool definitions");
      }
      for (JsonNode tool : tl) {
        if (!tool.isObject()) {
          throw new IllegalArgumentException(at + ".tools must hold objects, e.g. {\"type\":"
              + " \"function\", \"function\": {\"name\": \"f\"}}");
        }
      }
      tools = tl.toString();
    }
    List<String> texts = PayloadText.ofMessages(messages);
    return new Turn(texts.isEmpty() ? List.of("") : texts, maxTokens, delay, -1, List.of(),
        model, null).withMessages(messages.toString()).withTools(tools)
        .withExtraBody(extra(t, at));
  }

  /** Present and not an empty value (AIPerf's defaults: null, false, an empty list). */
  private static boolean present(@Nullable JsonNode v) {
    return v != null && !v.isNull() && !(v.isArray() && v.isEmpty())
        && !(v.isBoolean() && !v.asBoolean());
  }

  private static void unknownKeys(JsonNode n, Set<String> known, String where, String what) {
    for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!known.contains(key)) {
        throw new IllegalArgumentException(where + ": unknown key '" + key + "'; a dag_jsonl "
            + what + " takes " + new java.util.TreeSet<>(known)
            + (what.equals("turn") ? " (other request fields go in 'extra')" : ""));
      }
    }
  }

  private static IllegalArgumentException unsupported(String where, String key, String why) {
    return new IllegalArgumentException(where + ": '" + key + "' is not supported: " + why
        + "; " + LINEAR + "so only conversations without forks, spawns and orchestrators run");
  }
}
