package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.cli.ConfigProfileIT.Run;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every YAML example in the README runs: against the embedded mock ({@code --url mock} in
 * place of the example's server), a sweep as one sweep after it validates and expands.
 */
final class ReadmeConfigsIT {
  static List<String> examples() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile("(?s)```yaml\\n(.*?)```").matcher(readme);
    List<String> out = new ArrayList<>();
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  static Stream<Integer> indexes() throws Exception {
    return Stream.iterate(0, i -> i + 1).limit(examples().size());
  }

  @Test
  void theReadme_hasExamples() throws Exception {
    assertThat(examples()).hasSizeGreaterThanOrEqualTo(2);
  }

  @ParameterizedTest(name = "README yaml example {0}")
  @MethodSource("indexes")
  void example_runs(int index, @TempDir Path dir) throws Exception {
    String yaml = examples().get(index);
    Path file = dir.resolve("example.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    Run valid = ConfigProfileIT.aiperf("config", "validate", file.toString());
    assertThat(valid.exitCode()).as(yaml + valid.err()).isZero();
    if (yaml.contains("\nsweep:")) {
      Run expand = ConfigProfileIT.aiperf("config", "expand", file.toString());
      assertThat(expand.exitCode()).as(expand.err()).isZero();
      assertThat(expand.out()).contains("[1] dir=");
      // It runs as one sweep; a few requests per point keep it short.
      Run sweep = ConfigProfileIT.aiperf("profile", "-f", file.toString(), "--url", "mock",
          "--ui", "none", "--mock-ttft", "1", "--mock-itl", "1", "--request-count", "4",
          "--artifact-dir", dir.resolve("out").toString());
      assertThat(sweep.exitCode()).as(yaml + sweep.err()).isZero();
      assertThat(dir.resolve("out/sweep_aggregate/profile_export_aiperf_sweep.json")).exists();
      return;
    }
    Run run = ConfigProfileIT.aiperf("profile", "-f", file.toString(), "--url", "mock",
        "--ui", "none", "--mock-ttft", "1", "--mock-itl", "1", "--artifact-dir",
        dir.resolve("out").toString());
    assertThat(run.exitCode()).as(yaml + run.err()).isZero();
    assertThat(dir.resolve("out").resolve("profile_export_aiperf.json")).exists();
  }
}
