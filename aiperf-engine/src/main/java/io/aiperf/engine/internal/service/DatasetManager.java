package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.DatasetProvider;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.Turn;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.service.Messages.DatasetReady;
import io.aiperf.engine.internal.service.Messages.PreparedConversation;
import io.aiperf.engine.internal.service.Messages.PreparedTurn;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes the dataset and formats every request body before the run, so nothing is built or
 * tokenized on the send path.
 */
final class DatasetManager extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(DatasetManager.class);
  private final long seed;
  private @Nullable Thread loader;
  private final java.util.concurrent.CompletableFuture<Void> workersReady =
      new java.util.concurrent.CompletableFuture<>();

  private final NanoClock clock;

  DatasetManager(String id, MessageBus bus, BenchmarkConfig config) {
    this(id, bus, config, NanoClock.SYSTEM);
  }

  DatasetManager(String id, MessageBus bus, BenchmarkConfig config, NanoClock clock) {
    super(id, bus, config);
    this.seed = EngineSupport.seed(config);
    this.clock = clock;
  }

  @Override
  void onInitialize() {
    track(bus.subscribe(Messages.WorkersReady.class, w -> workersReady.complete(null)));
  }

  @Override
  void onStart() {
    Thread loader = new Thread(this::load, id + "-loader");
    loader.setDaemon(true);
    this.loader = loader;
    loader.start();
  }

  private void load() {
    try {
      long t0 = clock.nanoTime();
      Tokenizer tokenizer = EngineSupport.tokenizer(config);
      DatasetProvider provider = Plugins.select(DatasetProvider.class, config.dataset().type());
      List<Conversation> conversations =
          provider.load(config.dataset(), tokenizer, seed, expectedRequests());
      if (conversations.isEmpty()) {
        throw new IllegalArgumentException("dataset '" + config.dataset().type()
            + "' produced no conversations");
      }
      conversations = assignModels(conversations);
      if (config.dataset() instanceof io.aiperf.api.FileDataset f && f.ignoresTraceDelays()) {
        conversations = withoutRecordedTiming(conversations, config.fixedSchedule(), false);
      } else if (config.dataset() instanceof io.aiperf.api.FileDataset f
          && f.ignoresTimestamps() && !config.fixedSchedule()) {
        conversations = withoutRecordedTiming(conversations, false, true);
      }
      String systemPrompt = config.dataset().systemPrompt().orElse(null);
      if (systemPrompt != null) {
        conversations = withSystemPrompt(conversations, systemPrompt);
      }
      EndpointProvider.Endpoint endpoint = EngineSupport.endpoint(config);
      boolean streaming = EngineSupport.streaming(config);
      List<PreparedConversation> prepared = new ArrayList<>(conversations.size());
      boolean timestamped = false;
      for (Conversation c : conversations) {
        List<PreparedTurn> turns = new ArrayList<>(c.turns().size());
        for (int i = 0; i < c.turns().size(); i++) {
          Turn t = c.turns().get(i);
          if (i == 0) {
            int isl = tokenizer.count(String.join(" ", t.texts()));
            turns.add(new PreparedTurn(endpoint.formatRequest(t, streaming), isl, t));
            timestamped |= t.hasTimestamp();
          } else {
            turns.add(new PreparedTurn(null, -1, t));
          }
        }
        prepared.add(new PreparedConversation(c.id(), turns, c.selfContained()));
      }
      log.debug("Dataset of {} conversations ready in {} ms", prepared.size(),
          (clock.nanoTime() - t0) / 1_000_000);
      writeInputs(prepared, endpoint, streaming);
      // AIPerf's defaults: files in order (traces replay in timestamp order anyway), synthetic
      // data shuffled by the seed, DAG conversations drawn at random (its loader's preference);
      // random draws with replacement.
      String sampling = config.dataset().samplingStrategy().orElse(
          config.dataset().type().equals("dag_jsonl") ? "random"
              : config.dataset() instanceof io.aiperf.api.FileDataset ? "sequential" : "shuffle");
      boolean ordered = !sampling.equals("shuffle");
      if (sampling.equals("random") && !timestamped) {
        prepared = drawWithReplacement(prepared);
      }
      DatasetReady ready = new DatasetReady(prepared, seed, ordered, timestamped);
      // Workers in other processes subscribe when they join: publish once every one has.
      workersReady.thenRun(() -> bus.publish(ready));
    } catch (RuntimeException e) {
      fail("Could not prepare the dataset: " + e.getMessage(), e);
    }
  }

  /**
   * AIPerf's {@code --ignore-trace-delays}: turns go back to back and the trace's timestamps are
   * dropped, so the load settings pace the run; an explicit fixed schedule keeps the timestamps
   * (it needs them, and AIPerf keeps them there too). AIPerf's {@code --no-fixed-schedule} drops
   * the timestamps only ({@code keepDelays}).
   */
  private static List<Conversation> withoutRecordedTiming(List<Conversation> conversations,
      boolean keepTimestamps, boolean keepDelays) {
    List<Conversation> out = new ArrayList<>(conversations.size());
    for (Conversation c : conversations) {
      List<Turn> turns = new ArrayList<>(c.turns().size());
      for (Turn t : c.turns()) {
        turns.add(t.withTiming(keepDelays ? t.delayMillis() : 0,
            keepTimestamps ? t.timestampMillis() : -1));
      }
      out.add(c.withTurns(turns));
    }
    return out;
  }

  /**
   * AIPerf's {@code --system-prompt}: put before every turn's system prompt, joined into one
   * system message as AIPerf joins them (a blank line between), since many servers mishandle
   * two; the endpoint sends it first, ahead of the conversation's history.
   */
  private static List<Conversation> withSystemPrompt(List<Conversation> conversations,
      String systemPrompt) {
    List<Conversation> out = new ArrayList<>(conversations.size());
    for (Conversation c : conversations) {
      List<Turn> turns = new ArrayList<>(c.turns().size());
      for (Turn t : c.turns()) {
        turns.add(t.withSystemPrompt(t.systemPrompt() == null ? systemPrompt
            : systemPrompt + "\n\n" + t.systemPrompt()));
      }
      out.add(c.withTurns(turns));
    }
    return out;
  }

  /**
   * Several models ({@code -m a,b}): each conversation goes to one, in turn or at random (seeded),
   * as AIPerf's {@code --model-selection-strategy}; every turn of a session keeps its model.
   */
  private List<Conversation> assignModels(List<Conversation> conversations) {
    List<String> models = config.endpoint().models();
    if (models.size() < 2) {
      return conversations;
    }
    boolean random = config.endpoint().modelSelectionStrategy().equals("random");
    java.util.SplittableRandom picker = new java.util.SplittableRandom(seed ^ 0x6A09E667F3BCC909L);
    List<Conversation> out = new ArrayList<>(conversations.size());
    for (int i = 0; i < conversations.size(); i++) {
      Conversation c = conversations.get(i);
      String model = models.get(random ? picker.nextInt(models.size()) : i % models.size());
      List<Turn> turns = new ArrayList<>(c.turns().size());
      for (Turn t : c.turns()) {
        // A model the file names for a turn wins over the strategy.
        turns.add(t.model() != null ? t : t.withModel(model));
      }
      out.add(c.withTurns(turns));
    }
    return out;
  }

  /**
   * AIPerf's {@code random} sampling: entries drawn with replacement (seeded), as many as the run
   * is expected to send, so the timing manager can walk them in order. Entries are shared, not
   * copied.
   */
  private List<PreparedConversation> drawWithReplacement(List<PreparedConversation> prepared) {
    int draws = Math.max(prepared.size(), Math.min(expectedRequests(), 1_000_000));
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed ^ 0x3C6EF372FE94F82BL);
    List<PreparedConversation> drawn = new ArrayList<>(draws);
    for (int i = 0; i < draws; i++) {
      drawn.add(prepared.get(random.nextInt(prepared.size())));
    }
    return drawn;
  }

  /**
   * Writes AIPerf's {@code inputs.json}: every turn's request body, per conversation. Later turns
   * of a session are sent with the real replies in their history; here, as AIPerf writes them,
   * each is the turn's own payload.
   */
  private void writeInputs(List<PreparedConversation> prepared, EndpointProvider.Endpoint endpoint,
      boolean streaming) {
    if (config.artifactDir().isEmpty()) {
      return;
    }
    java.nio.file.Path file = config.artifactDir().get().resolve("inputs.json");
    io.aiperf.api.spi.Secrets secrets =
        io.aiperf.api.spi.Secrets.of(config.endpoint());
    try {
      java.nio.file.Files.createDirectories(file.getParent());
      try (var out = java.nio.file.Files.newBufferedWriter(file,
          java.nio.charset.StandardCharsets.UTF_8)) {
        out.write("{\"data\":[");
        for (int i = 0; i < prepared.size(); i++) {
          PreparedConversation c = prepared.get(i);
          out.write(i == 0 ? "\n" : ",\n");
          out.write("{\"session_id\":");
          out.write(io.aiperf.engine.internal.endpoint.Json.MAPPER.writeValueAsString(c.id()));
          out.write(",\"payloads\":[");
          for (int t = 0; t < c.turns().size(); t++) {
            PreparedTurn turn = c.turns().get(t);
            byte[] body = turn.body() != null && isJson(turn.body()) ? turn.body()
                : endpoint.exportPayload(turn.turn(), streaming);
            if (t > 0) {
              out.write(",");
            }
            // The bodies are already JSON: written as they go on the wire, not re-encoded.
            out.write(secrets.redact(new String(body, java.nio.charset.StandardCharsets.UTF_8)));
          }
          out.write("]}");
        }
        out.write("\n]}\n");
      }
    } catch (java.io.IOException e) {
      log.warn("Could not write {}: {}", file, e.getMessage());
    }
  }

  /** Whether a body is JSON (an object), so inputs.json can hold it as it is. */
  private static boolean isJson(byte[] body) {
    for (byte b : body) {
      if (b == '{') {
        return true;
      }
      if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
        return false;
      }
    }
    return false;
  }

  /** How many requests the run will likely send: a hint for how many distinct prompts to make. */
  private int expectedRequests() {
    if (config.requestCount() > 0) {
      return config.requestCount();
    }
    long estimate = config.requestRate().isPresent() && config.benchmarkDuration().isPresent()
        ? (long) Math.ceil(config.requestRate().getAsDouble()
            * config.benchmarkDuration().get().toNanos() / 1e9)
        : 1_000;
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, estimate));
  }

  @Override
  void onStop() {
    Thread loader = this.loader;
    if (loader != null) {
      loader.interrupt();
    }
  }
}
