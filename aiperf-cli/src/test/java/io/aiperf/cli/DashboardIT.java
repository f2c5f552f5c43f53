package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live dashboard in a real terminal: the CLI runs in a tmux window, the test reads the
 * screen as a person would and presses Ctrl-C. Needs tmux ({@code .ci/run} installs it).
 */
final class DashboardIT {
  private static final Pattern COMPLETED = Pattern.compile("Metrics over ([\\d,]+) completed");
  private static final Pattern TTFT_ROW = Pattern.compile("(?m)^ Time to First Token \\(ms\\) .*$");
  /** Captures kept for a look after the run (and the README's picture). */
  private static final Path ARTIFACTS = Path.of("target", "dashboard-it");

  @BeforeAll
  static void needsTmux() throws Exception {
    Assumptions.assumeTrue(Tmux.available(), "tmux is not installed: the dashboard can only be"
        + " tested in a real terminal (apt-get install tmux; .ci/run installs it)");
    Files.createDirectories(ARTIFACTS);
  }

  /** A script that runs the CLI as a user would, then says how it ended and the tty's modes. */
  private static Path script(Path dir, String... flags) throws Exception {
    StringBuilder cmd = new StringBuilder("'" + Path.of(System.getProperty("java.home"), "bin",
        "java") + "' -cp '" + System.getProperty("java.class.path") + "' "
        + AiperfCommand.class.getName() + " profile --url mock -m demo --streaming");
    for (String f : flags) {
      cmd.append(" '").append(f).append('\'');
    }
    Path script = dir.resolve("run.sh");
    // The JVM replaces a shell that wrote its pid down, for a test that signals it.
    Files.writeString(script, String.join("\n",
        "stty -g > stty.before",
        "bash -c 'echo $$ > java.pid; exec \"$0\" \"$@\"' " + cmd,
        "echo \"EXIT=$?\"",
        "stty -g > stty.after", ""), StandardCharsets.UTF_8);
    return script;
  }

  private static long completed(String screen) {
    Matcher m = COMPLETED.matcher(screen);
    return m.find() ? Long.parseLong(m.group(1).replace(",", "")) : -1;
  }

  private static Optional<String> ttftRow(String screen) {
    Matcher m = TTFT_ROW.matcher(screen);
    return m.find() ? Optional.of(m.group()) : Optional.empty();
  }

  private static String awaitScreen(Tmux tmux, Duration atMost, String what,
      java.util.function.Predicate<String> until) {
    AtomicReference<String> last = new AtomicReference<>("");
    try {
      await(what).atMost(atMost).pollInterval(Duration.ofMillis(250)).until(() -> {
        last.set(tmux.capture());
        return until.test(last.get());
      });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(what + "; the screen was:\n" + last.get(), e);
    }
    return last.get();
  }

  @Test
  void theTableUpdates_ctrlCLeavesExportsMarkedCancelled_andTheTerminalIsRestored(
      @TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    Path script = script(dir, "--concurrency", "8", "--request-count", "1000000", "--osl",
        "20", "--isl", "16", "--mock-ttft", "20", "--mock-itl", "5", "--artifact-dir",
        out.toString());
    try (Tmux tmux = Tmux.start(120, 40, dir)) {
      tmux.typeLine("bash " + script);
      String first = awaitScreen(tmux, Duration.ofSeconds(120), "the metrics table",
          s -> completed(s) > 0 && ttftRow(s).isPresent());
      assertThat(tmux.alternateScreen()).as("on the alternate screen").isTrue();
      assertThat(first).contains("Profiling", "ETA", "Metric", "p99", "p50", "Errors by type",
          "Workers", "worker_0", "Log");
      // The log goes to the dashboard's tail, not over the screen.
      assertThat(first).contains("Dataset ready");
      String later = awaitScreen(tmux, Duration.ofSeconds(30), "a later table",
          s -> completed(s) > completed(first) && ttftRow(s).isPresent()
              && !ttftRow(s).equals(ttftRow(first)));
      Files.writeString(ARTIFACTS.resolve("dashboard.txt"), later, StandardCharsets.UTF_8);
      Files.writeString(ARTIFACTS.resolve("dashboard.ansi"), tmux.captureWithColours(),
          StandardCharsets.UTF_8);
      assertThat(later).contains("Request Throughput");

      tmux.press("C-c");
      awaitScreen(tmux, Duration.ofSeconds(60), "the shell prompt after Ctrl-C",
          s -> s.contains("EXIT=") && s.stripTrailing().endsWith(Tmux.PROMPT.trim()));
      String after = tmux.captureWithHistory();
      Files.writeString(ARTIFACTS.resolve("after-ctrl-c.txt"), after, StandardCharsets.UTF_8);
      assertThat(after).contains("EXIT=130");
      assertThat(tmux.alternateScreen()).as("back on the normal screen").isFalse();
      assertThat(tmux.cursorShown()).as("the cursor is shown").isTrue();
      // On the normal screen: what Ctrl-C said, then the console table, marked cancelled.
      assertThat(after).contains("Interrupted: no new requests", "NVIDIA AIPerf | LLM Metrics",
          "cancelled early");
      assertThat(after.indexOf("Interrupted:")).isLessThan(after.indexOf("LLM Metrics"));
    }
    assertThat(Files.readString(dir.resolve("stty.after")))
        .as("the terminal's modes (echo, line editing) as before the run")
        .isEqualTo(Files.readString(dir.resolve("stty.before")));
    JsonNode json = new ObjectMapper().readTree(out.resolve("profile_export_aiperf.json")
        .toFile());
    assertThat(json.get("was_cancelled").asBoolean()).isTrue();
    assertThat(json.get("is_complete").asBoolean()).isFalse();
    assertThat(json.get("incomplete_reason").asText()).contains("cancelled");
    assertThat(json.at("/request_count/avg").asDouble()).isPositive();
    assertThat(out.resolve("profile_export.jsonl")).isNotEmptyFile();
  }

  @Test
  void ctrlCThreeTimes_haltsTheProcess_withTheTerminalGivenBack(@TempDir Path dir)
      throws Exception {
    // Answers take a minute: nothing ends on its own while the keys are pressed.
    Path script = script(dir, "--concurrency", "4", "--request-count", "100", "--mock-ttft",
        "60000", "--artifact-dir", dir.resolve("run").toString());
    try (Tmux tmux = Tmux.start(100, 30, dir)) {
      tmux.typeLine("bash " + script);
      awaitScreen(tmux, Duration.ofSeconds(120), "the dashboard with requests in flight",
          s -> s.contains("Profiling") && s.contains("in flight 4"));
      tmux.press("C-c");
      awaitScreen(tmux, Duration.ofSeconds(30), "the dashboard cancelling",
          s -> s.contains("Cancelling"));
      // The second and third back to back: the third may land while the screen is closing.
      tmux.press("C-c");
      tmux.press("C-c");
      awaitScreen(tmux, Duration.ofSeconds(60), "the shell prompt",
          s -> s.contains("EXIT=") && s.stripTrailing().endsWith(Tmux.PROMPT.trim()));
      assertThat(tmux.captureWithHistory()).contains("EXIT=130");
      assertThat(tmux.alternateScreen()).isFalse();
      assertThat(tmux.cursorShown()).isTrue();
    }
    assertThat(Files.readString(dir.resolve("stty.after")))
        .isEqualTo(Files.readString(dir.resolve("stty.before")));
  }

  @Test
  void sigterm_writesTheExports_andGivesTheTerminalBack(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("run");
    Path script = script(dir, "--concurrency", "8", "--request-count", "1000000", "--osl",
        "20", "--isl", "16", "--mock-ttft", "20", "--mock-itl", "5", "--artifact-dir",
        out.toString());
    try (Tmux tmux = Tmux.start(120, 40, dir)) {
      tmux.typeLine("bash " + script);
      awaitScreen(tmux, Duration.ofSeconds(120), "the metrics table",
          s -> completed(s) > 0 && ttftRow(s).isPresent());
      String pid = Files.readString(dir.resolve("java.pid")).trim();
      assertThat(new ProcessBuilder("kill", "-TERM", pid).start().waitFor()).isZero();
      awaitScreen(tmux, Duration.ofSeconds(90), "the shell prompt after SIGTERM",
          s -> s.contains("EXIT=") && s.stripTrailing().endsWith(Tmux.PROMPT.trim()));
      assertThat(tmux.captureWithHistory()).contains("EXIT=143", "cancelled early");
      assertThat(tmux.alternateScreen()).isFalse();
      assertThat(tmux.cursorShown()).isTrue();
    }
    assertThat(Files.readString(dir.resolve("stty.after")))
        .isEqualTo(Files.readString(dir.resolve("stty.before")));
    JsonNode json = new ObjectMapper().readTree(out.resolve("profile_export_aiperf.json")
        .toFile());
    assertThat(json.get("was_cancelled").asBoolean()).isTrue();
  }

  @Test
  void aTerminalTooSmall_fallsBackToSimple_withANote(@TempDir Path dir) throws Exception {
    Path script = script(dir, "--concurrency", "4", "--request-count", "60", "--osl", "20",
        "--isl", "16", "--mock-ttft", "20", "--mock-itl", "5", "--artifact-dir",
        dir.resolve("run").toString());
    try (Tmux tmux = Tmux.start(70, 20, dir)) {
      tmux.typeLine("bash " + script);
      awaitScreen(tmux, Duration.ofSeconds(120), "the end of the run",
          s -> s.contains("EXIT=") && s.stripTrailing().endsWith(Tmux.PROMPT.trim()));
      String after = tmux.captureWithHistory();
      assertThat(tmux.alternateScreen()).isFalse();
      List<String> lines = after.lines().toList();
      assertThat(lines).contains("Note: the terminal is 70x20 and the dashboard needs at least"
          + " 80x24; showing --ui simple instead.");
      assertThat(after).contains("requests done", "EXIT=0");
    }
  }
}
