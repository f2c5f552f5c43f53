package io.aiperf.engine.internal.dataset;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * AIPerf's public {@code sharegpt} dataset from a local copy of the file AIPerf downloads
 * ({@code ShareGPT_V3_unfiltered_cleaned_split.json}, a JSON array of
 * {@code {"id", "conversations": [{"from": "human"|"gpt", "value"}]}}); nothing is downloaded. The
 * first human prompt and the gpt reply after it make one request asking for as many tokens as the
 * reply had. Pairs are filtered as AIPerf and vLLM's benchmark do: prompt and reply at least 4
 * tokens, prompt at most 1024, both together at most 2048. The file is streamed, so its 600 MB
 * never sit in memory as a tree.
 */
public final class ShareGptDatasetProvider implements DatasetProvider {
  static final int MIN_TOKENS = 4;
  static final int MAX_PROMPT = 1024;
  static final int MAX_TOTAL = 2048;

  @Override
  public String name() {
    return "sharegpt";
  }

  @Override
  public String description() {
    return "ShareGPT from a local JSON file: first human/gpt exchange of each conversation";
  }

  @Override
  public List<Conversation> load(DatasetConfig config, Tokenizer tokenizer, long seed,
      int requestCount) {
    if (!(config instanceof FileDataset file)) {
      throw new IllegalArgumentException("dataset was '" + config.type()
          + "' but this provider reads a local file: use Datasets.shareGpt(path)");
    }
    int limit = file.entries().orElse(Integer.MAX_VALUE);
    List<Conversation> conversations = new ArrayList<>();
    int index = 0;
    try (JsonParser p = Json.MAPPER.createParser(file.path().toFile())) {
      if (p.nextToken() != JsonToken.START_ARRAY) {
        throw new IllegalArgumentException(file.path() + " must be a JSON array of ShareGPT"
            + " conversations ({\"id\", \"conversations\": [{\"from\", \"value\"}]})");
      }
      while (p.nextToken() == JsonToken.START_OBJECT && conversations.size() < limit) {
        JsonNode entry = Json.MAPPER.readTree(p);
        index++;
        Turn turn = firstExchange(entry, tokenizer);
        if (turn != null) {
          conversations.add(new Conversation(entry.path("id").asText("sharegpt_" + index),
              List.of(turn)));
        }
      }
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(file.path() + " entry " + (index + 1)
          + " is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + file.path() + ": " + e.getMessage(), e);
    }
    if (conversations.isEmpty()) {
      throw new IllegalArgumentException(file.path() + " has no usable ShareGPT conversation"
          + " (a human prompt of 4 to 1024 tokens followed by a gpt reply of at least 4)");
    }
    return conversations;
  }

  private static @Nullable Turn firstExchange(JsonNode entry, Tokenizer tokenizer) {
    JsonNode turns = entry.path("conversations");
    if (!turns.isArray() || turns.size() < 2) {
      return null;
    }
    JsonNode human = turns.get(0);
    JsonNode gpt = turns.get(1);
    if (!"human".equals(human.path("from").asText()) || !"gpt".equals(gpt.path("from").asText())
        || !human.path("value").isTextual() || !gpt.path("value").isTextual()) {
      return null;
    }
    String prompt = human.get("value").asText();
    int promptTokens = tokenizer.count(prompt);
    int replyTokens = tokenizer.count(gpt.get("value").asText());
    if (promptTokens < MIN_TOKENS || replyTokens < MIN_TOKENS || promptTokens > MAX_PROMPT
        || promptTokens + replyTokens > MAX_TOTAL) {
      return null;
    }
    return new Turn(List.of(prompt), replyTokens);
  }
}
