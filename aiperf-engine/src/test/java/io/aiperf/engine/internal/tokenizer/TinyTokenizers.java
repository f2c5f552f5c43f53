package io.aiperf.engine.internal.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small but valid Hugging Face tokenizer.json files, so tests need no download and no
 * binary fixture: a WordLevel one (whole words) and a BPE one that builds its words from letters
 * through merges.
 */
public final class TinyTokenizers {
  private static final String[] HEADS =
      {"bar", "cor", "del", "fin", "gal", "hul", "jor", "kel", "lun", "mar"};
  private static final String[] TAILS = {"ton", "ville", "ing", "ward", "ley", "wick", "dale",
      "ford", "burg", "more", "stone", "field"};

  private TinyTokenizers() {}

  /** The 120 words both tokenizers know as single tokens. */
  public static List<String> words() {
    List<String> words = new ArrayList<>();
    for (String h : HEADS) {
      for (String t : TAILS) {
        words.add(h + t);
      }
    }
    return words;
  }

  /**
   * A WordLevel tokenizer splitting on whitespace and punctuation.
   *
   * @param dir where to write tokenizer.json
   * @return the file
   */
  public static Path wordLevel(Path dir) {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    vocab.put("[UNK]", 0);
    for (String w : words()) {
      vocab.put(w, vocab.size());
    }
    String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,"
        + "\"added_tokens\":[{\"id\":0,\"content\":\"[UNK]\",\"single_word\":false,"
        + "\"lstrip\":false,\"rstrip\":false,\"normalized\":false,\"special\":true}],"
        + "\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
        + "\"post_processor\":null,\"decoder\":null,"
        + "\"model\":{\"type\":\"WordLevel\",\"vocab\":" + object(vocab)
        + ",\"unk_token\":\"[UNK]\"}}";
    return write(dir, json);
  }

  /**
   * A BPE tokenizer: every lowercase letter is a token and each known word is merged left to
   * right from its letters, so unknown text falls back to letters.
   *
   * @param dir where to write tokenizer.json
   * @return the file
   */
  public static Path bpe(Path dir) {
    Map<String, Integer> vocab = new LinkedHashMap<>();
    vocab.put("[UNK]", 0);
    for (char c = 'a'; c <= 'z'; c++) {
      vocab.put(String.valueOf(c), vocab.size());
    }
    List<String> merges = new ArrayList<>();
    for (String w : words()) {
      for (int i = 2; i <= w.length(); i++) {
        String left = w.substring(0, i - 1);
        String right = w.substring(i - 1, i);
        String merged = w.substring(0, i);
        if (!vocab.containsKey(merged)) {
          vocab.put(merged, vocab.size());
          merges.add(left + " " + right);
        }
      }
    }
    StringBuilder m = new StringBuilder("[");
    for (int i = 0; i < merges.size(); i++) {
      m.append(i == 0 ? "" : ",").append('"').append(merges.get(i)).append('"');
    }
    m.append(']');
    String json = "{\"version\":\"1.0\",\"truncation\":null,\"padding\":null,\"added_tokens\":[],"
        + "\"normalizer\":null,\"pre_tokenizer\":{\"type\":\"Whitespace\"},"
        + "\"post_processor\":null,\"decoder\":null,"
        + "\"model\":{\"type\":\"BPE\",\"dropout\":null,\"unk_token\":\"[UNK]\","
        + "\"continuing_subword_prefix\":null,\"end_of_word_suffix\":null,\"fuse_unk\":false,"
        + "\"vocab\":" + object(vocab) + ",\"merges\":" + m + "}}";
    return write(dir, json);
  }

  private static String object(Map<String, Integer> vocab) {
    StringBuilder sb = new StringBuilder("{");
    vocab.forEach((k, v) -> sb.append(sb.length() > 1 ? "," : "").append('"').append(k)
        .append("\":").append(v));
    return sb.append('}').toString();
  }

  private static Path write(Path dir, String json) {
    try {
      Files.createDirectories(dir);
      return Files.writeString(dir.resolve("tokenizer.json"), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
