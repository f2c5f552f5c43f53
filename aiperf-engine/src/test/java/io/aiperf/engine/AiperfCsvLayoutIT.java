package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.engine.internal.export.ExportSupport;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a script written for AIPerf 0.13 reads from aiperf-java's CSV and timeslice files, on a
 * streaming run with errors and slices, compared with the files AIPerf 0.13 wrote for the same
 * kind of run (src/test/resources/aiperf-0.13): the same header rows, sections, columns, stat
 * rows and JSON layout (not the same numbers).
 */
final class AiperfCsvLayoutIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<String> STATS = List.of("avg", "min", "max", "sum", "p1", "p5",
      "p10", "p25", "p50", "p75", "p90", "p95", "p99", "std");

  private static String resource(String name) throws IOException {
    try (InputStream in = Objects.requireNonNull(
        AiperfCsvLayoutIT.class.getResourceAsStream("/aiperf-0.13/" + name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  /** The two sections of a summary CSV: metric cell to its row, in file order. */
  private static List<Map<String, String[]>> sections(String csv) {
    assertThat(csv.replace("\r\n", "")).as("CRLF lines").doesNotContain("\n");
    List<Map<String, String[]>> sections = new ArrayList<>();
    Map<String, String[]> current = null;
    for (String line : csv.split("\r\n")) {
      if (line.isEmpty()) {
        current = null;
        continue;
      }
      String[] cells = line.split(",", -1);
      if (current == null) {
        current = new LinkedHashMap<>();
        sections.add(current);
        current.put("", cells); // the section's header row
        continue;
      }
      current.put(cells[0], cells);
    }
    return sections;
  }

  private static List<String[]> rows(String csv) {
    return Arrays.stream(csv.split("\r\n")).map(l -> l.split(",", -1)).toList();
  }

  @Test
  void csvAndTimeslices_haveAiperfsColumnsAndLayout(@TempDir Path dir) throws Exception {
    long sliceNanos = 500_000_000L;
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().host("127.0.0.1")
        .port(0).ttft(Duration.ofMillis(20)).itl(Duration.ofMillis(2)).errorRate(20).seed(7)
        .build())) {
      Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("demo").streaming(true))
          .dataset(Datasets.synthetic().inputTokens(100, 0).outputTokens(40, 0).seed(42))
          .concurrency(4).requestCount(80).sliceDuration(Duration.ofNanos(sliceNanos))
          .artifactDir(dir).exporters("json", "csv").run();
    }
    JsonNode summary = JSON.readTree(dir.resolve("profile_export_aiperf.json").toFile());

    // profile_export_aiperf.csv: AIPerf's header rows, cells per row, sections and row order.
    List<Map<String, String[]>> ours = sections(
        Files.readString(dir.resolve("profile_export_aiperf.csv")));
    List<Map<String, String[]>> theirs = sections(
        resource("chat-errors.profile_export_aiperf.csv"));
    assertThat(ours).hasSize(2);
    for (int s = 0; s < 2; s++) {
      assertThat(ours.get(s).get("")).containsExactly(theirs.get(s).get(""));
      int width = theirs.get(s).get("").length;
      assertThat(ours.get(s).values()).allSatisfy(row -> assertThat(row).hasSize(width));
      List<String> shared = ours.get(s).keySet().stream()
          .filter(theirs.get(s)::containsKey).toList();
      List<String> theirOrder = theirs.get(s).keySet().stream().filter(shared::contains).toList();
      assertThat(shared).as("rows in both, in the same (tag) order").isEqualTo(theirOrder);
    }
    assertThat(ours.get(0).keySet()).contains("Request Latency (ms)", "Time to First Token (ms)",
        "Inter Token Latency (ms)", "Output Sequence Length (tokens)",
        "Input Sequence Length (tokens)", "Request Latency (error-adjusted) (ms)",
        "Time to First Token (error-adjusted) (ms)", "OSL Mismatch Diff % (%)",
        "Usage Prompt Diff % (%)", "Usage Completion Diff % (%)", "HTTP Chunks Received");
    assertThat(ours.get(1).keySet()).contains("Request Count", "Error Request Count",
        "Request Throughput (requests/sec)", "Benchmark Duration (sec)");
    for (int s = 0; s < 2; s++) {
      Map<String, String[]> mine = ours.get(s);
      List<String> lacking = theirs.get(s).keySet().stream()
          .filter(m -> !mine.containsKey(m)).toList();
      assertThat(lacking).as("rows AIPerf writes for this run that ours lack").isEmpty();
    }
    for (int s = 0; s < 2; s++) {
      Map<String, String[]> other = theirs.get(1 - s);
      assertThat(ours.get(s).keySet()).as("rows AIPerf has in the other section")
          .noneMatch(m -> !m.isEmpty() && other.containsKey(m));
    }
    // A script reading by position: column 4 is the sum, count × avg.
    String[] latency = ours.get(0).get("Request Latency (ms)");
    long count = summary.at("/request_latency/count").asLong();
    assertThat(count).isPositive();
    assertThat(Double.parseDouble(latency[4]))
        .isCloseTo(count * Double.parseDouble(latency[1]), within(0.005 * count + 0.01));
    assertThat(Double.parseDouble(latency[5])).isLessThanOrEqualTo(
        Double.parseDouble(latency[13])); // p1 <= p99

    // profile_export_aiperf_timeslices.csv
    List<String[]> slices = rows(
        Files.readString(dir.resolve("profile_export_aiperf_timeslices.csv")));
    List<String[]> aiperfSlices = rows(
        resource("chat-errors.profile_export_aiperf_timeslices.excerpt.csv"));
    assertThat(slices.get(0)).containsExactly(aiperfSlices.get(0));
    assertThat(slices).allSatisfy(r -> assertThat(r).hasSize(7));
    Map<String, List<String>> statsOf = new LinkedHashMap<>(); // "slice/metric" to its stats
    Map<Integer, long[]> bounds = new LinkedHashMap<>();
    int previous = 0;
    for (String[] r : slices.subList(1, slices.size())) {
      int index = Integer.parseInt(r[0]);
      assertThat(index).isBetween(previous, previous + 1); // dense
      previous = index;
      long[] b = {Long.parseLong(r[1]), Long.parseLong(r[2])};
      assertThat(bounds.computeIfAbsent(index, i -> b)).containsExactly(b[0], b[1]);
      statsOf.computeIfAbsent(index + "/" + r[3], k -> new ArrayList<>()).add(r[5]);
    }
    Map<String, List<String>> aiperfStats = new LinkedHashMap<>();
    for (String[] r : aiperfSlices.subList(1, aiperfSlices.size())) {
      aiperfStats.computeIfAbsent(r[0] + "/" + r[3], k -> new ArrayList<>()).add(r[5]);
    }
    // Display headers, with AIPerf's stat rows in AIPerf's order; aiperf plot needs these.
    for (String metric : List.of("Request Latency", "Time to First Token",
        "Inter Token Latency", "Request Count", "Request Throughput")) {
      assertThat(statsOf.get("0/" + metric)).as(metric)
          .isEqualTo(aiperfStats.get("0/" + metric));
    }
    assertThat(statsOf.get("0/Request Latency")).isEqualTo(STATS);
    assertThat(statsOf.keySet()).noneMatch(k -> k.contains("_"));

    // Each request in the slice of its start; the slices on AIPerf's grid.
    JsonNode json = JSON.readTree(dir.resolve("profile_export_aiperf_timeslices.json").toFile());
    JsonNode jsonSlices = json.get("timeslices");
    assertThat(jsonSlices).hasSize(bounds.size());
    long[] ok = new long[bounds.size()];
    long[] failed = new long[bounds.size()];
    long[] osl = new long[bounds.size()];
    long[] isl = new long[bounds.size()];
    long[] firstOk = new long[bounds.size()];
    long[] lastOk = new long[bounds.size()];
    java.util.Arrays.fill(firstOk, Long.MAX_VALUE);
    java.util.Arrays.fill(lastOk, Long.MIN_VALUE);
    long minStart = Long.MAX_VALUE;
    long maxStart = Long.MIN_VALUE;
    long maxEnd = Long.MIN_VALUE;
    for (String line : Files.readAllLines(dir.resolve("profile_export.jsonl"))) {
      JsonNode record = JSON.readTree(line);
      long start = record.at("/metadata/request_start_ns").asLong();
      long end = record.at("/metadata/request_end_ns").asLong();
      minStart = Math.min(minStart, start);
      maxStart = Math.max(maxStart, start);
      maxEnd = Math.max(maxEnd, end);
      int in = -1;
      for (var e : bounds.entrySet()) { // as AIPerf compares them: in float64
        if ((double) e.getValue()[0] <= (double) start && (double) start < e.getValue()[1]) {
          assertThat(in).as("one slice per request").isEqualTo(-1);
          in = e.getKey();
        }
      }
      assertThat(in).as("the slice of the request starting at %d", start).isNotNegative();
      boolean error = record.has("error") && !record.get("error").isNull();
      (error ? failed : ok)[in]++;
      if (!error) {
        osl[in] += record.at("/metrics/output_sequence_length/value").asLong();
        isl[in] += record.at("/metrics/input_sequence_length/value").asLong();
        firstOk[in] = Math.min(firstOk[in], start);
        lastOk[in] = Math.max(lastOk[in], end);
      }
    }
    assertThat(bounds.get(0)[0]).isEqualTo((long) (double) minStart);
    for (int i = 0; i < bounds.size(); i++) {
      JsonNode slice = jsonSlices.get(i);
      assertThat(slice.get("start_ns").asLong()).isEqualTo(bounds.get(i)[0]);
      assertThat(slice.get("end_ns").asLong()).isEqualTo(bounds.get(i)[1]);
      assertThat(slice.at("/request_count/avg").asLong()).isEqualTo(ok[i]);
      assertThat(slice.at("/error_request_count/avg").asLong()).isEqualTo(failed[i]);
      long length = bounds.get(i)[1] - bounds.get(i)[0];
      // The run's derived metrics over the slice's own requests, as AIPerf derives them:
      // throughputs per second of the slice's window, the clipped last one's own length.
      assertThat(slice.at("/completed_request_count/avg").asLong()).isEqualTo(ok[i] + failed[i]);
      assertThat(slice.at("/request_error_rate/avg").asDouble())
          .isCloseTo(100.0 * failed[i] / (ok[i] + failed[i]), within(1e-9));
      if (ok[i] > 0) {
        assertThat(slice.at("/total_osl/avg").asLong()).as("OSL of slice %d", i)
            .isEqualTo(osl[i]);
        assertThat(slice.at("/total_isl/avg").asLong()).isEqualTo(isl[i]);
        assertThat(slice.at("/output_token_throughput/avg").asDouble())
            .isCloseTo(osl[i] / (length / 1e9), within(1e-6 * osl[i]));
        assertThat(slice.at("/total_token_throughput/avg").asDouble())
            .isCloseTo((osl[i] + isl[i]) / (length / 1e9), within(1e-6 * (osl[i] + isl[i])));
        // The benchmark duration spans the slice's successful requests, past its window.
        assertThat(slice.at("/benchmark_duration/avg").asDouble())
            .isCloseTo((lastOk[i] - firstOk[i]) / 1e9, within(1e-6));
      }
      if (slice.has("is_complete")) {
        assertThat(i).as("only the last slice is cut short").isEqualTo(bounds.size() - 1);
        assertThat(length).isLessThan(sliceNanos);
      } else {
        assertThat(length).isCloseTo(sliceNanos, within(512L));
      }
    }
    // The last slice is cut at the last end, and flagged, when the last start's slice is the
    // grid's last (AIPerf: n = (max end - min start) / slice + 1).
    JsonNode last = jsonSlices.get(bounds.size() - 1);
    boolean clipped = (maxStart - minStart) / sliceNanos == (maxEnd - minStart) / sliceNanos;
    assertThat(last.has("is_complete")).isEqualTo(clipped);
    if (clipped) {
      assertThat(last.get("is_complete").asBoolean()).isFalse();
      assertThat(last.get("end_ns").asLong()).isCloseTo(maxEnd, within(256L));
    }

    // profile_export_aiperf_timeslices.json: AIPerf's layout, metrics at each slice's top level.
    JsonNode aiperfJson = JSON.readTree(resource(
        "chat-errors.profile_export_aiperf_timeslices.excerpt.json"));
    assertThat(fieldNames(json)).isEqualTo(fieldNames(aiperfJson));
    for (JsonNode slice : jsonSlices) {
      List<String> keys = fieldNames(slice);
      assertThat(keys.subList(0, 2)).containsExactly("start_ns", "end_ns");
      assertThat(keys).doesNotContain("metrics", "timeslice_index");
      assertThat(fieldNames(slice.get("request_latency")))
          .isEqualTo(fieldNames(aiperfJson.at("/timeslices/0/request_latency")));
      assertThat(fieldNames(slice.get("request_count")))
          .isEqualTo(fieldNames(aiperfJson.at("/timeslices/0/request_count")));
    }
    // Metrics sorted by tag in the CSV, named by their header.
    Map<String, MetricInfo> infos = ExportSupport.metricInfos();
    List<String> byTag = fieldNames(jsonSlices.get(0)).stream()
        .filter(k -> jsonSlices.get(0).get(k).isObject()).sorted()
        .map(k -> infos.containsKey(k) ? infos.get(k).header()
            : java.util.Optional.ofNullable(io.aiperf.engine.internal.metrics.SweepMetrics.spec(k))
                .map(io.aiperf.engine.internal.metrics.SweepMetrics.Spec::header).orElse(k))
        .toList();
    assertThat(statsOf.keySet().stream().filter(k -> k.startsWith("0/"))
        .map(k -> k.substring(2)).toList()).isEqualTo(byTag);
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
