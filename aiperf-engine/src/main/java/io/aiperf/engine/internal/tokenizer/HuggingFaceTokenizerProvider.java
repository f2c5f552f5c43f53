package io.aiperf.engine.internal.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.TokenizerProvider;
import io.aiperf.engine.internal.endpoint.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Hugging Face {@code tokenizer.json}, named by its path or by a directory holding one, run by
 * DJL's binding of the Rust {@code tokenizers} library. Only local files are read: a model id such
 * as {@code Qwen/Qwen3-0.6B} is never downloaded.
 *
 * <p>DJL ships its native library inside its jar and copies it to a cache directory on first use
 * ({@code ~/.djl.ai}, or {@code ENGINE_CACHE_DIR}); {@code ai.djl.offline} is set so that nothing
 * in DJL reaches for the network.
 */
public final class HuggingFaceTokenizerProvider implements TokenizerProvider {
  private static final Logger log = LoggerFactory.getLogger(HuggingFaceTokenizerProvider.class);
  static final String FILE_NAME = "tokenizer.json";

  @Override
  public String name() {
    return "huggingface";
  }

  @Override
  public String description() {
    return "a local Hugging Face tokenizer.json (file or directory), via DJL; never downloads";
  }

  @Override
  public boolean supports(String tokenizerName) {
    Path file = file(tokenizerName);
    return file != null && Files.isRegularFile(file);
  }

  /**
   * The tokenizer.json a name points at: the file itself, or the one inside a directory.
   *
   * @param tokenizerName a path
   * @return the file (which may not exist), or null when the name cannot be a path
   */
  static Path file(String tokenizerName) {
    try {
      Path p = Path.of(tokenizerName);
      return Files.isDirectory(p) ? p.resolve(FILE_NAME) : p;
    } catch (InvalidPathException e) {
      return null;
    }
  }

  @Override
  public Tokenizer load(String tokenizerName) {
    Path file = file(tokenizerName);
    if (file == null || !Files.isRegularFile(file)) {
      throw new IllegalArgumentException("tokenizer was '" + tokenizerName + "' but " + file
          + " does not exist");
    }
    // Never download: DJL's model zoo is not used here, but make sure nothing in it tries.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    int vocabulary = vocabularySize(file);
    try {
      HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
          .optTokenizerPath(file)
          .optAddSpecialTokens(false)
          // DJL truncates to the model's max length (512) unless told not to: counts must be
          // exact for prompts of any length.
          .optTruncation(false)
          .optMaxLength(Integer.MAX_VALUE)
          .build();
      log.info("Loaded tokenizer {} ({} ids)", file, vocabulary);
      return new HfTokenizer(tokenizerName, hf, vocabulary);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read tokenizer " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new IllegalArgumentException("tokenizer was '" + tokenizerName
          + "' but it could not be loaded: " + e.getMessage(), e);
    }
  }

  /** The highest id of the model's vocabulary and the added tokens, plus one. */
  static int vocabularySize(Path file) {
    JsonNode root;
    try {
      root = Json.MAPPER.readTree(file.toFile());
    } catch (IOException e) {
      throw new IllegalArgumentException("tokenizer was '" + file + "' but it is not valid JSON: "
          + e.getMessage(), e);
    }
    JsonNode vocab = root.path("model").path("vocab");
    int max = -1;
    if (vocab.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = vocab.fields(); it.hasNext(); ) {
        max = Math.max(max, it.next().getValue().asInt());
      }
    } else if (vocab.isArray()) {
      max = vocab.size() - 1; // Unigram: a list of [piece, score], ids by position
    } else {
      throw new IllegalArgumentException("tokenizer was '" + file
          + "' but it has no model.vocab: not a Hugging Face tokenizer.json");
    }
    for (JsonNode added : root.path("added_tokens")) {
      max = Math.max(max, added.path("id").asInt());
    }
    return max + 1;
  }

  private record HfTokenizer(String name, HuggingFaceTokenizer hf, int vocabularySize)
      implements Tokenizer {
    @Override
    public int[] encode(String text) {
      long[] ids = hf.encode(text, false, false).getIds();
      int[] out = new int[ids.length];
      for (int i = 0; i < ids.length; i++) {
        out[i] = (int) ids[i];
      }
      return out;
    }

    @Override
    public String decode(int[] tokens) {
      long[] ids = new long[tokens.length];
      for (int i = 0; i < tokens.length; i++) {
        ids[i] = tokens[i];
      }
      return hf.decode(ids, false);
    }

    @Override
    public String toString() {
      return "HfTokenizer{" + name + "}";
    }
  }
}
