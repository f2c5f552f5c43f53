package io.aiperf.engine.internal.export;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * AIPerf's {@code .aiperf_results_ready.json}: written last, after every export, so a watcher
 * (AIPerf's Kubernetes operator, a CI script) knows the directory is complete without guessing
 * from file sizes. Written to a temporary name and moved, so it is never seen half written.
 */
public final class ResultsMarker {
  /** The marker's name, as AIPerf 0.13 writes it. */
  public static final String FILE = ".aiperf_results_ready.json";
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(ResultsMarker.class);

  private ResultsMarker() {}

  /**
   * Writes the marker; a failure is logged, the results stay as they are.
   *
   * @param dir the artifact directory
   * @param cancelled whether the run was cancelled (its results then cover part of it)
   */
  public static void write(Path dir, boolean cancelled) {
    String text = "{\"ready\":true,\"was_cancelled\":" + cancelled + ",\"partial\":" + cancelled
        + "}";
    try {
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".aiperf_results_ready", ".tmp");
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      try {
        // As AIPerf: readable by the owner only.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException notPosix) {
        // Windows: the directory's permissions apply.
      }
      Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING,
          StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      log.warn("Could not write {} in {}: {}", FILE, dir, e.toString());
    }
  }
}
