package io.aiperf.engine.internal.service;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.aiperf.api.FileDataset;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Whether a file dataset is a timestamped trace, known before the dataset is loaded: the record
 * processors decide at start-up which metrics exist. Only the JSONL formats that carry timing are
 * read, and only their field names: {@code timestamp} on a line ({@code single_turn},
 * {@code mooncake_trace}, {@code bailian_trace}) or on a session's first turn
 * ({@code multi_turn}), as the dataset manager decides once the dataset is loaded.
 *
 * <p>Only regular files are read, and only their first {@value #LINES} entries: a named pipe or
 * a stalled mount must stall the dataset load, which names itself, not the services' start-up;
 * a file whose first entries carry no timestamp is not a trace.
 */
final class Timestamps {
  private static final JsonFactory JSON = new JsonFactory();
  static final int LINES = 1000;
  /** The last file read, so each service of a run does not read it again. */
  private static volatile @Nullable Known last;

  private record Known(Path path, long size, long modified, boolean timestamped) {}

  private Timestamps() {}

  /**
   * Whether a file dataset's entries carry timestamps.
   *
   * @param dataset the dataset
   * @return false for formats without timing (ShareGPT, random pools, plugins' own) and for files
   *     that cannot be read (loading them reports why)
   */
  static boolean inFile(FileDataset dataset) {
    if (dataset.type().equals("burst_gpt_trace")) {
      return Files.isRegularFile(dataset.path()); // every row of the trace has its timestamp
    }
    boolean sessions = dataset.type().equals("multi_turn");
    if (!sessions && !dataset.type().equals("single_turn")
        && !dataset.type().equals("mooncake_trace") && !dataset.type().equals("bailian_trace")) {
      return false;
    }
    Path path = dataset.path();
    if (!Files.isRegularFile(path)) {
      return false;
    }
    try {
      long size = Files.size(path);
      long modified = Files.getLastModifiedTime(path).toMillis();
      Known known = last;
      if (known != null && known.path().equals(path) && known.size() == size
          && known.modified() == modified) {
        return known.timestamped();
      }
      boolean timestamped = scan(path, sessions);
      last = new Known(path, size, modified, timestamped);
      return timestamped;
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  private static boolean scan(Path path, boolean sessions) throws IOException {
    try (BufferedReader lines = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      int entries = 0;
      for (String line = lines.readLine(); line != null && entries < LINES;
          line = lines.readLine()) {
        if (line.isBlank()) {
          continue;
        }
        entries++;
        if (lineHasTimestamp(line, sessions)) {
          return true;
        }
      }
    }
    return false;
  }

  /** A top-level {@code timestamp}, or one in the first element of {@code turns}. */
  static boolean lineHasTimestamp(String line, boolean sessions) {
    try (JsonParser p = JSON.createParser(line)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return false;
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (!sessions && "timestamp".equals(name) && value.isNumeric()) {
          return true;
        }
        if (sessions && "turns".equals(name) && value == JsonToken.START_ARRAY) {
          return p.nextToken() == JsonToken.START_OBJECT && objectHasTimestamp(p);
        }
        p.skipChildren();
      }
      return false;
    } catch (IOException malformed) {
      return false; // loading the dataset names the line and the problem
    }
  }

  private static boolean objectHasTimestamp(JsonParser p) throws IOException {
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken value = p.nextToken();
      if ("timestamp".equals(name) && value.isNumeric()) {
        return true;
      }
      p.skipChildren();
    }
    return false;
  }
}
