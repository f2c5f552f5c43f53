package io.aiperf.cli;

import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.TokenizerProvider;
import java.util.List;
import picocli.CommandLine.Option;

/** AIPerf's Tokenizer group. */
final class TokenizerOptions {
  @Option(names = "--tokenizer", defaultValue = "o200k_base",
      description = "Tokenizer for token counts: a tiktoken encoding (default ${DEFAULT-VALUE};"
          + " also cl100k_base, ...) or a local Hugging Face tokenizer.json or its directory.")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String tokenizer;

  /** Reports a tokenizer no provider on the class path can load, before anything starts. */
  void validate(List<String> problems) {
    for (TokenizerProvider p : Plugins.all(TokenizerProvider.class)) {
      if (p.supports(tokenizer)) {
        return;
      }
    }
    problems.add("tokenizer was '" + tokenizer + "' but it is neither a tiktoken encoding"
        + " (o200k_base, cl100k_base, p50k_base, r50k_base) nor an existing tokenizer.json file or"
        + " a directory holding one; tokenizers are never downloaded");
  }

  String name() {
    return tokenizer;
  }
}
