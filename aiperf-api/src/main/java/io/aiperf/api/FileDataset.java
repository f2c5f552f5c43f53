package io.aiperf.api;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A dataset read from a JSONL file in one of AIPerf's custom formats, so files made for AIPerf work
 * unchanged.
 *
 * <ul>
 *   <li>{@code single_turn}: one request per line, {@code {"text": "..."}} or {@code {"texts":
 *       [...]}}, optional {@code timestamp} (ms, switches on the fixed schedule), {@code delay}
 *       (ms), {@code max_tokens};
 *   <li>{@code multi_turn}: one session per line, {@code {"session_id": "...", "turns": [single
 *       turn, ...]}}; each later turn is sent after the previous reply plus its {@code delay}.
 * </ul>
 *
 * @since 0.1.0
 */
public final class FileDataset implements DatasetConfig {
  private final String type;
  private final Path path;
  private final String tokenizer;

  FileDataset(String type, Path path, String tokenizer) {
    this.type = type;
    this.path = Objects.requireNonNull(path, "path");
    this.tokenizer = tokenizer;
  }

  @Override
  public String type() {
    return type;
  }

  /**
   * Returns the file.
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
    return new FileDataset(type, path, Objects.requireNonNull(tokenizer, "tokenizer"));
  }

  @Override
  public String toString() {
    return "FileDataset{type=" + type + ", path=" + path + ", tokenizer=" + tokenizer + "}";
  }
}
