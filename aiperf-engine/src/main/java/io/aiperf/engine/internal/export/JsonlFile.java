package io.aiperf.engine.internal.export;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import io.aiperf.engine.internal.endpoint.Json;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A JSON-lines file written as a run goes: one object per line, a write failure logged once and
 * ending the file (never the run), and an idempotent close, since the run's end and the service's
 * stop both close it.
 *
 * <p>Lines are buffered: the file is written when {@value #BUFFER_BYTES} bytes have gathered, when
 * its owner calls {@link #flush()} (the records manager does every second, so a file being
 * watched lags the run by about that), and at close. A write system call per line cost more than
 * the line itself at thousands of requests per second.
 */
abstract class JsonlFile implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JsonlFile.class);
  /** Bytes gathered before the file is written. */
  static final int BUFFER_BYTES = 1 << 16;

  /** Writes one line's object. */
  interface Line {
    void write(JsonGenerator json) throws IOException;
  }

  private final Path file;
  private final OutputStream out;
  /** Made on the first generator-written line; a file of byte lines never has one. */
  private @Nullable JsonGenerator json;
  private boolean broken;
  private boolean closed;
  /** Lines written since the last flush. */
  private boolean dirty;

  JsonlFile(Path dir, String fileName) throws IOException {
    Files.createDirectories(dir);
    this.file = dir.resolve(fileName);
    this.out = new BufferedOutputStream(Files.newOutputStream(file), BUFFER_BYTES);
  }

  private JsonGenerator generator() throws IOException {
    JsonGenerator g = json;
    if (g == null) {
      g = Json.MAPPER.getFactory().createGenerator(out, JsonEncoding.UTF8);
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      // Schubfach, as Double.toString is from JDK 19: the same text, or where JDK 17's is longer
      // than needed, the shortest that reads back as the same double. A list metric's line holds
      // hundreds of doubles, and JDK 17's conversion was most of the export's cost.
      g.enable(StreamWriteFeature.USE_FAST_DOUBLE_WRITER.mappedFeature());
      json = g;
    }
    return g;
  }

  /** Appends one line; after a failure, or once closed, does nothing. */
  final void line(Line line) {
    if (broken || closed) {
      return;
    }
    try {
      JsonGenerator g = generator();
      line.write(g);
      g.writeRaw('\n');
      dirty = true;
    } catch (IOException e) {
      fail(e);
    }
  }

  /**
   * Appends one line built as bytes, and its line feed; after a failure, or once closed, does
   * nothing. A file takes either these or generator-written lines, never both: the generator
   * buffers on its own.
   */
  final void line(JsonLine line) {
    if (broken || closed) {
      return;
    }
    if (json != null) {
      throw new IllegalStateException(file + " mixes generator-written and byte lines");
    }
    try {
      out.write(line.bytes(), 0, line.length());
      out.write('\n');
      dirty = true;
    } catch (IOException e) {
      fail(e);
    }
  }

  /**
   * Writes the lines gathered so far to the file. Called by the file's owner, on its thread.
   */
  public final void flush() {
    if (broken || closed || !dirty) {
      return;
    }
    try {
      if (json != null) {
        json.flush();
      } else {
        out.flush();
      }
      dirty = false;
    } catch (IOException e) {
      fail(e);
    }
  }

  private void fail(IOException e) {
    broken = true;
    log.error("Writing {} failed; this export stops here: {}", file, e.getMessage());
  }

  /** Flushes and closes the file. Idempotent. */
  @Override
  public final void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (json != null) {
        json.close();
      }
      out.close();
    } catch (IOException e) {
      log.error("Closing {} failed: {}", file, e.getMessage());
    }
  }
}
