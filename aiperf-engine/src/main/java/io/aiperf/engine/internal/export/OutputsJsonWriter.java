package io.aiperf.engine.internal.export;

import io.aiperf.api.spi.MetricInfo;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.metrics.RecordValues;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Writes AIPerf's {@code outputs.json} ({@code --export-outputs-json}): for each profiling
 * request its ids, wall-clock start and end, six metrics in display units and the text the server
 * generated, sorted by request number and turn as AIPerf sorts them, with a 2-space indent.
 *
 * <p>Requests end in any order and their texts can add up to more than a heap should hold, so each
 * entry is rendered when its record arrives into a side file, and only its position is kept; the
 * sorted file is assembled from there at close and the side file removed. Single-threaded: the
 * records manager owns it.
 */
public final class OutputsJsonWriter implements AutoCloseable {
  /** AIPerf's file name. */
  public static final String FILE = "outputs.json";
  /** The metrics AIPerf puts in each entry, in its order. */
  private static final List<String> TAGS = List.of("input_sequence_length",
      "output_token_count", "output_sequence_length", "request_latency", "time_to_first_token",
      "inter_token_latency");
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(OutputsJsonWriter.class);

  private final Path file;
  private final Path parts;
  private final MetricRegistry registry;
  private final int[] ids;
  private @Nullable FileChannel channel;
  private long position;
  private long[] sessions = new long[1024];
  private int[] turns = new int[1024];
  private long[] offsets = new long[1024];
  private int[] lengths = new int[1024];
  private int count;

  /**
   * Opens the side file.
   *
   * @param dir the artifact directory
   * @param registry the run's metrics, for tags, units and display scales
   * @throws IOException if the side file cannot be created; the message names it
   */
  public OutputsJsonWriter(Path dir, MetricRegistry registry) throws IOException {
    Files.createDirectories(dir);
    this.file = dir.resolve(FILE);
    this.parts = dir.resolve("." + FILE + ".parts");
    this.registry = registry;
    this.ids = TAGS.stream().mapToInt(registry::id).toArray();
    this.channel = FileChannel.open(parts, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE, StandardOpenOption.READ);
  }

  /**
   * One profiling request's entry.
   *
   * @param sessionNum its index within the phase
   * @param conversationId its dataset conversation's id
   * @param turn its turn
   * @param requestId its X-Request-ID
   * @param startWallNanos when it was sent, wall clock
   * @param endWallNanos when it ended, wall clock
   * @param values its metric values ({@link RecordValues#NONE} for a failure)
   * @param text the generated text; null for a failure
   */
  public void add(long sessionNum, String conversationId, int turn, String requestId,
      long startWallNanos, long endWallNanos, RecordValues values, @Nullable String text) {
    FileChannel out = channel;
    if (out == null) {
      return;
    }
    Map<String, Object> entry = new LinkedHashMap<>();
    entry.put("session_num", sessionNum);
    entry.put("conversation_id", conversationId);
    entry.put("turn_index", turn);
    entry.put("x_request_id", requestId);
    entry.put("request_start_ns", startWallNanos);
    entry.put("request_end_ns", endWallNanos);
    Map<String, Object> metrics = new LinkedHashMap<>();
    for (int k = 0; k < ids.length; k++) {
      int id = ids[k];
      if (id < 0 || id >= values.span() || values.offsets()[id] == values.offsets()[id + 1]) {
        continue;
      }
      MetricInfo info = registry.info(id);
      double raw = values.values()[values.offsets()[id]];
      // Whole nanoseconds as the double nearest their exact milliseconds, which prints as that
      // decimal, as profile_export.jsonl writes it.
      double v = info.displayScale() == 1e-6 && MillisDecimal.fits(raw) ? raw / 1e6
          : raw * info.displayScale();
      metrics.put(TAGS.get(k), info.unit().equals("tokens") && v == Math.rint(v)
          ? (Object) (long) v : (Object) v);
    }
    entry.put("metrics", metrics);
    entry.put("response_text", text);
    byte[] bytes = JsonWriter.write(entry).replace("\n", "\n    ")
        .getBytes(StandardCharsets.UTF_8);
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        out.write(buffer);
      }
    } catch (IOException e) {
      fail(e);
      return;
    }
    if (count == sessions.length) {
      int n = count * 2;
      sessions = Arrays.copyOf(sessions, n);
      turns = Arrays.copyOf(turns, n);
      offsets = Arrays.copyOf(offsets, n);
      lengths = Arrays.copyOf(lengths, n);
    }
    sessions[count] = sessionNum;
    turns[count] = turn;
    offsets[count] = position;
    lengths[count] = bytes.length;
    position += bytes.length;
    count++;
  }

  /** Assembles {@code outputs.json} in request order and removes the side file. */
  @Override
  public void close() {
    FileChannel in = channel;
    if (in == null) {
      return;
    }
    channel = null;
    Integer[] order = new Integer[count];
    for (int i = 0; i < count; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> sessions[a] != sessions[b]
        ? Long.compare(sessions[a], sessions[b]) : Integer.compare(turns[a], turns[b]));
    try (in; OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file),
        1 << 16)) {
      out.write("{\n  \"schema_version\": \"1.0\",\n  \"data\": ".getBytes(StandardCharsets.UTF_8));
      out.write((count == 0 ? "[]" : "[\n    ").getBytes(StandardCharsets.UTF_8));
      for (int k = 0; k < count; k++) {
        int i = order[k];
        if (k > 0) {
          out.write(",\n    ".getBytes(StandardCharsets.UTF_8));
        }
        ByteBuffer entry = ByteBuffer.allocate(lengths[i]);
        while (entry.hasRemaining()) {
          if (in.read(entry, offsets[i] + entry.position()) < 0) {
            throw new IOException("the side file " + parts + " ended early");
          }
        }
        out.write(entry.array());
      }
      out.write((count == 0 ? "\n}" : "\n  ]\n}").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      log.error("Could not write {}: {}", file, e.toString());
    }
    try {
      Files.deleteIfExists(parts);
    } catch (IOException e) {
      log.warn("Could not remove {}: {}", parts, e.toString());
    }
  }

  private void fail(IOException e) {
    log.error("Could not write {} (outputs.json will be missing): {}", parts, e.toString());
    FileChannel c = channel;
    channel = null;
    try {
      if (c != null) {
        c.close();
      }
      Files.deleteIfExists(parts);
    } catch (IOException ignored) {
      // Already reported.
    }
  }
}
