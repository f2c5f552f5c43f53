package io.aiperf.engine.internal.export;

import com.fasterxml.jackson.core.JsonGenerator;
import io.aiperf.engine.internal.endpoint.Json;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON-lines file written as a run goes: one object per line, a write failure logged once and
 * ending the file (never the run), and an idempotent close, since the run's end and the service's
 * stop both close it.
 */
abstract class JsonlFile implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JsonlFile.class);

  /** Writes one line's object. */
  interface Line {
    void write(JsonGenerator json) throws IOException;
  }

  private final Path file;
  private final BufferedWriter out;
  private final JsonGenerator json;
  private boolean broken;
  private boolean closed;

  JsonlFile(Path dir, String fileName) throws IOException {
    Files.createDirectories(dir);
    this.file = dir.resolve(fileName);
    this.out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
    this.json = Json.MAPPER.getFactory().createGenerator(out);
    this.json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
  }

  /** Appends one line; after a failure, or once closed, does nothing. */
  final void line(Line line) {
    if (broken || closed) {
      return;
    }
    try {
      line.write(json);
      json.flush();
      out.write('\n');
    } catch (IOException e) {
      broken = true;
      log.error("Writing {} failed; this export stops here: {}", file, e.getMessage());
    }
  }

  /** Flushes and closes the file. Idempotent. */
  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      json.close();
      out.close();
    } catch (IOException e) {
      log.error("Closing {} failed: {}", file, e.getMessage());
    }
  }
}
