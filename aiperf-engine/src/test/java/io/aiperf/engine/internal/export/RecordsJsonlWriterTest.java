package io.aiperf.engine.internal.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.engine.internal.metrics.MetricRegistry;
import io.aiperf.engine.internal.metrics.RecordValues;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-request export: AIPerf's layout, metrics in the registry's order on every run. */
final class RecordsJsonlWriterTest {
  private static final MetricRegistry REGISTRY = MetricRegistry.installed();

  private static RecordsJsonlWriter.Line line(RecordValues values, boolean success) {
    return new RecordsJsonlWriter.Line(7, "profiling", 0, "req", "corr", 0, 0, "worker_0",
        "record_processor_0", 10, 20, 30, success ? 35 : 0, 40, success, success ? 0 : 500, success ? null : "Internal Server Error",
        success ? null : "boom", values, null);
  }

  /** Every metric of the registry with a value: the id times one million, in base units. */
  private static RecordValues everyMetric() {
    RecordValues.Builder b = new RecordValues.Builder(REGISTRY.size());
    for (int id = 0; id < REGISTRY.size(); id++) {
      b.begin(id);
      b.add(id * 1e6);
    }
    return b.build();
  }

  @Test
  void metrics_comeInRegistryOrder_withDisplayUnits(@TempDir Path dir) throws Exception {
    try (RecordsJsonlWriter w = new RecordsJsonlWriter(dir, RecordsJsonlWriter.FILE, REGISTRY,
        n -> n, i -> "conv-" + i, false)) {
      w.write(line(everyMetric(), true));
      int isl = REGISTRY.id("error_isl");
      w.write(line(RecordValues.single(isl, 550), false));
    }
    List<String> lines = Files.readAllLines(dir.resolve(RecordsJsonlWriter.FILE));
    assertThat(lines).hasSize(2);
    JsonNode ok = new ObjectMapper().readTree(lines.get(0));
    List<String> order = new ArrayList<>();
    ok.get("metrics").fieldNames().forEachRemaining(order::add);
    assertThat(order).containsExactlyElementsOf(REGISTRY.tags());
    int latency = REGISTRY.id("request_latency");
    assertThat(ok.at("/metrics/request_latency/value").asDouble()).isEqualTo(latency);
    assertThat(ok.at("/metrics/request_latency/unit").asText()).isEqualTo("ms");
    // A list metric stays a list with one element.
    assertThat(ok.at("/metrics/inter_chunk_latency/value").isArray()).isTrue();
    // AIPerf leaves out what has no value: a success has no error, nothing is null.
    assertThat(ok.has("error")).isFalse();
    assertThat(ok.get("metadata").findValues("cancellation_time_ns")).isEmpty();
    assertThat(ok.at("/metadata/session_num").asLong()).isEqualTo(7);
    assertThat(ok.at("/metadata/request_ack_ns").asLong()).isEqualTo(35);
    assertThat(ok.at("/metadata/root_correlation_id").asText()).isEqualTo("corr");
    JsonNode failed = new ObjectMapper().readTree(lines.get(1));
    assertThat(failed.get("metrics").size()).isEqualTo(1);
    assertThat(failed.at("/metrics/error_isl/value").asDouble()).isEqualTo(550);
    assertThat(failed.at("/error/code").asInt()).isEqualTo(500);
    // Counts are integers as in AIPerf's files; an error status has no acknowledgement.
    assertThat(failed.at("/metrics/error_isl/value").isIntegralNumber()).isTrue();
    assertThat(failed.at("/metadata").has("request_ack_ns")).isFalse();
  }

  @Test
  void lines_areBuffered_untilFlushOrClose_thenWrittenAsBefore(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve(RecordsJsonlWriter.FILE);
    int isl = REGISTRY.id("error_isl");
    try (RecordsJsonlWriter w = new RecordsJsonlWriter(dir, RecordsJsonlWriter.FILE, REGISTRY,
        n -> n, i -> "conv-" + i, false)) {
      w.write(line(RecordValues.single(isl, 1), false));
      assertThat(Files.size(file)).as("no write system call per line").isZero();
      w.flush();
      assertThat(Files.readAllLines(file)).hasSize(1);
      w.write(line(RecordValues.single(isl, 2), false));
      w.write(line(RecordValues.single(isl, 3), false));
      assertThat(Files.readAllLines(file)).hasSize(1);
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(3);
    // One object per line from its first byte to its last (no separator before it).
    assertThat(lines.get(0)).startsWith("{\"metadata\":");
    assertThat(lines.get(2)).startsWith("{\"metadata\":").endsWith("}");
    assertThat(new ObjectMapper().readTree(lines.get(2)).at("/metrics/error_isl/value").asInt())
        .isEqualTo(3);
  }
}
