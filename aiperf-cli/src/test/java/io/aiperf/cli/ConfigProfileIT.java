package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiperf profile --config}: a YAML file runs, flags override it, bad files exit 2. */
final class ConfigProfileIT {
  record Run(int exitCode, String out, String err) {}

  static Run aiperf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AiperfCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void configFile_runsAgainstTheMock_andFlagsOverrideIt(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("bench.yaml");
    Files.writeString(yaml, """
        schemaVersion: "2.0"
        randomSeed: 7
        benchmark:
          model: demo
          endpoint:
            url: mock
            streaming: true
          dataset:
            type: synthetic
            entries: 5
            prompts:
              isl: 32
              osl: {mean: 8, stddev: 0}
          phases:
            type: concurrency
            concurrency: 2
            requests: 12
          artifacts:
            dir: %s
        """.formatted(dir.resolve("out")));
    Run run = aiperf("profile", "-f", yaml.toString(), "--request-count", "6", "--ui", "none",
        "--mock-ttft", "1", "--mock-itl", "1");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(dir.resolve("out")
        .resolve("profile_export_aiperf.json").toFile());
    assertThat(json.path("request_count").path("avg").asDouble()).isEqualTo(6.0);
    assertThat(json.path("output_sequence_length").path("avg").asDouble()).isEqualTo(8.0);
    assertThat(run.err()).contains("--request-count from the command line overrides"
        + " benchmark.phases[0].requests (" + yaml + ":17)");
    assertThat(json.path("run_info").path("cli_command").asText())
        .startsWith("aiperf profile -f '" + yaml + "' --request-count '6'");
  }
}
