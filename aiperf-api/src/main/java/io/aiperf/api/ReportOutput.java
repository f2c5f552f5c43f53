package io.aiperf.api;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link Reports} wrote.
 *
 * @param files the files written (PNG charts, or the HTML report)
 * @param charts how many charts were drawn
 * @param notes one line per problem with the input, each naming the file (a directory without
 *     exports, an unknown schema version, a run without a successful request, a line that could
 *     not be parsed); empty when everything was read
 * @since 0.1.0
 */
public record ReportOutput(List<Path> files, int charts, List<String> notes) {
  /**
   * Copies the lists.
   *
   * @param files the files written (PNG charts, or the HTML report)
   * @param charts how many charts were drawn
   * @param notes one line per problem with the input, each naming the file (a directory without
   *     exports, an unknown schema version, a run without a successful request, a line that could
   *     not be parsed); empty when everything was read
   */
  public ReportOutput {
    files = List.copyOf(Objects.requireNonNull(files, "files"));
    notes = List.copyOf(Objects.requireNonNull(notes, "notes"));
  }
}
