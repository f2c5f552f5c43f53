package io.aiperf.engine.internal.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiperf.api.DatasetConfig;
import io.aiperf.api.FileDataset;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.DatasetProvider;
import io.aiperf.api.spi.Media;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.Turn;
import io.aiperf.engine.internal.endpoint.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * AIPerf's custom JSONL datasets. Field names match AIPerf's, so files made for it work here. Every
 * problem names the file, the line and the field. Trace and pool formats extend this class in
 * their own files ({@link TraceDatasetProviders}, {@link RandomPoolDatasetProvider}).
 */
public abstract class JsonlDatasetProvider implements DatasetProvider {
  /** {@code single_turn}: one request per line. */
  public static final class SingleTurn extends JsonlDatasetProvider {
    @Override
    public String name() {
      return "single_turn";
    }

    @Override
    public String description() {
      return "AIPerf single_turn JSONL: one request per line, optional timestamp and delay";
    }

    @Override
    Conversation parseLine(JsonNode line, int index, String where) {
      return new Conversation("line_" + index, List.of(turn(line, where)));
    }
  }

  /** {@code multi_turn}: one session per line. */
  public static final class MultiTurn extends JsonlDatasetProvider {
    @Override
    public String name() {
      return "multi_turn";
    }

    @Override
    public String description() {
      return "AIPerf multi_turn JSONL: {session_id, turns: [...]} per line";
    }

    @Override
    Conversation parseLine(JsonNode line, int index, String where) {
      JsonNode turns = line.get("turns");
      if (turns == null || !turns.isArray() || turns.isEmpty()) {
        throw new IllegalArgumentException(where + ": a multi_turn line needs a non-empty"
            + " 'turns' array, e.g. {\"session_id\": \"s1\", \"turns\": [{\"text\": \"hi\"}]}");
      }
      List<Turn> parsed = new ArrayList<>();
      for (int i = 0; i < turns.size(); i++) {
        parsed.add(turn(turns.get(i), where + ", turn " + (i + 1)));
      }
      String id = line.path("session_id").asText("session_" + index);
      return new Conversation(id, parsed);
    }
  }

  /** One parsed line of a file, with where it came from for error messages. */
  record Line(JsonNode json, String where) {}

  /** Turns one line into a conversation; formats that group lines override {@link #convert}. */
  Conversation parseLine(JsonNode line, int index, String where) {
    throw new UnsupportedOperationException(name() + " converts whole files");
  }

  /** Turns the file's lines into conversations; by default one conversation per line. */
  List<Conversation> convert(List<Line> lines, FileDataset file, Tokenizer tokenizer, long seed,
      int requestCount) {
    List<Conversation> conversations = new ArrayList<>(lines.size());
    for (Line line : lines) {
      conversations.add(parseLine(line.json(), conversations.size(), line.where()));
    }
    return conversations;
  }

  @Override
  public List<Conversation> load(DatasetConfig config, Tokenizer tokenizer, long seed,
      int requestCount) {
    if (!(config instanceof FileDataset file)) {
      throw new IllegalArgumentException("dataset was '" + config.type()
          + "' but this provider reads files: use Datasets.file(\"" + name() + "\", path)");
    }
    List<Conversation> conversations =
        convert(readLines(file.path()), file, tokenizer, seed, requestCount);
    if (conversations.isEmpty()) {
      throw new IllegalArgumentException(file.path() + " has no entries");
    }
    return conversations;
  }

  /**
   * Reads every non-blank line of a JSONL file as a JSON object.
   *
   * @throws IllegalArgumentException naming the file and line of the first bad one
   */
  static List<Line> readLines(java.nio.file.Path path) {
    List<Line> lines = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String text;
      int lineNumber = 0;
      while ((text = reader.readLine()) != null) {
        lineNumber++;
        if (text.isBlank()) {
          continue;
        }
        String where = path + " line " + lineNumber;
        JsonNode line;
        try {
          line = Json.MAPPER.readTree(text);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
          throw new IllegalArgumentException(where + " is not valid JSON: "
              + e.getOriginalMessage());
        }
        if (line == null || !line.isObject()) {
          throw new IllegalArgumentException(where + " must be a JSON object");
        }
        lines.add(new Line(line, where));
      }
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IllegalArgumentException(path + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
    }
    return lines;
  }

  static Turn turn(JsonNode node, String where) {
    if (!node.isObject()) {
      throw new IllegalArgumentException(where + ": a turn must be a JSON object");
    }
    List<String> texts = new ArrayList<>();
    if (node.hasNonNull("text")) {
      texts.add(node.get("text").asText());
    }
    JsonNode many = node.get("texts");
    if (many != null && many.isArray()) {
      for (JsonNode t : many) {
        if (t.isTextual()) {
          texts.add(t.asText());
        } else if (t.has("contents")) {
          t.get("contents").forEach(c -> texts.add(c.asText()));
        }
      }
    }
    if (texts.isEmpty()) {
      throw new IllegalArgumentException(where + ": needs 'text' or 'texts', e.g."
          + " {\"text\": \"What is ML?\"}");
    }
    long timestamp = -1;
    if (node.has("timestamp")) {
      if (!node.get("timestamp").isNumber() || node.get("timestamp").asDouble() < 0) {
        throw new IllegalArgumentException(where + ": 'timestamp' must be milliseconds >= 0");
      }
      timestamp = Math.round(node.get("timestamp").asDouble());
    }
    long delay = 0;
    if (node.has("delay")) {
      if (!node.get("delay").isNumber() || node.get("delay").asDouble() < 0) {
        throw new IllegalArgumentException(where + ": 'delay' must be milliseconds >= 0");
      }
      delay = Math.round(node.get("delay").asDouble());
    }
    int maxTokens = node.path("max_tokens").asInt(node.path("output_length").asInt(0));
    if (maxTokens < 0) {
      throw new IllegalArgumentException(where + ": 'max_tokens' must be >= 0");
    }
    List<Media> media = new ArrayList<>();
    for (String field : new String[] {"image", "images", "audio", "audios"}) {
      JsonNode m = node.get(field);
      if (m == null || m.isNull()) {
        continue;
      }
      if (!m.isArray() && !m.isTextual()) {
        throw new IllegalArgumentException(where + ": '" + field
            + "' must be a path, a URL or a list of them");
      }
      for (JsonNode item : m.isArray() ? m : List.of(m)) {
        if (!item.isTextual()) {
          throw new IllegalArgumentException(where + ": '" + field
              + "' must hold paths or URLs (strings)");
        }
        media.add(field.startsWith("image") ? MediaFiles.image(item.asText(), where)
            : MediaFiles.audio(item.asText(), where));
      }
    }
    String model = null;
    if (node.has("model")) {
      if (!node.get("model").isTextual()) {
        throw new IllegalArgumentException(where + ": 'model' must be a string");
      }
      model = node.get("model").asText();
    }
    Turn turn = new Turn(texts, maxTokens, delay, timestamp, media, model, null);
    if (node.hasNonNull("role")) {
      if (!node.get("role").isTextual() || node.get("role").asText().isBlank()) {
        throw new IllegalArgumentException(where + ": 'role' must be a string, e.g. \"user\"");
      }
      turn = turn.withRole(node.get("role").asText());
    }
    return turn.withExtraBody(extra(node, where));
  }

  /**
   * AIPerf's per-turn {@code extra}: fields merged into the request body last, over the
   * endpoint's own and {@code --extra-inputs}.
   */
  static @org.jspecify.annotations.Nullable String extra(JsonNode node, String where) {
    JsonNode extra = node.get("extra");
    if (extra == null || extra.isNull()) {
      return null;
    }
    if (!extra.isObject()) {
      throw new IllegalArgumentException(where + ": 'extra' must be an object of request fields,"
          + " e.g. {\"temperature\": 0.2}");
    }
    return extra.toString();
  }
}
