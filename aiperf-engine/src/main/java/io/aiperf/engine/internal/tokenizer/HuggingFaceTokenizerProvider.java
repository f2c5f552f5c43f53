package io.aiperf.engine.internal.tokenizer;

import com.fasterxml.jackson.databind.JsonNode;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.TokenizerProvider;
import io.aiperf.engine.internal.endpoint.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import org.jspecify.annotations.Nullable;
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
  static final String DJL_COORDINATES = "ai.djl.huggingface:tokenizers";
  private static final String DJL_CLASS = "ai.djl.huggingface.tokenizers.HuggingFaceTokenizer";
  private static final boolean DJL_PRESENT = djlPresent();

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
  static @Nullable Path file(String tokenizerName) {
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
    if (!DJL_PRESENT) {
      throw new IllegalArgumentException("tokenizer was '" + tokenizerName + "' but reading a "
          + FILE_NAME + " needs DJL on the class path: add the dependency "
          + DJL_COORDINATES + " (aiperf-engine declares it optional)");
    }
    int vocabulary = vocabularySize(file);
    Tokenizer tokenizer = DjlTokenizer.load(tokenizerName, file, vocabulary);
    log.info("Loaded tokenizer {} ({} ids)", file, vocabulary);
    return tokenizer;
  }

  /**
   * DJL is an optional dependency of the engine: users who never read a {@code tokenizer.json}
   * do not carry its native libraries. Only {@link DjlTokenizer} touches its classes. The
   * provider stays available without DJL so that a {@code tokenizer.json} gets the error that
   * names the missing dependency, not "unknown tokenizer".
   */
  private static boolean djlPresent() {
    try {
      Class.forName(DJL_CLASS, false, HuggingFaceTokenizerProvider.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
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
}
