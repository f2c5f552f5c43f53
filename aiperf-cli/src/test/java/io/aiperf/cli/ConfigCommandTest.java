package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.cli.ConfigProfileIT.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiperf config init | validate | expand}, and what bad files are told. */
final class ConfigCommandTest {
  private static Run aiperf(String... args) {
    return ConfigProfileIT.aiperf(args);
  }

  private static Path write(Path dir, String name, String yaml) throws Exception {
    Path p = dir.resolve(name);
    Files.writeString(p, yaml);
    return p;
  }

  private static final String GOOD = """
      benchmark:
        model: demo
        endpoint:
          url: http://localhost:8000
        dataset:
          type: synthetic
          prompts: {isl: 64, osl: 8}
        phases:
          type: concurrency
          concurrency: 4
          requests: 20
      """;

  @Test
  void validate_aGoodFile_saysSo(@TempDir Path dir) throws Exception {
    Path f = write(dir, "good.yaml", GOOD);
    Run run = aiperf("config", "validate", f.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("Configuration valid: " + f + "\n");
  }

  @Test
  void unknownKey_exit2_namesFileLineAndKey_withTheClosestKey(@TempDir Path dir)
      throws Exception {
    Path f = write(dir, "typo.yaml", GOOD.replace("concurrency: 4", "concurency: 4"));
    Run run = aiperf("config", "validate", f.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Error: " + f + ":10:5: benchmark.phases[0].concurency:"
        + " is not an AIPerf 0.13 setting; did you mean 'concurrency'?");
    Run profile = aiperf("profile", "-f", f.toString());
    assertThat(profile.exitCode()).isEqualTo(2);
    assertThat(profile.err()).contains(f + ":10:5: benchmark.phases[0].concurency");
  }

  @Test
  void wrongType_andOutOfRange_exit2_eachNamed(@TempDir Path dir) throws Exception {
    Path f = write(dir, "bad.yaml", GOOD.replace("concurrency: 4", "concurrency: four")
        .replace("requests: 20", "requests: 0"));
    Run run = aiperf("config", "validate", f.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(
        f + ":10:18: benchmark.phases[0].concurrency: must be an integer >= 1 but was 'four'"
            + " (a string)",
        f + ":11:15: benchmark.phases[0].requests: must be an integer >= 1 but was '0'"
            + " (a number)");
  }

  @Test
  void aiperfSettingAiperfJavaLacks_isNamedAsSuch_butItsDefaultIsFine(@TempDir Path dir)
      throws Exception {
    Path f = write(dir, "unsupported.yaml", GOOD + """
          runtime:
            serviceRunType: kubernetes
          tokenizer:
            revision: main
          wandb:
            project: null
        """);
    Run run = aiperf("config", "validate", f.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(f + ":13:5: benchmark.runtime.service_run_type: is an AIPerf"
        + " 0.13 setting that aiperf-java does not support; remove it or set it to AIPerf's"
        + " default (\"multiprocessing\")");
    assertThat(run.err()).doesNotContain("revision", "wandb");
  }

  @Test
  void repeatedKey_andBadYaml_areNamedWithTheirLines(@TempDir Path dir) throws Exception {
    Path f = write(dir, "dup.yaml", GOOD.replace("requests: 20", "requests: 20\n    requests: 30"));
    Run run = aiperf("config", "validate", f.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(f + ":12:5: benchmark.phases.requests: is repeated (first at"
        + " line 11)");
    Path broken = write(dir, "broken.yaml", "benchmark:\n  model: [demo\n");
    Run bad = aiperf("config", "validate", broken.toString());
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err()).startsWith("Error: " + broken + ":3:1: is not valid YAML");
  }

  @Test
  void flagProblem_ofAValueFromTheFile_namesTheKey(@TempDir Path dir) throws Exception {
    Path f = write(dir, "ui.yaml", GOOD.replace("  endpoint:", "  endpoint:\n    timeout: 0"));
    Run run = aiperf("config", "validate", f.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Error: --request-timeout-seconds was '0.0' but it must be > 0"
        + " (set by benchmark.endpoint.timeout (" + f + ":4))");
  }

  @Test
  void commandLineFlag_conflictingWithTheFile_namesBoth(@TempDir Path dir) throws Exception {
    Path f = write(dir, "uc.yaml", GOOD.replace("type: concurrency\n    concurrency: 4",
        "type: user_centric\n    users: 4\n    rate: 2.0"));
    Run run = aiperf("profile", "-f", f.toString(), "--request-rate", "5");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("Error: --request-rate on the command line conflicts with"
        + " benchmark.phases[0].rate (" + f + ":11) in the file, which sets --user-centric-rate");
  }

  @Test
  void envVars_areSubstituted_andAMissingOneIsNamed(@TempDir Path dir) throws Exception {
    Path f = write(dir, "env.yaml", GOOD.replace("model: demo",
        "model: ${AIPERF_JAVA_TEST_SURELY_UNSET_MODEL}"));
    Run run = aiperf("config", "validate", f.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains(f + ":2:10: benchmark.model: needs the environment variable"
        + " AIPERF_JAVA_TEST_SURELY_UNSET_MODEL, which is not set");
    Path ok = write(dir, "env-default.yaml", GOOD.replace("model: demo",
        "model: ${AIPERF_JAVA_TEST_SURELY_UNSET_MODEL:demo}"));
    assertThat(aiperf("config", "validate", ok.toString()).exitCode()).isZero();
  }

  @Test
  void expand_gridSweep_listsTheVariationsAsAiperfNamesThem(@TempDir Path dir)
      throws Exception {
    Path f = write(dir, "sweep.yaml", GOOD + """
        sweep:
          type: grid
          parameters:
            concurrency: [1, 8]
            datasets.default.prompts.isl: [64, 128]
        """);
    Run run = aiperf("config", "expand", f.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("""
        Sweep type: GridSweep (4 variations)

        [0] dir=isl_64__concurrency_1  label=datasets.default.prompts.isl=64, phases.profiling.concurrency=1
        [1] dir=isl_64__concurrency_8  label=datasets.default.prompts.isl=64, phases.profiling.concurrency=8
        [2] dir=isl_128__concurrency_1  label=datasets.default.prompts.isl=128, phases.profiling.concurrency=1
        [3] dir=isl_128__concurrency_8  label=datasets.default.prompts.isl=128, phases.profiling.concurrency=8
        """);
    Run json = aiperf("config", "expand", f.toString(), "--index", "3", "--format", "json");
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertThat(doc.get("variations")).hasSize(1);
    JsonNode v = doc.get("variations").get(0);
    assertThat(v.get("values").get("phases.profiling.concurrency").asInt()).isEqualTo(8);
    assertThat(v.at("/benchmark/phases/0/concurrency").asInt()).isEqualTo(8);
    assertThat(v.get("profile_flags").toString()).contains("\"--concurrency\",\"8\"",
        "\"--isl\",\"128\"");
    // Concurrency and ISL are what aiperf-java's sweep varies: 'aiperf profile' runs the grid.
    Run valid = aiperf("config", "validate", f.toString());
    assertThat(valid.exitCode()).as(valid.err()).isZero();
    assertThat(valid.out()).isEqualTo("Configuration valid: " + f + " (4 variations, run as one"
        + " sweep by 'aiperf profile'; see 'aiperf config expand')\n");
    assertThat(aiperf("config", "expand", f.toString(), "--index", "4").err())
        .contains("--index 4 is out of range; the configuration has 4 variations (0 to 3)");
  }

  @Test
  void init_listsSearchesAndWritesTemplates(@TempDir Path dir) throws Exception {
    Run list = aiperf("config", "init", "--list");
    assertThat(list.exitCode()).isZero();
    assertThat(list.out()).contains("Getting Started\n  minimal", "Load Testing",
        "Use 'aiperf config init --template <name>' to generate a template.");
    assertThat(aiperf("config", "init", "--search", "trace").out())
        .contains("trace_replay", "http_trace_metrics").doesNotContain("minimal ");
    Path out = dir.resolve("fs.yaml");
    Run init = aiperf("config", "init", "-t", "fixed_schedule", "-m", "llama", "-u", "mock",
        "-o", out.toString());
    assertThat(init.exitCode()).as(init.err()).isZero();
    assertThat(Files.readString(out)).contains("  model: llama\n", "    url: mock\n");
    assertThat(dir.resolve("data").resolve("schedule.jsonl")).exists();
    assertThat(aiperf("config", "init", "-t", "nope").err())
        .contains("Unknown template 'nope'. Available templates: audio_multimodal,");
  }
}
