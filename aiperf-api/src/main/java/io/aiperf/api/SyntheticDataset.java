package io.aiperf.api;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.jspecify.annotations.Nullable;

/**
 * Synthetic prompts whose input lengths follow Normal(mean, stddev) tokens, counted with a real
 * tokenizer, and whose requested output lengths follow Normal(mean, stddev). The same seed always
 * gives the same prompts. Immutable: each method returns a changed copy.
 *
 * <pre>{@code
 * SyntheticDataset d = Datasets.synthetic().inputTokens(512, 50).outputTokens(128, 10).seed(7);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class SyntheticDataset implements DatasetConfig {
  // Over 500 lines on purpose: users chain one fluent type (Datasets.synthetic().inputTokens(..)
  // .images(..).audio(..)), so every public wither and accessor, each with its Javadoc, has to
  // live here; moving the fields of a group (images, audio) into a holder would save a few lines
  // and add an indirection to every wither. Its checks already live in ConfigChecks.
  /** The default tokenizer, OpenAI's o200k_base encoding, embedded (no download). */
  public static final String DEFAULT_TOKENIZER = "o200k_base";

  static final SyntheticDataset DEFAULT = new SyntheticDataset();

  // Not final so that each change is one line in a copy; an instance is never changed after it
  // is returned, and configurations reach other threads through the benchmark's own hand-offs.
  private double inputMean = 550;
  private double inputStddev;
  private double outputMean = Double.NaN;
  private double outputStddev;
  private @Nullable Long seed;
  private String tokenizer = DEFAULT_TOKENIZER;
  private int entries;
  private double turnsMean = 1;
  private double turnsStddev;
  private double delayMeanMillis;
  private double delayStddevMillis;
  private int batchSize = 1;
  private @Nullable String samplingStrategy;
  private @Nullable SequenceDistribution sequenceDistribution;
  private int prefixPromptCount;
  private int prefixPromptLength;
  private int systemPromptLength;
  private @Nullable String systemPromptText;
  private double imageWidthMean;
  private double imageWidthStddev;
  private double imageHeightMean;
  private double imageHeightStddev;
  private boolean images;
  private String imageFormat = "png";
  private int imageBatchSize = 1;
  private double audioLengthMean;
  private double audioLengthStddev;
  private String audioFormat = "wav";
  private List<Double> audioSampleRatesKhz = List.of(16.0);
  private List<Integer> audioDepths = List.of(16);
  private int audioChannels = 1;
  private int audioBatchSize = 1;

  private SyntheticDataset() {}

  private SyntheticDataset copy() {
    SyntheticDataset c = new SyntheticDataset();
    c.inputMean = inputMean;
    c.inputStddev = inputStddev;
    c.outputMean = outputMean;
    c.outputStddev = outputStddev;
    c.seed = seed;
    c.tokenizer = tokenizer;
    c.entries = entries;
    c.turnsMean = turnsMean;
    c.turnsStddev = turnsStddev;
    c.delayMeanMillis = delayMeanMillis;
    c.delayStddevMillis = delayStddevMillis;
    c.batchSize = batchSize;
    c.samplingStrategy = samplingStrategy;
    c.sequenceDistribution = sequenceDistribution;
    c.prefixPromptCount = prefixPromptCount;
    c.prefixPromptLength = prefixPromptLength;
    c.systemPromptLength = systemPromptLength;
    c.systemPromptText = systemPromptText;
    c.imageWidthMean = imageWidthMean;
    c.imageWidthStddev = imageWidthStddev;
    c.imageHeightMean = imageHeightMean;
    c.imageHeightStddev = imageHeightStddev;
    c.images = images;
    c.imageFormat = imageFormat;
    c.imageBatchSize = imageBatchSize;
    c.audioLengthMean = audioLengthMean;
    c.audioLengthStddev = audioLengthStddev;
    c.audioFormat = audioFormat;
    c.audioSampleRatesKhz = audioSampleRatesKhz;
    c.audioDepths = audioDepths;
    c.audioChannels = audioChannels;
    c.audioBatchSize = audioBatchSize;
    return c;
  }

  @Override
  public String type() {
    return "synthetic";
  }

  /**
   * Returns a copy with this input length distribution (AIPerf's {@code --isl}, {@code --isl-stddev}).
   *
   * @param mean the mean prompt length in tokens
   * @param stddev the standard deviation in tokens, 0 for a fixed length
   * @return the changed copy
   */
  public SyntheticDataset inputTokens(double mean, double stddev) {
    SyntheticDataset c = copy();
    c.inputMean = mean;
    c.inputStddev = stddev;
    return c;
  }


  /**
   * Returns a copy that asks for this output length (AIPerf's {@code --osl}, {@code --osl-stddev}),
   * sent as {@code max_completion_tokens}. Without it no output limit is sent.
   *
   * @param mean the mean output length in tokens
   * @param stddev the standard deviation in tokens, 0 for a fixed length
   * @return the changed copy
   */
  public SyntheticDataset outputTokens(double mean, double stddev) {
    SyntheticDataset c = copy();
    c.outputMean = mean;
    c.outputStddev = stddev;
    return c;
  }


  /**
   * Returns a copy with this random seed; the same seed always produces the same prompts.
   *
   * @param seed the seed
   * @return the changed copy
   */
  public SyntheticDataset seed(long seed) {
    SyntheticDataset c = copy();
    c.seed = seed;
    return c;
  }


  /**
   * Returns a copy that counts tokens with this tokenizer.
   *
   * @param tokenizer a tokenizer name, e.g. {@code o200k_base} or {@code cl100k_base}
   * @return the changed copy
   */
  public SyntheticDataset tokenizer(String tokenizer) {
    SyntheticDataset c = copy();
    c.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    return c;
  }


  /**
   * Returns a copy with this many distinct prompts (AIPerf's {@code --num-dataset-entries});
   * requests cycle through them. By default every request gets its own prompt, up to 10,000.
   *
   * @param entries the number of distinct prompts
   * @return the changed copy
   */
  public SyntheticDataset entries(int entries) {
    SyntheticDataset c = copy();
    c.entries = entries;
    return c;
  }


  /**
   * Returns a copy whose conversations have this many turns (AIPerf's
   * {@code --session-turns-mean}, {@code --session-turns-stddev}); each later turn resends the
   * history with the server's real replies.
   *
   * @param mean the mean turns per session, at least 1
   * @param stddev the standard deviation
   * @return the changed copy
   */
  public SyntheticDataset turns(double mean, double stddev) {
    SyntheticDataset c = copy();
    c.turnsMean = mean;
    c.turnsStddev = stddev;
    return c;
  }


  /**
   * Returns a copy that waits this long between a turn's response and the next turn (AIPerf's
   * {@code --session-turn-delay-mean}, {@code --session-turn-delay-stddev}).
   *
   * @param meanMillis the mean delay in ms, &gt;= 0
   * @param stddevMillis the standard deviation in ms
   * @return the changed copy
   */
  public SyntheticDataset turnDelay(double meanMillis, double stddevMillis) {
    SyntheticDataset c = copy();
    c.delayMeanMillis = meanMillis;
    c.delayStddevMillis = stddevMillis;
    return c;
  }


  /**
   * Returns the mean turns per session.
   *
   * @return turns, 1 by default
   */
  public double turnsMean() {
    return turnsMean;
  }

  /**
   * Returns the turns per session standard deviation.
   *
   * @return turns
   */
  public double turnsStddev() {
    return turnsStddev;
  }

  /**
   * Returns the mean delay between turns.
   *
   * @return milliseconds
   */
  public double turnDelayMeanMillis() {
    return delayMeanMillis;
  }

  /**
   * Returns the delay standard deviation.
   *
   * @return milliseconds
   */
  public double turnDelayStddevMillis() {
    return delayStddevMillis;
  }

  /**
   * Returns the mean input length.
   *
   * @return tokens
   */
  public double inputTokensMean() {
    return inputMean;
  }

  /**
   * Returns the input length standard deviation.
   *
   * @return tokens
   */
  public double inputTokensStddev() {
    return inputStddev;
  }

  /**
   * Returns the mean requested output length.
   *
   * @return tokens, empty when no output limit is sent
   */
  public OptionalDouble outputTokensMean() {
    return Double.isNaN(outputMean) ? OptionalDouble.empty() : OptionalDouble.of(outputMean);
  }

  /**
   * Returns the requested output length standard deviation.
   *
   * @return tokens
   */
  public double outputTokensStddev() {
    return outputStddev;
  }

  /**
   * Returns the seed.
   *
   * @return the seed, empty when a random one is chosen per run (and reported in the result)
   */
  public OptionalLong seed() {
    return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
  }

  /**
   * Returns the tokenizer name.
   *
   * @return the tokenizer
   */
  public String tokenizer() {
    return tokenizer;
  }

  /**
   * Returns the number of distinct prompts.
   *
   * @return the count, empty for the default (one per request, up to 10,000)
   */
  public OptionalInt entries() {
    return entries == 0 ? OptionalInt.empty() : OptionalInt.of(entries);
  }

  /**
   * Returns a copy with this many texts per turn (AIPerf's {@code --batch-size-text}, {@code -b}),
   * for endpoints that take several inputs at once (embeddings, rankings, completions).
   *
   * @param texts texts per turn, at least 1
   * @return the changed copy
   * @since 0.1.0
   */
  public SyntheticDataset batchSize(int texts) {
    SyntheticDataset c = copy();
    c.batchSize = texts;
    return c;
  }

  /**
   * Returns the texts per turn.
   *
   * @return texts, 1 by default
   * @since 0.1.0
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * Returns a copy that sends entries in this order (AIPerf's {@code
   * --dataset-sampling-strategy}): {@code shuffle} (the default: a seeded permutation, then
   * cycled), {@code sequential} or {@code random} (with replacement).
   *
   * @param strategy sequential, shuffle or random
   * @return the changed copy
   * @throws IllegalArgumentException for any other name
   * @since 0.1.0
   */
  public SyntheticDataset samplingStrategy(String strategy) {
    SyntheticDataset c = copy();
    c.samplingStrategy = Datasets.checkSampling(strategy);
    return c;
  }

  @Override
  public Optional<String> samplingStrategy() {
    return Optional.ofNullable(samplingStrategy);
  }

  /**
   * Returns a copy whose requests draw their input and output lengths from this mixture (AIPerf's
   * {@code --seq-dist}) instead of the single ISL and OSL distributions.
   *
   * @param distribution the mixture, e.g. {@code SequenceDistribution.parse("256,128:40;512,256:60")}
   * @return the changed copy
   * @since 0.1.0
   */
  public SyntheticDataset sequenceDistribution(SequenceDistribution distribution) {
    SyntheticDataset c = copy();
    c.sequenceDistribution = Objects.requireNonNull(distribution, "sequenceDistribution");
    return c;
  }

  /**
   * Returns the length mixture.
   *
   * @return the mixture, empty when the ISL and OSL distributions apply
   * @since 0.1.0
   */
  public Optional<SequenceDistribution> sequenceDistribution() {
    return Optional.ofNullable(sequenceDistribution);
  }

  /**
   * Returns a copy that prepends one of {@code count} prefix prompts of {@code length} tokens,
   * picked at random, to each request's first turn (AIPerf's {@code --num-prefix-prompts},
   * {@code --prefix-prompt-length}), so a prefix cache sees shared beginnings.
   *
   * @param count the size of the prefix pool, at least 1
   * @param length the prefix length in tokens, at least 1
   * @return the changed copy
   * @since 0.1.0
   */
  public SyntheticDataset prefixPrompts(int count, int length) {
    SyntheticDataset c = copy();
    c.prefixPromptCount = count;
    c.prefixPromptLength = length;
    return c;
  }

  /**
   * Returns the number of prefix prompts.
   *
   * @return the pool size, 0 for none
   * @since 0.1.0
   */
  public int prefixPromptCount() {
    return prefixPromptCount;
  }

  /**
   * Returns the prefix prompt length.
   *
   * @return tokens, 0 for none
   * @since 0.1.0
   */
  public int prefixPromptLength() {
    return prefixPromptLength;
  }

  /**
   * Returns a copy that sends one system prompt of this many tokens, the same for every session,
   * before each conversation (AIPerf's {@code --shared-system-prompt-length}).
   *
   * @param tokens the system prompt length, at least 1
   * @return the changed copy
   * @since 0.1.0
   */
  public SyntheticDataset sharedSystemPrompt(int tokens) {
    SyntheticDataset c = copy();
    c.systemPromptLength = tokens;
    return c;
  }

  /**
   * Returns a copy that sends this text as the system prompt before every conversation (AIPerf's
   * {@code --system-prompt}); it cannot be combined with {@link #sharedSystemPrompt(int)}.
   *
   * @param text the system prompt
   * @return the changed copy
   * @since 0.1.0
   */
  public SyntheticDataset systemPrompt(String text) {
    SyntheticDataset c = copy();
    c.systemPromptText = Objects.requireNonNull(text, "systemPrompt");
    return c;
  }

  @Override
  public Optional<String> systemPrompt() {
    return Optional.ofNullable(systemPromptText);
  }

  /**
   * Returns the shared system prompt length.
   *
   * @return tokens, 0 for none
   * @since 0.1.0
   */
  public int sharedSystemPromptLength() {
    return systemPromptLength;
  }

  /**
   * Returns a copy that sends synthetic images with each turn (AIPerf's
   * {@code --image-width-mean/-stddev}, {@code --image-height-mean/-stddev}): sizes in pixels from
   * Normal(mean, sd), both means must be &gt; 0.
   *
   * @param widthMean mean width
   * @param widthStddev width standard deviation
   * @param heightMean mean height
   * @param heightStddev height standard deviation
   * @return the changed copy
   * @since 0.1.0
   */
  public SyntheticDataset images(double widthMean, double widthStddev, double heightMean,
      double heightStddev) {
    SyntheticDataset c = copy();
    c.images = true;
    c.imageWidthMean = widthMean;
    c.imageWidthStddev = widthStddev;
    c.imageHeightMean = heightMean;
    c.imageHeightStddev = heightStddev;
    return c;
  }

  /**
   * Returns a copy whose images are encoded in this format and sent this many per turn (AIPerf's
   * {@code --image-format}, {@code --image-batch-size}).
   *
   * @param format png or jpeg
   * @param perTurn images per turn, at least 1
   * @return the changed copy
   * @since 0.1.0
   */
  public SyntheticDataset imageFormat(String format, int perTurn) {
    SyntheticDataset c = copy();
    c.imageFormat = Objects.requireNonNull(format, "imageFormat").toLowerCase(java.util.Locale.ROOT);
    c.imageBatchSize = perTurn;
    return c;
  }

  /**
   * Tells whether turns carry images.
   *
   * @return true when {@link #images} was called
   * @since 0.1.0
   */
  public boolean hasImages() {
    return images;
  }

  /**
   * Returns the image size distribution: width mean, width sd, height mean, height sd.
   *
   * @return four numbers, in pixels
   * @since 0.1.0
   */
  public double[] imageSize() {
    return new double[] {imageWidthMean, imageWidthStddev, imageHeightMean, imageHeightStddev};
  }

  /**
   * Returns the image format.
   *
   * @return png by default
   * @since 0.1.0
   */
  public String imageFormat() {
    return imageFormat;
  }

  /**
   * Returns the images per turn.
   *
   * @return 1 by default
   * @since 0.1.0
   */
  public int imageBatchSize() {
    return imageBatchSize;
  }

  /**
   * Returns a copy that sends synthetic audio (white noise) with each turn (AIPerf's
   * {@code --audio-length-mean/-stddev}); 0 seconds means no audio.
   *
   * @param meanSeconds the mean clip length
   * @param stddevSeconds the standard deviation
   * @return the changed copy
   * @since 0.1.0
   */
  public SyntheticDataset audio(double meanSeconds, double stddevSeconds) {
    SyntheticDataset c = copy();
    c.audioLengthMean = meanSeconds;
    c.audioLengthStddev = stddevSeconds;
    return c;
  }

  /**
   * Returns a copy with these audio encodings (AIPerf's {@code --audio-format},
   * {@code --audio-sample-rates} in kHz, {@code --audio-depths} in bits,
   * {@code --audio-num-channels}, {@code --audio-batch-size}); rates and depths are drawn per clip.
   *
   * @param format wav
   * @param sampleRatesKhz sample rates to draw from, e.g. [16.0, 44.1]
   * @param depths bit depths to draw from: 8, 16, 24 or 32
   * @param channels 1 or 2
   * @param perTurn clips per turn, at least 1
   * @return the changed copy
   * @since 0.1.0
   */
  public SyntheticDataset audioFormat(String format, List<Double> sampleRatesKhz,
      List<Integer> depths, int channels, int perTurn) {
    SyntheticDataset c = copy();
    c.audioFormat = Objects.requireNonNull(format, "audioFormat").toLowerCase(java.util.Locale.ROOT);
    c.audioSampleRatesKhz = List.copyOf(sampleRatesKhz);
    c.audioDepths = List.copyOf(depths);
    c.audioChannels = channels;
    c.audioBatchSize = perTurn;
    return c;
  }

  /**
   * Returns the mean audio clip length.
   *
   * @return seconds, 0 for no audio
   * @since 0.1.0
   */
  public double audioLengthMean() {
    return audioLengthMean;
  }

  /**
   * Returns the audio clip length standard deviation.
   *
   * @return seconds
   * @since 0.1.0
   */
  public double audioLengthStddev() {
    return audioLengthStddev;
  }

  /**
   * Returns the audio file format.
   *
   * @return wav by default
   * @since 0.1.0
   */
  public String audioFormat() {
    return audioFormat;
  }

  /**
   * Returns the sample rates drawn from.
   *
   * @return kHz, [16.0] by default
   * @since 0.1.0
   */
  public List<Double> audioSampleRatesKhz() {
    return audioSampleRatesKhz;
  }

  /**
   * Returns the bit depths drawn from.
   *
   * @return bits, [16] by default
   * @since 0.1.0
   */
  public List<Integer> audioDepths() {
    return audioDepths;
  }

  /**
   * Returns the audio channels.
   *
   * @return 1 by default
   * @since 0.1.0
   */
  public int audioChannels() {
    return audioChannels;
  }

  /**
   * Returns the audio clips per turn.
   *
   * @return 1 by default
   * @since 0.1.0
   */
  public int audioBatchSize() {
    return audioBatchSize;
  }

  @Override
  public String toString() {
    return "SyntheticDataset{isl=" + inputMean + "±" + inputStddev + ", osl="
        + (Double.isNaN(outputMean) ? "none" : outputMean + "±" + outputStddev) + ", seed=" + seed
        + ", tokenizer=" + tokenizer + ", entries=" + (entries == 0 ? "auto" : entries)
        + (batchSize != 1 ? ", batchSize=" + batchSize : "")
        + (sequenceDistribution != null ? ", seqDist=" + sequenceDistribution.pairs().size()
            + " pairs" : "")
        + (prefixPromptCount > 0 ? ", prefixPrompts=" + prefixPromptCount + "x"
            + prefixPromptLength : "")
        + (systemPromptLength > 0 ? ", systemPrompt=" + systemPromptLength : "")
        + (images ? ", images=" + imageWidthMean + "x" + imageHeightMean + " " + imageFormat
            : "")
        + (audioLengthMean > 0 ? ", audio=" + audioLengthMean + "s " + audioFormat : "")
        + (samplingStrategy != null ? ", sampling=" + samplingStrategy : "") + "}";
  }
}
