package io.aiperf.engine.internal.tokenizer;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import io.aiperf.api.spi.Tokenizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * The only class that links against DJL, so the engine loads without it: the provider reaches
 * this class only after checking that DJL is on the class path.
 */
record DjlTokenizer(String name, HuggingFaceTokenizer hf, int vocabularySize)
    implements Tokenizer {

  static Tokenizer load(String tokenizerName, Path file, int vocabulary) {
    // Never download: DJL's model zoo is not used here, but make sure nothing in it tries.
    if (System.getProperty("ai.djl.offline") == null) {
      System.setProperty("ai.djl.offline", "true");
    }
    try {
      HuggingFaceTokenizer hf = HuggingFaceTokenizer.builder()
          .optTokenizerPath(file)
          .optAddSpecialTokens(false)
          // DJL truncates to the model's max length (512) unless told not to: counts must be
          // exact for prompts of any length.
          .optTruncation(false)
          .optMaxLength(Integer.MAX_VALUE)
          .build();
      return new DjlTokenizer(tokenizerName, hf, vocabulary);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read tokenizer " + file + ": " + e.getMessage(), e);
    } catch (RuntimeException | UnsatisfiedLinkError e) {
      throw new IllegalArgumentException("tokenizer was '" + tokenizerName
          + "' but it could not be loaded: " + e.getMessage(), e);
    }
  }

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
