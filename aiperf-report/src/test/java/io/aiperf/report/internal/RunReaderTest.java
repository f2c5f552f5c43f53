package io.aiperf.report.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class RunReaderTest {
  @Test
  void directoryWithoutExports_isNamedInANote_andGivesNoChart(@TempDir Path dir) {
    RunData run = RunReader.read(dir, "empty");
    assertThat(run.isEmpty()).isTrue();
    assertThat(run.notes()).anySatisfy(n -> assertThat(n).startsWith(dir + " holds no export of"
        + " a run (none of profile_export_aiperf.json, profile_export.jsonl"));
    assertThat(Charts.single(run, 5000).charts()).isEmpty();
  }

  @Test
  void missingDirectory_isNamedInANote(@TempDir Path dir) {
    Path missing = dir.resolve("nope");
    RunData run = RunReader.read(missing, "nope");
    assertThat(run.notes()).containsExactly(missing + " is not a directory; give the directory a"
        + " run wrote its exports to (it holds profile_export_aiperf.json and"
        + " profile_export.jsonl)");
  }

  @Test
  void unknownSchemaVersion_isNamedInANote_andTheRestIsStillRead(@TempDir Path dir)
      throws Exception {
    TestRuns.run(dir, 50, 0);
    Files.writeString(dir.resolve("profile_export_aiperf.json"), TestRuns.aggregate("2.0", 50, 0),
        StandardCharsets.UTF_8);
    RunData run = RunReader.read(dir, "future");
    assertThat(run.notes()).containsExactly(dir.resolve("profile_export_aiperf.json")
        + " has schema_version '2.0', which this reader does not know (it reads 1.x, as AIPerf"
        + " 0.13 and aiperf-java write); only the fields it recognises are shown");
    assertThat(run.stat("request_latency", "avg")).isEqualTo(100.5);
    assertThat(Charts.single(run, 5000).charts()).extracting(Chart::id)
        .contains("request_timeline", "latency_histogram");
  }

  @Test
  void noSuccessfulRequest_isNamedInANote_andTheErrorsAreStillCharted(@TempDir Path dir)
      throws Exception {
    TestRuns.run(dir, 20, 1);
    RunData run = RunReader.read(dir, "all-failed");
    assertThat(run.notes()).containsExactly(dir.resolve("profile_export.jsonl") + " has no"
        + " successful request (20 ended in error or were cancelled); the latency and throughput"
        + " charts show the errors only");
    List<Chart> charts = Charts.single(run, 5000).charts();
    assertThat(charts).extracting(Chart::id).contains("request_timeline", "throughput_over_time")
        .doesNotContain("latency_histogram");
    Chart timeline = charts.stream().filter(c -> c.id().equals("request_timeline")).findFirst()
        .orElseThrow();
    assertThat(timeline.series()).filteredOn(s -> s.hasData()).extracting(Chart.Series::label)
        .containsExactly("Error (time to error)");
    assertThat(timeline.series().get(timeline.series().size() - 1).y()).containsOnly(5.0);
  }

  @Test
  void unreadableLines_areCounted_andTheFirstIsNamed(@TempDir Path dir) throws Exception {
    TestRuns.run(dir, 10, 0);
    Path records = dir.resolve("profile_export.jsonl");
    Files.writeString(records, Files.readString(records) + "{not json\n{\"metadata\":{}}\n",
        StandardCharsets.UTF_8);
    RunData run = RunReader.read(dir, "r");
    assertThat(run.requests().size).isEqualTo(10);
    assertThat(run.notes()).singleElement().asString()
        .startsWith(records + ": 2 line(s) could not be read and are left out (first: line 11:");
  }

  @Test
  void warmupRequests_areLeftOut(@TempDir Path dir) throws Exception {
    TestRuns.run(dir, 10, 0);
    Path records = dir.resolve("profile_export.jsonl");
    Files.writeString(records, Files.readString(records).replaceFirst("\"profiling\"",
        "\"warmup\""), StandardCharsets.UTF_8);
    RunData run = RunReader.read(dir, "r");
    assertThat(run.requests().size).isEqualTo(9);
    assertThat(run.requests().warmupSkipped).isEqualTo(1);
  }

  @Test
  void exportPrefix_isFound(@TempDir Path dir) throws Exception {
    TestRuns.run(dir, 10, 0);
    Files.move(dir.resolve("profile_export.jsonl"), dir.resolve("run1.jsonl"));
    Files.move(dir.resolve("profile_export_aiperf.json"), dir.resolve("run1.json"));
    Files.writeString(dir.resolve("inputs.json"), "{}", StandardCharsets.UTF_8);
    RunData run = RunReader.read(dir, "r");
    assertThat(run.notes()).isEmpty();
    assertThat(run.requests().size).isEqualTo(10);
    assertThat(run.aggregate()).isNotNull();
  }

  @Test
  void gpuTelemetry_oneSeriesPerGpu_legacyNamesMapped(@TempDir Path dir) throws Exception {
    TestRuns.gpuTelemetry(dir);
    RunData run = RunReader.read(dir, "gpu");
    assertThat(run.gpu()).extracting(TimeSeries.Group::metric).containsExactly(
        "nvidia_gpu_utilization", "nvidia_power_usage", "nvidia_temperature");
    TimeSeries.Group util = run.gpu().get(0);
    assertThat(util.unit()).isEqualTo("%");
    assertThat(util.series()).extracting(TimeSeries::label)
        .containsExactly("node1 GPU 0", "node1 GPU 1");
    assertThat(util.series().get(1).values()).containsExactly(1, 11, 21, 31, 41, 51, 61, 71);
    assertThat(Charts.single(run, 5000).charts()).extracting(Chart::id).containsExactly(
        "gpu_nvidia_gpu_utilization", "gpu_nvidia_power_usage", "gpu_nvidia_temperature");
  }

  @Test
  void serverMetrics_gaugesAsIs_countersAsRates_histogramsAsMeans(@TempDir Path dir)
      throws Exception {
    TestRuns.serverMetrics(dir);
    RunData run = RunReader.read(dir, "server");
    assertThat(run.server()).extracting(g -> g.metric() + " " + g.kind()).containsExactly(
        "vllm:num_requests_running gauge", "vllm:prompt_tokens rate",
        "vllm:e2e_request_latency_seconds average");
    assertThat(run.server().get(0).series().get(0).values()).containsExactly(0, 2, 1, 3, 2);
    assertThat(run.server().get(1).series().get(0).values()).containsOnly(10.0).hasSize(4);
    assertThat(run.server().get(2).series().get(0).values()).containsOnly(0.5).hasSize(4);
    assertThat(run.server().get(0).series().get(0).label()).isEqualTo("{model_name=m}");
  }

  @Test
  void serverMetrics_scrapesOutsideProfiling_areLeftOut(@TempDir Path dir) throws Exception {
    TestRuns.serverMetrics(dir);
    Path file = dir.resolve("server_metrics_export.jsonl");
    List<String> lines = Files.readAllLines(file);
    StringBuilder b = new StringBuilder(lines.get(0)).append('\n'); // the baseline: no phase
    for (String line : lines.subList(1, lines.size())) {
      b.append(line.replace("\"endpoint_latency_ns\"", "\"benchmark_phase\":\"profiling\","
          + "\"endpoint_latency_ns\"")).append('\n');
    }
    Files.writeString(file, b, StandardCharsets.UTF_8);
    RunData run = RunReader.read(dir, "server");
    assertThat(run.server().get(0).series().get(0).values()).containsExactly(2, 1, 3, 2);
  }

  @Test
  void serverMetricTypes_comeFromTheJsonExportWhenPresent(@TempDir Path dir) throws Exception {
    TestRuns.serverMetrics(dir);
    // Declared a gauge: its rising values are then charted as they are, not as a rate.
    Files.writeString(dir.resolve("server_metrics_export.json"), "{\"metrics\":{"
        + "\"vllm:prompt_tokens\":{\"type\":\"gauge\",\"unit\":\"tokens\"}}}",
        StandardCharsets.UTF_8);
    RunData run = RunReader.read(dir, "server");
    TimeSeries.Group prompt = run.server().get(1);
    assertThat(prompt.kind()).isEqualTo("gauge");
    assertThat(prompt.unit()).isEqualTo("tokens");
    assertThat(prompt.series().get(0).values()).containsExactly(0, 10, 20, 30, 40);
  }
}
