package io.aiperf.engine.internal.tokenizer;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.IntArrayList;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.TokenizerProvider;

/**
 * OpenAI's tiktoken encodings (o200k_base, cl100k_base, p50k_base, r50k_base, ...) through jtokkit,
 * which ships the vocabularies in its jar: no download, no network.
 */
public final class TiktokenProvider implements TokenizerProvider {
  private static final class Registry {
    static final EncodingRegistry INSTANCE = Encodings.newLazyEncodingRegistry();
  }

  @Override
  public String name() {
    return "tiktoken";
  }

  @Override
  public String description() {
    return "tiktoken encodings embedded via jtokkit (o200k_base, cl100k_base, ...)";
  }

  @Override
  public boolean supports(String tokenizerName) {
    return Registry.INSTANCE.getEncoding(tokenizerName).isPresent();
  }

  @Override
  public Tokenizer load(String tokenizerName) {
    Encoding encoding = Registry.INSTANCE.getEncoding(tokenizerName).orElseThrow(() ->
        new IllegalArgumentException("tokenizer was '" + tokenizerName
            + "' but tiktoken knows o200k_base, cl100k_base, p50k_base, p50k_edit, r50k_base"));
    return new TiktokenTokenizer(encoding);
  }

  private record TiktokenTokenizer(Encoding encoding) implements Tokenizer {
    @Override
    public String name() {
      return encoding.getName();
    }

    @Override
    public int[] encode(String text) {
      return encoding.encodeOrdinary(text).toArray();
    }

    @Override
    public int count(String text) {
      return encoding.countTokensOrdinary(text);
    }

    @Override
    public String decode(int[] tokens) {
      IntArrayList list = new IntArrayList(tokens.length);
      for (int t : tokens) {
        list.add(t);
      }
      return encoding.decode(list);
    }

    @Override
    public int vocabularySize() {
      return encoding.getName().startsWith("o200k") ? 200_019 : 100_277;
    }
  }
}
