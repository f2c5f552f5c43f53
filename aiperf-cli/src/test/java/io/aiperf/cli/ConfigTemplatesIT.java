package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.cli.ConfigProfileIT.Run;
import io.aiperf.cli.config.Templates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every template {@code aiperf config init} writes validates and runs against the embedded mock
 * server, with flags that only shrink it (fewer requests, shorter durations) to keep the test
 * short; the two sweep templates validate and are refused by {@code profile} with a pointer to
 * {@code aiperf config expand}.
 */
final class ConfigTemplatesIT {
  /** Flags that shorten each template's run; empty for those already short. */
  private static final Map<String, List<String>> SHRINK = Map.ofEntries(
      Map.entry("minimal", List.of("--request-count", "8")),
      Map.entry("warmup_profiling", List.of("--benchmark-duration", "1",
          "--request-rate-ramp-duration", "0.5", "--warmup-request-count", "4")),
      Map.entry("latency_test", List.of("--benchmark-duration", "1", "--warmup-request-count",
          "4")),
      Map.entry("goodput_slo", List.of("--benchmark-duration", "1", "--warmup-request-count",
          "4")),
      Map.entry("multi_url_load_balancing", List.of("--benchmark-duration", "1",
          "--concurrency-ramp-duration", "0.5", "--warmup-request-count", "4")),
      Map.entry("request_cancellation", List.of("--request-count", "20",
          "--warmup-request-count", "4")),
      Map.entry("ramping", List.of("--benchmark-duration", "1", "--request-rate-ramp-duration",
          "0.5", "--warmup-request-count", "8", "--warmup-concurrency-ramp-duration", "0.2")),
      Map.entry("time_based_soak", List.of("--benchmark-duration", "1", "--warmup-duration",
          "0.5")),
      Map.entry("fixed_schedule", List.of()),
      Map.entry("multi_turn_conversation", List.of("--num-sessions", "4",
          "--num-warmup-sessions", "2", "--session-turn-delay-mean", "5")),
      Map.entry("inline_dataset", List.of("--request-count", "8")),
      Map.entry("trace_replay", List.of()),
      Map.entry("public_dataset", List.of("--request-count", "6", "--warmup-request-count", "2")),
      Map.entry("env_var_production", List.of("--benchmark-duration", "1",
          "--warmup-request-count", "4")),
      Map.entry("kv_cache_test", List.of("--benchmark-duration", "1.5", "--user-centric-rate",
          "20", "--warmup-request-count", "4", "--num-dataset-entries", "20")),
      Map.entry("long_context", List.of("--request-count", "6", "--warmup-request-count", "2",
          "--num-dataset-entries", "6", "--request-rate", "50")),
      Map.entry("http_trace_metrics", List.of("--request-count", "10")),
      Map.entry("multimodal_vision", List.of("--request-count", "6", "--warmup-request-count",
          "2", "--num-dataset-entries", "6")),
      Map.entry("audio_multimodal", List.of("--request-count", "6", "--num-dataset-entries",
          "6")),
      Map.entry("embeddings", List.of("--request-count", "10", "--warmup-request-count", "2")));
  private static final List<String> SWEEPS = List.of("concurrency_sweep", "workload_scenarios");

  static Stream<String> runnable() {
    return Templates.all().stream().map(Templates.Info::name).filter(n -> !SWEEPS.contains(n));
  }

  @Test
  void everyTemplate_isCoveredHere() {
    List<String> names = Templates.all().stream().map(Templates.Info::name).toList();
    List<String> covered = new ArrayList<>(SHRINK.keySet());
    covered.addAll(SWEEPS);
    assertThat(names).containsExactlyInAnyOrderElementsOf(covered);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("runnable")
  void template_validatesAndRunsAgainstTheMock(String name, @TempDir Path dir) throws Exception {
    Path yaml = dir.resolve(name + ".yaml");
    Run init = ConfigProfileIT.aiperf("config", "init", "--template", name, "--url", "mock",
        "--model", "mock-model", "--output", yaml.toString());
    assertThat(init.exitCode()).as(init.err()).isZero();
    Run valid = ConfigProfileIT.aiperf("config", "validate", yaml.toString());
    if (name.equals("public_dataset")) {
      // Valid once the ShareGPT file is there: given below, as aiperf-java never downloads.
      assertThat(valid.exitCode()).isEqualTo(2);
      assertThat(valid.err()).contains("needs --public-dataset-file with a local copy");
    } else {
      assertThat(valid.exitCode()).as(valid.err()).isZero();
      assertThat(valid.out()).startsWith("Configuration valid");
    }
    List<String> args = new ArrayList<>(List.of("profile", "--config", yaml.toString(),
        "--artifact-dir", dir.resolve("out").toString(), "--ui", "none", "--mock-ttft", "1",
        "--mock-itl", "1"));
    args.addAll(SHRINK.get(name));
    String text = Files.readString(yaml);
    if (text.contains("type: synthetic") && !args.contains("--num-dataset-entries")) {
      // Fewer distinct prompts to generate and tokenize; the template's shape stays.
      args.addAll(List.of("--num-dataset-entries", "16"));
    }
    if (System.getProperty("aiperf.templates") != null
        && !List.of(System.getProperty("aiperf.templates").split(",")).contains(name)) {
      return;
    }
    if (name.equals("public_dataset")) {
      Path share = dir.resolve("sharegpt.json");
      Files.writeString(share, "[{\"id\":\"a\",\"conversations\":[{\"from\":\"human\",\"value\":"
          + "\"Tell me about rivers.\"},{\"from\":\"gpt\",\"value\":\"Rivers flow downhill to"
          + " the sea, carving valleys.\"}]},{\"id\":\"b\",\"conversations\":[{\"from\":"
          + "\"human\",\"value\":\"Name a prime.\"},{\"from\":\"gpt\",\"value\":\"Seven.\"}]}]");
      args.addAll(List.of("--public-dataset-file", share.toString(), "--num-dataset-entries",
          "2"));
    }
    Run run = ConfigProfileIT.aiperf(args.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(dir.resolve("out")
        .resolve("profile_export_aiperf.json").toFile());
    assertThat(json.path("request_count").path("avg").asDouble()).as(name).isPositive();
  }

  /**
   * Each template is a valid AIPerf 0.13 configuration too: AIPerf's own {@code aiperf config
   * validate} accepts it. Runs where {@code AIPERF_PYTHON} names a Python with aiperf 0.13.0
   * ({@code compat/aiperf-0.13/setup-venv.sh}).
   */
  @Test
  void everyTemplate_isValidForAiperf013Itself(@TempDir Path dir) throws Exception {
    String python = System.getenv("AIPERF_PYTHON");
    org.junit.jupiter.api.Assumptions.assumeTrue(python != null && !python.isBlank(),
        "AIPERF_PYTHON is not set: run compat/aiperf-0.13/setup-venv.sh to check the templates"
            + " with AIPerf itself");
    Path aiperf = Path.of(python).resolveSibling("aiperf");
    for (Templates.Info t : Templates.all()) {
      Path yaml = dir.resolve(t.name() + ".yaml");
      Templates.write(yaml, Templates.content(t.name()));
      Path log = dir.resolve(t.name() + ".log");
      ProcessBuilder pb = new ProcessBuilder(aiperf.toString(), "config", "validate",
          yaml.toString()).redirectErrorStream(true).redirectOutput(log.toFile());
      pb.environment().put("HOME", dir.toString());
      pb.environment().put("HF_HUB_OFFLINE", "1");
      Process p = pb.start();
      try {
        assertThat(p.waitFor(3, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(t.name() + ": " + Files.readString(log)).isZero();
        assertThat(Files.readString(log)).as(t.name()).contains("Configuration valid");
      } finally {
        p.destroyForcibly();
      }
    }
  }

  @Test
  void sweepTemplates_validate_andRunAsOneSweep(@TempDir Path dir) throws Exception {
    for (String name : SWEEPS) {
      Path yaml = dir.resolve(name + ".yaml");
      assertThat(ConfigProfileIT.aiperf("config", "init", "-t", name, "-u", "mock", "-o",
          yaml.toString()).exitCode()).isZero();
      Run valid = ConfigProfileIT.aiperf("config", "validate", yaml.toString());
      assertThat(valid.exitCode()).as(valid.err()).isZero();
      assertThat(valid.out()).contains(" variations, run as one sweep by 'aiperf profile'");
      // Run short: the file's sweep, the command line's smaller counts and a fast mock.
      Path out = dir.resolve(name);
      Run run = ConfigProfileIT.aiperf("profile", "-f", yaml.toString(), "--request-count", "4",
          "--warmup-request-count", "1", "--mock-ttft", "1", "--mock-itl", "1", "--ui", "none",
          "--artifact-dir", out.toString());
      assertThat(run.exitCode()).as(name + ": " + run.err()).isZero();
      assertThat(out.resolve("sweep_aggregate/profile_export_aiperf_sweep.json")).exists();
    }
    for (int c : new int[] {1, 4, 16, 64}) {
      assertThat(dir.resolve("concurrency_sweep/concurrency_" + c
          + "/profile_export_aiperf.json")).exists();
    }
  }
}
