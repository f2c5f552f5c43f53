package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.cli.ConfigProfileIT.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * AIPerf 0.13 configuration files that describe several benchmarks (a sweep block, a phase's
 * list of numbers, multi_run repeats) run as aiperf-java's sweep and repeats; variations that
 * differ in something the sweep does not vary are refused naming the file, line and key.
 */
final class ConfigSweepIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BASE = """
      benchmark:
        model: demo
        endpoint:
          url: mock
        dataset:
          type: synthetic
          prompts: {isl: 16, osl: 4}
        phases:
          type: concurrency
          concurrency: 1
          requests: 4
      """;

  private static Run profile(Path dir, Path file) {
    return ConfigProfileIT.aiperf("profile", "-f", file.toString(), "--mock-ttft", "1",
        "--mock-itl", "1", "--ui", "none", "--artifact-dir", dir.resolve("out").toString());
  }

  private static Path write(Path dir, String text) throws Exception {
    return Files.writeString(dir.resolve("bench.yaml"), text, StandardCharsets.UTF_8);
  }

  @Test
  void aGridSweepBlock_runsEveryPoint_asOneSweep(@TempDir Path dir) throws Exception {
    Path f = write(dir, BASE + """
        sweep:
          type: grid
          parameters:
            concurrency: [1, 2]
        """);
    Run run = profile(dir, f);
    assertThat(run.exitCode()).as(run.err()).isZero();
    for (String point : new String[] {"concurrency_1", "concurrency_2"}) {
      assertThat(dir.resolve("out").resolve(point).resolve("profile_export_aiperf.json"))
          .exists();
    }
    JsonNode sweep = JSON.readTree(dir.resolve(
        "out/sweep_aggregate/profile_export_aiperf_sweep.json").toFile());
    assertThat(sweep.get("per_combination_metrics")).hasSize(2);
  }

  @Test
  void aZipOfTwoParameters_andMultiRunRepeats_mapOntoTheSweepFlags(@TempDir Path dir)
      throws Exception {
    Path f = write(dir, BASE + """
        multi_run:
          num_runs: 2
          confidence_level: 0.9
        sweep:
          type: zip
          parameters:
            concurrency: [1, 2]
            datasets.default.prompts.isl: [16, 24]
        """);
    Run run = profile(dir, f);
    assertThat(run.exitCode()).as(run.err()).isZero();
    // Repeats of a sweep: every trial's points, then the aggregate over the trials.
    for (String trial : new String[] {"trial_0001", "trial_0002"}) {
      assertThat(dir.resolve("out/profile_runs").resolve(trial)).isDirectory();
    }
    JsonNode sweep = JSON.readTree(dir.resolve(
        "out/aggregate/sweep_aggregate/profile_export_aiperf_sweep.json").toFile());
    JsonNode points = sweep.get("per_combination_metrics");
    assertThat(points).hasSize(2);
    // The lists side by side: (1, 16) and (2, 24), not their four combinations.
    for (int i = 0; i < 2; i++) {
      JsonNode parameters = points.get(i).get("parameters");
      assertThat(parameters.get("concurrency").asInt()).isEqualTo(i + 1);
      List<Integer> others = new ArrayList<>();
      parameters.fields().forEachRemaining(e -> {
        if (!e.getKey().equals("concurrency")) {
          others.add(e.getValue().asInt());
        }
      });
      assertThat(others).containsExactly(i == 0 ? 16 : 24);
    }
    assertThat(sweep.at("/metadata/confidence_level").asDouble()).isEqualTo(0.9);
    assertThat(sweep.at("/metadata/num_trials_per_value").asInt()).isEqualTo(2);
  }

  @Test
  void variationsThatDifferInWhatNoSweepVaries_areRefusedNamingFileLineAndKey(@TempDir Path dir)
      throws Exception {
    Path f = write(dir, BASE + """
        sweep:
          type: grid
          parameters:
            phases.profiling.requests:
              - 4
              - 8
        """);
    Run run = profile(dir, f);
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Error: " + f + ":17:")
        .contains("variation 1 (phases.profiling.requests=8) sets --request-count differently"
            + " from variation 0, but aiperf-java runs a configuration's variations as one"
            + " sweep, which varies only concurrency, request rate, ISL and OSL");
    Run validate = ConfigProfileIT.aiperf("config", "validate", f.toString());
    assertThat(validate.exitCode()).isEqualTo(2);
    assertThat(validate.err()).contains("sets --request-count differently");
  }

  @Test
  void variantFlags_runAsTheSweepTheyDescribe(@TempDir Path dir) throws Exception {
    Run run = ConfigProfileIT.aiperf("profile", "--url", "mock", "-m", "demo", "--osl", "4",
        "--request-count", "4", "--mock-ttft", "1", "--mock-itl", "1", "--ui", "none",
        "--artifact-dir", dir.toString(), "--variant", "a: concurrency=1, isl=16",
        "--variant", "b: concurrency=2, isl=24");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode points = JSON.readTree(dir.resolve(
        "sweep_aggregate/profile_export_aiperf_sweep.json").toFile()).get("per_combination_metrics");
    assertThat(points).hasSize(2);
    assertThat(points.get(1).at("/parameters/concurrency").asInt()).isEqualTo(2);
    Run refused = ConfigProfileIT.aiperf("profile", "--url", "mock", "-m", "demo",
        "--concurrency", "1,2", "--variant", "isl=16", "--variant", "isl=24");
    assertThat(refused.exitCode()).isEqualTo(2);
    assertThat(refused.err()).contains("--variant and a list-valued --concurrency");
  }
}
