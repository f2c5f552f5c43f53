package io.aiperf.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Factories for dataset configurations.
 *
 * <pre>{@code
 * Datasets.synthetic().inputTokens(550, 0).outputTokens(128, 0).seed(42)
 * Datasets.mooncakeTrace(Path.of("trace.jsonl"))
 * Datasets.file("random_pool", Path.of("pool/")).entries(200).samplingStrategy("random")
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Datasets {
  /** The file formats {@link #file} accepts, as AIPerf's {@code --custom-dataset-type}. */
  public static final List<String> FILE_TYPES = List.of("single_turn", "multi_turn", "dag_jsonl",
      "random_pool", "mooncake_trace", "bailian_trace", "burst_gpt_trace", "raw_payload",
      "inputs_json");

  /** The sampling strategies, as AIPerf's {@code --dataset-sampling-strategy}. */
  public static final List<String> SAMPLING_STRATEGIES = List.of("sequential", "random",
      "shuffle");

  private Datasets() {}

  /**
   * Synthetic prompts with a chosen input and output length distribution, deterministic for a seed.
   *
   * @return a synthetic dataset with AIPerf's defaults (550 input tokens, no output limit)
   */
  public static SyntheticDataset synthetic() {
    return SyntheticDataset.DEFAULT;
  }

  /**
   * One request per line of a JSONL file (AIPerf's {@code single_turn}); lines with a
   * {@code timestamp} make a trace replayed on a fixed schedule.
   *
   * @param path the file
   * @return the dataset
   */
  public static FileDataset singleTurn(Path path) {
    return new FileDataset("single_turn", path, SyntheticDataset.DEFAULT_TOKENIZER);
  }

  /**
   * One session per line of a JSONL file (AIPerf's {@code multi_turn}).
   *
   * @param path the file
   * @return the dataset
   */
  public static FileDataset multiTurn(Path path) {
    return new FileDataset("multi_turn", path, SyntheticDataset.DEFAULT_TOKENIZER);
  }

  /**
   * A Mooncake trace (AIPerf's {@code mooncake_trace}): timestamps in ms, lengths and
   * {@code hash_ids} that share prompt blocks between requests.
   *
   * @param path the JSONL file
   * @return the dataset
   * @since 0.1.0
   */
  public static FileDataset mooncakeTrace(Path path) {
    return new FileDataset("mooncake_trace", path, SyntheticDataset.DEFAULT_TOKENIZER);
  }

  /**
   * An Alibaba Bailian trace (AIPerf's {@code bailian_trace}): timestamps in seconds, sessions
   * linked by {@code parent_chat_id}, 16-token hash blocks.
   *
   * @param path the JSONL file
   * @return the dataset
   * @since 0.1.0
   */
  public static FileDataset bailianTrace(Path path) {
    return new FileDataset("bailian_trace", path, SyntheticDataset.DEFAULT_TOKENIZER);
  }

  /**
   * Single-turn entries drawn at random, with replacement (AIPerf's {@code random_pool}); a
   * directory makes each of its files a pool, and every request combines one entry of each.
   *
   * @param path a JSONL file or a directory of them
   * @return the dataset
   * @since 0.1.0
   */
  public static FileDataset randomPool(Path path) {
    return new FileDataset("random_pool", path, SyntheticDataset.DEFAULT_TOKENIZER);
  }

  /**
   * ShareGPT conversations from a local copy of the JSON file AIPerf downloads
   * ({@code ShareGPT_V3_unfiltered_cleaned_split.json}); nothing is downloaded. Each conversation's
   * first human prompt is sent, asking for as many tokens as its first reply had.
   *
   * @param path the local JSON file
   * @return the dataset
   * @since 0.1.0
   */
  public static FileDataset shareGpt(Path path) {
    return new FileDataset("sharegpt", path, SyntheticDataset.DEFAULT_TOKENIZER);
  }

  /**
   * A file in one of AIPerf's custom formats, named as {@code --custom-dataset-type}.
   *
   * @param type one of {@link #FILE_TYPES}
   * @param path the file
   * @return the dataset
   * @throws IllegalArgumentException for an unknown type, naming the known ones
   * @since 0.1.0
   */
  public static FileDataset file(String type, Path path) {
    String t = Objects.requireNonNull(type, "type").toLowerCase(Locale.ROOT);
    if (!FILE_TYPES.contains(t)) {
      throw new IllegalArgumentException("custom dataset type was '" + type + "' but it must be "
          + String.join(", ", FILE_TYPES));
    }
    return new FileDataset(t, path, SyntheticDataset.DEFAULT_TOKENIZER);
  }

  static String checkSampling(String strategy) {
    String s = Objects.requireNonNull(strategy, "samplingStrategy").toLowerCase(Locale.ROOT);
    if (!SAMPLING_STRATEGIES.contains(s)) {
      throw new IllegalArgumentException("dataset sampling strategy was '" + strategy
          + "' but it must be sequential, random or shuffle");
    }
    return s;
  }
}
