package io.aiperf.api;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * A dataset read from a file in one of AIPerf's formats, so files made for AIPerf work unchanged.
 * Immutable: each method returns a changed copy.
 *
 * <ul>
 *   <li>{@code single_turn}: one request per line, {@code {"text": "..."}} or {@code {"texts":
 *       [...]}}, optional {@code image(s)}, {@code audio(s)}, {@code timestamp} (ms, switches on
 *       the fixed schedule), {@code delay} (ms), {@code max_tokens};
 *   <li>{@code multi_turn}: one session per line, {@code {"session_id": "...", "turns": [single
 *       turn, ...]}}; each later turn is sent after the previous reply plus its {@code delay};
 *   <li>{@code random_pool}: single-turn entries (a file, or a directory whose files are pools
 *       combined into each request), sampled with replacement; no timing;
 *   <li>{@code mooncake_trace}: {@code timestamp} (ms), {@code input_length}, {@code
 *       output_length}, {@code hash_ids} (each id one block of {@link #blockSize()} tokens, the
 *       same text for the same id, so a prefix cache sees reuse), {@code text_input}, {@code
 *       session_id}, {@code delay};
 *   <li>{@code bailian_trace}: {@code chat_id}, {@code parent_chat_id}, {@code timestamp}
 *       (seconds), {@code input_length}, {@code output_length}, {@code turn}, {@code hash_ids}
 *       (blocks of 16 tokens);
 *   <li>{@code sharegpt}: a local copy of the ShareGPT JSON (never downloaded); the first
 *       human/gpt exchange of each conversation.
 * </ul>
 *
 * <pre>{@code
 * FileDataset trace = Datasets.mooncakeTrace(Path.of("trace.jsonl")).blockSize(512);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class FileDataset implements DatasetConfig {
  private final String type;
  private final Path path;
  private final String tokenizer;
  private final int blockSize;
  private final int entries;
  private final @Nullable String samplingStrategy;
  private final @Nullable String systemPrompt;
  private final boolean ignoreTraceDelays;
  private final boolean ignoreTimestamps;

  FileDataset(String type, Path path, String tokenizer) {
    this(type, path, tokenizer, 0, 0, null, null, false, false);
  }

  private FileDataset(String type, Path path, String tokenizer, int blockSize, int entries,
      @Nullable String samplingStrategy, @Nullable String systemPrompt,
      boolean ignoreTraceDelays, boolean ignoreTimestamps) {
    this.systemPrompt = systemPrompt;
    this.ignoreTraceDelays = ignoreTraceDelays;
    this.ignoreTimestamps = ignoreTimestamps;
    this.type = type;
    this.path = Objects.requireNonNull(path, "path");
    this.tokenizer = tokenizer;
    this.blockSize = blockSize;
    this.entries = entries;
    this.samplingStrategy = samplingStrategy;
  }

  @Override
  public String type() {
    return type;
  }

  /**
   * Returns the file (or, for {@code random_pool}, possibly a directory).
   *
   * @return the path
   */
  public Path path() {
    return path;
  }

  /**
   * Returns the tokenizer that counts input tokens.
   *
   * @return the tokenizer name
   */
  public String tokenizer() {
    return tokenizer;
  }

  /**
   * Returns a copy that counts tokens with this tokenizer.
   *
   * @param tokenizer a tokenizer name
   * @return the changed copy
   */
  public FileDataset tokenizer(String tokenizer) {
    return new FileDataset(type, path, Objects.requireNonNull(tokenizer, "tokenizer"), blockSize,
        entries, samplingStrategy, systemPrompt, ignoreTraceDelays, ignoreTimestamps);
  }

  /**
   * Returns a copy whose trace {@code hash_ids} stand for blocks of this many tokens (AIPerf's
   * {@code --isl-block-size}).
   *
   * @param tokens the block size, at least 1
   * @return the changed copy
   * @throws IllegalArgumentException if tokens is below 1
   * @since 0.1.0
   */
  public FileDataset blockSize(int tokens) {
    if (tokens < 1) {
      throw new IllegalArgumentException("blockSize must be >= 1 but was " + tokens);
    }
    return new FileDataset(type, path, tokenizer, tokens, entries, samplingStrategy,
        systemPrompt, ignoreTraceDelays, ignoreTimestamps);
  }

  /**
   * Returns the hash block size set for trace files.
   *
   * @return tokens, empty for the format's default (512 for mooncake, 16 for bailian)
   * @since 0.1.0
   */
  public OptionalInt blockSize() {
    return blockSize == 0 ? OptionalInt.empty() : OptionalInt.of(blockSize);
  }

  /**
   * Returns a copy that draws this many entries from a {@code random_pool} (AIPerf's
   * {@code --num-dataset-entries}; 100 by default).
   *
   * @param entries the number of entries, at least 1
   * @return the changed copy
   * @throws IllegalArgumentException if entries is below 1
   * @since 0.1.0
   */
  public FileDataset entries(int entries) {
    if (entries < 1) {
      throw new IllegalArgumentException("entries must be >= 1 but was " + entries);
    }
    return new FileDataset(type, path, tokenizer, blockSize, entries, samplingStrategy,
        systemPrompt, ignoreTraceDelays, ignoreTimestamps);
  }

  /**
   * Returns the number of entries drawn from a random pool.
   *
   * @return the count, empty for the default
   * @since 0.1.0
   */
  public OptionalInt entries() {
    return entries == 0 ? OptionalInt.empty() : OptionalInt.of(entries);
  }

  /**
   * Returns a copy that picks entries in this order (AIPerf's {@code
   * --dataset-sampling-strategy}): {@code sequential} (file order, then again), {@code shuffle}
   * (a seeded permutation, then cycled) or {@code random} (with replacement).
   * Timestamped traces are always replayed in timestamp order.
   *
   * @param strategy sequential, shuffle or random
   * @return the changed copy
   * @throws IllegalArgumentException for any other name
   * @since 0.1.0
   */
  public FileDataset samplingStrategy(String strategy) {
    return new FileDataset(type, path, tokenizer, blockSize, entries,
        Datasets.checkSampling(strategy), systemPrompt, ignoreTraceDelays, ignoreTimestamps);
  }

  @Override
  public Optional<String> samplingStrategy() {
    return Optional.ofNullable(samplingStrategy);
  }

  /**
   * Returns a copy that sends this text as the system prompt before every conversation whose
   * turns bring none (AIPerf's {@code --system-prompt}).
   *
   * @param text the system prompt
   * @return the changed copy
   * @since 0.1.0
   */
  public FileDataset systemPrompt(String text) {
    return new FileDataset(type, path, tokenizer, blockSize, entries, samplingStrategy,
        Objects.requireNonNull(text, "systemPrompt"), ignoreTraceDelays, ignoreTimestamps);
  }

  @Override
  public Optional<String> systemPrompt() {
    return Optional.ofNullable(systemPrompt);
  }

  /**
   * Returns a copy whose recorded timing is dropped at load (AIPerf's
   * {@code --ignore-trace-delays}): no delays between a conversation's turns, and no timestamps,
   * so the load settings (concurrency, request rate) pace the requests. An explicit
   * {@link Benchmark.Builder#fixedSchedule(boolean) fixed schedule} keeps the timestamps, as in
   * AIPerf.
   *
   * @return the changed copy
   * @since 0.1.0
   */
  public FileDataset ignoreTraceDelays() {
    return new FileDataset(type, path, tokenizer, blockSize, entries, samplingStrategy,
        systemPrompt, true, ignoreTimestamps);
  }

  /**
   * Tells whether the file's recorded delays and timestamps are dropped.
   *
   * @return true after {@link #ignoreTraceDelays()}
   * @since 0.1.0
   */
  public boolean ignoresTraceDelays() {
    return ignoreTraceDelays;
  }

  /**
   * Keeps the load settings' timing for a file whose entries carry timestamps (AIPerf's
   * {@code --no-fixed-schedule}): the timestamps are dropped, so the file no longer switches the
   * fixed schedule on, and the concurrency or request rate paces the requests; the delays
   * between a conversation's turns stay (unlike {@link #ignoreTraceDelays()}). An explicit
   * {@link Benchmark.Builder#fixedSchedule(boolean) fixed schedule} keeps the timestamps.
   *
   * <pre>{@code
   * Datasets.file("mooncake_trace", Path.of("trace.jsonl")).ignoreTimestamps()
   * }</pre>
   *
   * @return the changed copy
   * @since 0.1.0
   */
  public FileDataset ignoreTimestamps() {
    return new FileDataset(type, path, tokenizer, blockSize, entries, samplingStrategy,
        systemPrompt, ignoreTraceDelays, true);
  }

  /**
   * Tells whether the file's timestamps are dropped (its delays kept).
   *
   * @return true after {@link #ignoreTimestamps()}
   * @since 0.1.0
   */
  public boolean ignoresTimestamps() {
    return ignoreTimestamps;
  }

  @Override
  public String toString() {
    return "FileDataset{type=" + type + ", path=" + path + ", tokenizer=" + tokenizer
        + (blockSize > 0 ? ", blockSize=" + blockSize : "")
        + (entries > 0 ? ", entries=" + entries : "")
        + (samplingStrategy != null ? ", sampling=" + samplingStrategy.toLowerCase(Locale.ROOT)
            : "") + "}";
  }
}
