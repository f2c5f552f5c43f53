package io.aiperf.cli;

import io.aiperf.api.FileDataset;
import io.aiperf.api.SequenceDistribution;
import io.aiperf.api.SyntheticDataset;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Prompt, Prefix Prompt, ISL and OSL groups: the shape of each text prompt and answer. */
final class PromptOptions {
  @Option(names = {"--isl", "--synthetic-input-tokens-mean", "--prompt-input-tokens-mean"},
      defaultValue = "550", paramLabel = "N[,N...]",
      description = "Mean prompt length in tokens (default ${DEFAULT-VALUE}); a comma-separated"
          + " list sweeps.")
  void islMean(String text) {
    islValues = SweepOptions.integers("--isl", text);
    islMean = islValues.get(0).doubleValue();
  }

  double islMean;
  /** Every value given; more than one makes a sweep. */
  java.util.List<Number> islValues = java.util.List.of();

  @Option(names = {"--isl-stddev", "--synthetic-input-tokens-stddev",
      "--prompt-input-tokens-stddev"}, defaultValue = "0",
      description = "Prompt length standard deviation in tokens (default ${DEFAULT-VALUE}).")
  double islStddev;

  @Option(names = {"--isl-block-size", "--synthetic-input-tokens-block-size",
      "--prompt-input-tokens-block-size"},
      description = "Tokens per trace hash_ids block (default 512 for mooncake_trace, 16 for"
          + " bailian_trace).")
  @Nullable Integer islBlockSize;

  @Option(names = {"--seq-dist", "--sequence-distribution"},
      description = "ISL/OSL mixture, e.g. \"256,128:40;1024|100,512:60\" (percentages).")
  @Nullable String seqDist;

  @Option(names = {"--osl", "--output-tokens-mean", "--prompt-output-tokens-mean"},
      paramLabel = "N[,N...]",
      description = "Mean output length asked for (max_completion_tokens); none by default; a"
          + " comma-separated list sweeps.")
  void oslMean(String text) {
    oslValues = SweepOptions.integers("--osl", text);
    oslMean = oslValues.get(0).doubleValue();
  }

  @Nullable Double oslMean;
  /** Every value given; more than one makes a sweep. */
  java.util.List<Number> oslValues = java.util.List.of();

  @Option(names = {"--osl-stddev", "--output-tokens-stddev",
      "--prompt-output-tokens-stddev"}, defaultValue = "0",
      description = "Output length standard deviation in tokens (default ${DEFAULT-VALUE}).")
  double oslStddev;

  @Option(names = {"--num-prefix-prompts", "--prefix-prompt-pool-size",
      "--prompt-prefix-pool-size"},
      description = "Prefix prompts in the pool, one prepended to each first turn.")
  @Nullable Integer numPrefixPrompts;

  @Option(names = {"--prefix-prompt-length", "--prompt-prefix-length"},
      description = "Tokens per prefix prompt.")
  @Nullable Integer prefixPromptLength;

  @Option(names = "--shared-system-prompt-length",
      description = "Tokens of one system prompt sent before every conversation.")
  @Nullable Integer sharedSystemPromptLength;

  @Option(names = {"-b", "--batch-size", "--batch-size-text", "--prompt-batch-size"},
      description = "Texts per request (embeddings, rankings, completions; default 1).")
  @Nullable Integer batchSize;

  /** A trace file's hash block size; the other prompt flags shape synthetic prompts only. */
  FileDataset configure(FileDataset f) {
    return islBlockSize != null ? f.blockSize(islBlockSize) : f;
  }

  SyntheticDataset configure(SyntheticDataset d) {
    d = d.inputTokens(islMean, islStddev);
    if (oslMean != null) {
      d = d.outputTokens(oslMean, oslStddev);
    }
    if (seqDist != null) {
      d = d.sequenceDistribution(SequenceDistribution.parse(seqDist));
    }
    if (numPrefixPrompts != null || prefixPromptLength != null) {
      d = d.prefixPrompts(numPrefixPrompts == null ? 0 : numPrefixPrompts,
          prefixPromptLength == null ? 0 : prefixPromptLength);
    }
    if (sharedSystemPromptLength != null) {
      d = d.sharedSystemPrompt(sharedSystemPromptLength);
    }
    return batchSize != null ? d.batchSize(batchSize) : d;
  }
}
