package io.aiperf.engine.internal.dataset;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.aiperf.api.DatasetConfig;
import io.aiperf.api.FileDataset;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.DatasetProvider;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.Turn;
import io.aiperf.engine.internal.endpoint.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * AIPerf's verbatim replay datasets: every turn carries its whole request body, sent as it is
 * whatever the endpoint type ({@link Turn#rawPayload()}). Each later turn of a session is sent
 * after the previous one's answer, with the history its author wrote into it (no replies added).
 */
public final class PayloadDatasetProviders {
  private PayloadDatasetProviders() {}

  /**
   * {@code raw_payload}: a JSONL file, one request body per line and one request per line; or a
   * directory of them, each file (by name) one session whose lines are its turns. Every body
   * needs a {@code messages} list, as AIPerf checks.
   */
  public static final class RawPayload extends JsonlDatasetProvider {
    @Override
    public String name() {
      return "raw_payload";
    }

    @Override
    public String description() {
      return "AIPerf raw_payload JSONL: whole request bodies sent as they are; a directory of"
          + " files is one session per file";
    }

    @Override
    public List<Conversation> load(DatasetConfig config, Tokenizer tokenizer, long seed,
        int requestCount) {
      if (!(config instanceof FileDataset file)) {
        throw new IllegalArgumentException("dataset was '" + config.type()
            + "' but this provider reads files: use Datasets.file(\"raw_payload\", path)");
      }
      Path path = file.path();
      List<Conversation> conversations = new ArrayList<>();
      if (Files.isDirectory(path)) {
        List<Path> files;
        try (Stream<Path> list = Files.list(path)) {
          files = list.filter(f -> f.getFileName().toString().endsWith(".jsonl")).sorted()
              .toList();
        } catch (IOException e) {
          throw new UncheckedIOException("Cannot list " + path + ": " + e.getMessage(), e);
        }
        for (Path f : files) {
          List<Turn> turns = new ArrayList<>();
          for (Line line : readLines(f)) {
            turns.add(payloadTurn(line.json(), line.where(), true));
          }
          if (!turns.isEmpty()) {
            conversations.add(new Conversation("session_" + conversations.size(), turns));
          }
        }
      } else {
        for (Line line : readLines(path)) {
          conversations.add(new Conversation("session_" + conversations.size(),
              List.of(payloadTurn(line.json(), line.where(), true))));
        }
      }
      if (conversations.isEmpty()) {
        throw new IllegalArgumentException(path + " has no request bodies"
            + (Files.isDirectory(path) ? " (no non-empty .jsonl file)" : ""));
      }
      return conversations;
    }
  }

  /**
   * {@code inputs_json}: AIPerf's {@code inputs.json}, {@code {"data": [{"session_id",
   * "payloads": [...]}]}}, replayed exactly: each session in order, each payload as written.
   */
  public static final class InputsJson implements DatasetProvider {
    @Override
    public String name() {
      return "inputs_json";
    }

    @Override
    public String description() {
      return "AIPerf inputs.json replayed exactly: each session's payloads sent as they are";
    }

    @Override
    public List<Conversation> load(DatasetConfig config, Tokenizer tokenizer, long seed,
        int requestCount) {
      if (!(config instanceof FileDataset file)) {
        throw new IllegalArgumentException("dataset was '" + config.type()
            + "' but this provider reads files: use Datasets.file(\"inputs_json\", path)");
      }
      Path path = file.path();
      JsonNode root;
      try {
        root = Json.MAPPER.readTree(path.toFile());
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(path + " is not valid JSON: " + e.getOriginalMessage());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
      }
      JsonNode data = root == null ? null : root.get("data");
      if (data == null || !data.isArray()) {
        throw new IllegalArgumentException(path + " must be an inputs.json:"
            + " {\"data\": [{\"session_id\": \"s1\", \"payloads\": [{...}]}]}");
      }
      List<Conversation> conversations = new ArrayList<>();
      Set<String> ids = new HashSet<>();
      for (int i = 0; i < data.size(); i++) {
        JsonNode entry = data.get(i);
        String where = path + ": data[" + i + "]";
        if (!entry.isObject()) {
          throw new IllegalArgumentException(where + " must be an object");
        }
        if (!entry.path("session_id").isTextual()) {
          throw new IllegalArgumentException(where + " needs a 'session_id' string");
        }
        JsonNode payloads = entry.get("payloads");
        if (payloads == null || !payloads.isArray() || payloads.isEmpty()) {
          throw new IllegalArgumentException(where + " needs a non-empty 'payloads' list");
        }
        String id = entry.get("session_id").asText();
        if (!ids.add(id)) {
          throw new IllegalArgumentException(where + " repeats session_id '" + id
              + "'; each session_id must be unique");
        }
        List<Turn> turns = new ArrayList<>();
        for (int t = 0; t < payloads.size(); t++) {
          turns.add(payloadTurn(payloads.get(t), where + ".payloads[" + t + "]", false));
        }
        conversations.add(new Conversation(id, turns));
      }
      if (conversations.isEmpty()) {
        throw new IllegalArgumentException(path + " has no sessions");
      }
      return conversations;
    }
  }

  /**
   * A turn that sends this body as it is; its texts are the body's prompt texts (for counting
   * input tokens) and its length the one the body asks for.
   */
  static Turn payloadTurn(JsonNode payload, String where, boolean needMessages) {
    if (!payload.isObject() || payload.isEmpty()) {
      throw new IllegalArgumentException(where + ": a payload must be a non-empty JSON object");
    }
    if (needMessages && !payload.path("messages").isArray()) {
      throw new IllegalArgumentException(where + ": a raw_payload line needs a 'messages' list,"
          + " e.g. {\"model\": \"m\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    }
    List<String> texts = PayloadText.ofPayload(payload);
    return new Turn(texts.isEmpty() ? List.of("") : texts, PayloadText.maxTokens(payload), 0, -1)
        .withRawPayload(payload.toString());
  }
}
