package io.aiperf.report.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged telemetry file still charts what it holds and names the first bad line once. */
final class TelemetryTest {
  @Test
  void badLinesAreSkipped_theFirstIsNamed_theRestStillCharts(@TempDir Path dir)
      throws IOException {
    TestRuns.gpuTelemetry(dir);
    Path file = dir.resolve("gpu_telemetry_export.jsonl");
    Files.writeString(file, "{not json\n{\"timestamp_ns\":5}\n" + Files.readString(file),
        StandardCharsets.UTF_8);

    Telemetry.Read read = Telemetry.gpu(file);

    assertThat(read.problems()).containsExactly(file + " line 1 is not JSON; such lines are"
        + " skipped");
    assertThat(read.groups()).extracting(TimeSeries.Group::metric)
        .containsExactly("nvidia_gpu_utilization", "nvidia_power_usage", "nvidia_temperature");
    assertThat(read.groups().get(0).series()).hasSize(2)
        .allSatisfy(s -> assertThat(s.values()).hasSize(8));
  }

  @Test
  void aServerMetricsLineWithoutMetrics_isNamed(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("server_metrics_export.jsonl");
    Files.writeString(file, "\n{\"timestamp_ns\":1}\n", StandardCharsets.UTF_8);

    Telemetry.Read read = Telemetry.server(file, dir.resolve("absent.json"));

    assertThat(read.problems()).containsExactly(file + " line 2 has no timestamp_ns or metrics;"
        + " such lines are skipped");
    assertThat(read.groups()).isEmpty();
  }
}
