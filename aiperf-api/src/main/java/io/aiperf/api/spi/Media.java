package io.aiperf.api.spi;

import java.util.Locale;
import java.util.Objects;

/**
 * An image or an audio clip sent with a turn, as OpenAI's chat content parts carry them: an
 * {@code image_url} part holds a URL (usually a {@code data:} URL with base64 bytes), an
 * {@code input_audio} part holds base64 bytes and their format.
 *
 * <pre>{@code
 * Media png = Media.image("data:image/png;base64,iVBORw0KGgo...", "png");
 * Media wav = Media.audio("UklGRi...", "wav");
 * }</pre>
 *
 * @param kind image or audio
 * @param data for an image its URL; for audio the base64-encoded bytes
 * @param format the encoding, e.g. {@code png}, {@code jpeg}, {@code wav}
 * @since 0.1.0
 */
public record Media(Kind kind, String data, String format) {
  /** What a media item is, which decides the content part it becomes. */
  public enum Kind {
    /** An image: an {@code image_url} content part. */
    IMAGE,
    /** An audio clip: an {@code input_audio} content part. */
    AUDIO
  }

  /**
   * Checks the fields.
   *
   * @param kind image or audio
   * @param data for an image its URL; for audio the base64-encoded bytes
   * @param format the encoding, e.g. {@code png}, {@code jpeg}, {@code wav}
   */
  public Media {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(data, "data");
    format = Objects.requireNonNull(format, "format").toLowerCase(Locale.ROOT);
  }

  /**
   * An image by URL.
   *
   * @param url an {@code http(s):} or {@code data:} URL
   * @param format the image format, e.g. {@code png}
   * @return the media item
   */
  public static Media image(String url, String format) {
    return new Media(Kind.IMAGE, url, format);
  }

  /**
   * An audio clip.
   *
   * @param base64 the encoded file's bytes in base64
   * @param format the file format, e.g. {@code wav}
   * @return the media item
   */
  public static Media audio(String base64, String format) {
    return new Media(Kind.AUDIO, base64, format);
  }

  /** Keeps logs short: media data runs to megabytes. */
  @Override
  public String toString() {
    return "Media{" + kind + ", " + format + ", " + data.length() + " chars}";
  }
}
