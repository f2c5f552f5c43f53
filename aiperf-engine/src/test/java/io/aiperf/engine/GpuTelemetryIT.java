package io.aiperf.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import io.aiperf.api.GpuMetrics;
import io.aiperf.api.GpuTelemetry;
import io.aiperf.api.MetricTag;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The GPU-telemetry service against the mock's fake DCGM exporter: the energy over the
 * profiling window is the integral of the fake GPUs' power over it (which the mock computes on
 * its own, from its history of the load), the warmup's energy left out; AIPerf's efficiency
 * metrics follow from it and the client's totals.
 */
final class GpuTelemetryIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void energyIsTheIntegralOfThePowerOverTheWindow_efficiencyFollows(@TempDir Path dir)
      throws Exception {
    try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder()
        .host("127.0.0.1").port(0).ttft(Duration.ofMillis(30)).itl(Duration.ofMillis(10))
        .gpus(2).seed(3).build())) {
      StringWriter console = new StringWriter();
      BenchmarkResult r = Benchmark.builder()
          .endpoint(Endpoints.openAiChat(server.baseUrl()).model("m").streaming(true))
          .concurrency(8).requestCount(64)
          .warmupRequestCount(16).warmupConcurrency(8)
          .dataset(Datasets.synthetic().inputTokens(32, 0).outputTokens(40, 0).seed(9))
          .gpuTelemetry(URI.create(server.dcgmUrl()))
          .exporters("json", "csv", "console").console(new PrintWriter(console))
          .artifactDir(dir).run();

      GpuTelemetry t = r.gpuTelemetry().orElseThrow();
      assertThat(t.endpointsReachable()).containsExactly(server.dcgmUrl());
      assertThat(t.endpointsConfigured()).containsExactly(server.dcgmUrl()); // defaults: quiet
      assertThat(t.gpus()).extracting(GpuMetrics::index).containsExactly(0, 1);
      double energy = 0;
      double integral = 0;
      for (GpuMetrics g : t.gpus()) {
        assertThat(g.name()).isEqualTo("aiperf mock GPU");
        assertThat(g.hostname()).isEqualTo("mock");
        assertThat(g.metrics()).containsKeys("nvidia_power_usage", "nvidia_energy_consumption",
            "nvidia_gpu_utilization", "nvidia_memory_utilization", "nvidia_memory_used",
            "nvidia_temperature", "nvidia_sm_utilization", "nvidia_xid_errors",
            "nvidia_memory_total", "nvidia_sm_clock", "nvidia_memory_clock");
        assertThat(g.metric("nvidia_power_usage").max()).isGreaterThan(60 + 5 * g.index());
        assertThat(g.metric("nvidia_energy_consumption").unit()).isEqualTo("MJ");
        assertThat(g.metric("nvidia_memory_total").avg()).isCloseTo(81_559 * 1.048576e-3,
            within(0.01));
        double joules = g.metric("nvidia_energy_consumption").avg() * 1e6;
        double truth = server.gpuEnergyJoules(g.index(), r.startTime(), r.endTime());
        // The counter's increase over the window is the integral of the fake power over it.
        assertThat(joules).as("GPU " + g.index()).isCloseTo(truth, within(truth * 0.01));
        energy += joules;
        integral += truth;
      }
      // Leaving the warmup in would add its energy: its last half second alone adds more than
      // 5 % to the window's (the warmup, two rounds of 8 requests, lasts about a second).
      double withWarmup = server.gpuEnergyJoules(0, r.startTime().minusMillis(500), r.endTime());
      assertThat(withWarmup).isGreaterThan(integral / 2 * 1.05);

      double totalOsl = r.metric(new MetricTag("total_osl")).avg();
      double duration = r.metric(new MetricTag("benchmark_duration")).avg();
      assertThat(t.efficiency("nvidia_total_gpu_energy").orElseThrow().avg())
          .isCloseTo(energy, within(1e-6));
      assertThat(t.efficiency("nvidia_output_tokens_per_joule").orElseThrow().avg())
          .isCloseTo(totalOsl / energy, within(1e-12));
      assertThat(t.efficiency("nvidia_energy_per_output_token").orElseThrow().avg())
          .isCloseTo(energy * 1000 / totalOsl, within(1e-9));
      assertThat(t.efficiency("nvidia_average_gpu_power").orElseThrow().avg())
          .isCloseTo(energy / duration, within(1e-9));
      assertThat(t.efficiency("nvidia_energy_per_user").orElseThrow().avg())
          .isCloseTo(energy / 8, within(1e-9));
      assertThat(r.find(new MetricTag("nvidia_performance_per_watt"))).isPresent();
      assertThat(t.efficiency().get(0).tag().tag()).isEqualTo("nvidia_total_gpu_power");

      // profile_export_aiperf.json: telemetry_data as AIPerf writes it, efficiency at top level.
      JsonNode json = JSON.readTree(dir.resolve("profile_export_aiperf.json").toFile());
      String endpoint = "127.0.0.1:" + server.port() + "/dcgm";
      JsonNode gpu0 = json.at("/telemetry_data/endpoints/" + endpoint.replace("/", "~1")
          + "/gpus/gpu_0");
      assertThat(gpu0.get("gpu_uuid").asText()).startsWith("GPU-");
      assertThat(gpu0.at("/metrics/nvidia_power_usage/unit").asText()).isEqualTo("W");
      assertThat(gpu0.at("/metrics/nvidia_power_usage/count").asInt()).isPositive();
      assertThat(gpu0.at("/metrics/nvidia_energy_consumption").has("count")).isFalse();
      assertThat(json.at("/telemetry_data/summary/endpoints_successful/0").asText())
          .isEqualTo(server.dcgmUrl());
      assertThat(json.at("/nvidia_output_tokens_per_joule/unit").asText()).isEqualTo("tokens/J");
      List<String> fields = iterate(json);
      assertThat(fields.indexOf("telemetry_data")).isLessThan(fields.indexOf("input_config"));

      List<String> jsonl = Files.readAllLines(dir.resolve("gpu_telemetry_export.jsonl"),
          StandardCharsets.UTF_8);
      JsonNode line = JSON.readTree(jsonl.get(jsonl.size() - 1));
      assertThat(iterate(line)).startsWith("gpu_index", "gpu_uuid", "gpu_model_name");
      assertThat(line.get("telemetry_source_url").asText()).isEqualTo(server.dcgmUrl());
      assertThat(line.at("/telemetry_data/nvidia_energy_consumption").asDouble()).isPositive();

      String csv = Files.readString(dir.resolve("profile_export_aiperf.csv"));
      assertThat(csv).contains("\r\n\r\n\r\nEndpoint,GPU_Index,GPU_Name,GPU_UUID,Platform,"
          + "Metric,avg,min,max,sum,p1,p5,p10,p25,p50,p75,p90,p95,p99,std,Hostname\r\n");
      assertThat(csv).contains(endpoint + ",1,aiperf mock GPU,");
      assertThat(csv).contains("Output Tokens per Joule (tokens/J),");

      assertThat(console.toString()).contains("NVIDIA AIPerf | GPU Telemetry Summary")
          .contains(endpoint + " | GPU 1 | aiperf mock GPU")
          .contains("NVIDIA AIPerf | GPU Power Efficiency (NVIDIA)")
          .contains("Output Tokens per Joule (tokens/J)");
      // Not in the LLM metrics table as well.
      String llm = console.toString().substring(0, console.toString()
          .indexOf("GPU Telemetry Summary"));
      assertThat(llm).doesNotContain("Joule");
    }
  }

  private static List<String> iterate(JsonNode n) {
    List<String> names = new java.util.ArrayList<>();
    n.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
