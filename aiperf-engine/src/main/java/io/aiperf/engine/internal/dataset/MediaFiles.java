package io.aiperf.engine.internal.dataset;

import io.aiperf.api.spi.Media;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Locale;

/**
 * Media named in dataset files: URLs pass through, local files become base64, as AIPerf's loaders
 * do. Errors name where the reference came from.
 */
final class MediaFiles {
  private MediaFiles() {}

  static Media image(String ref, String where) {
    if (ref.startsWith("http://") || ref.startsWith("https://")) {
      return Media.image(ref, extension(ref, "png"));
    }
    if (ref.startsWith("data:")) {
      int slash = ref.indexOf('/');
      int semi = ref.indexOf(';');
      String format = slash > 0 && semi > slash ? ref.substring(slash + 1, semi) : "png";
      return Media.image(ref, format);
    }
    byte[] bytes = read(ref, "image", where);
    String format = extension(ref, "png").replace("jpg", "jpeg");
    return Media.image("data:image/" + format + ";base64,"
        + Base64.getEncoder().encodeToString(bytes), format);
  }

  static Media audio(String ref, String where) {
    int comma = ref.indexOf(',');
    // AIPerf's own encoded form: "wav,<base64>".
    if (comma > 0 && comma <= 5 && ref.substring(0, comma).matches("[a-z0-9]+")) {
      return Media.audio(ref.substring(comma + 1), ref.substring(0, comma));
    }
    if (ref.startsWith("http://") || ref.startsWith("https://")) {
      throw new IllegalArgumentException(where + ": 'audio' was '" + ref
          + "' but audio must be a local file or 'format,base64' (input_audio carries bytes)");
    }
    byte[] bytes = read(ref, "audio", where);
    return Media.audio(Base64.getEncoder().encodeToString(bytes), extension(ref, "wav"));
  }

  private static byte[] read(String ref, String kind, String where) {
    try {
      Path p = Path.of(ref);
      if (!Files.isRegularFile(p)) {
        throw new IllegalArgumentException(where + ": " + kind + " file '" + ref
            + "' does not exist");
      }
      return Files.readAllBytes(p);
    } catch (InvalidPathException | IOException e) {
      throw new IllegalArgumentException(where + ": " + kind + " file '" + ref
          + "' cannot be read: " + e.getMessage(), e);
    }
  }

  private static String extension(String ref, String otherwise) {
    int dot = ref.lastIndexOf('.');
    String ext = dot < 0 ? "" : ref.substring(dot + 1).toLowerCase(Locale.ROOT);
    return ext.matches("[a-z0-9]{2,5}") ? ext : otherwise;
  }
}
