package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A server that goes quiet is named on every UI, as a user sees the CLI: the mock holds every
 * first token for 3 s, and the run warns after 1 s of silence, with the count and the longest
 * silence, which the mock's TTFT bounds.
 */
final class SilenceWarningIT {
  private static final Pattern WARNING = Pattern.compile("2 of 2 requests in flight have received"
      + " nothing from the server for 1\\.0 s or more \\(the longest for (\\d+\\.\\d) s\\)");

  @ParameterizedTest
  @ValueSource(strings = {"none", "simple"})
  void quietRequests_areNamedWithHowManyAndHowLong(String ui, @TempDir Path dir)
      throws Exception {
    Path log = dir.resolve("child.log");
    Process child = new ProcessBuilder(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), AiperfCommand.class.getName(),
        "profile", "--url", "mock", "-m", "demo", "--streaming", "--concurrency", "2",
        "--request-count", "2", "--osl", "4", "--isl", "8", "--mock-ttft", "3000",
        "--mock-itl", "1", "--silence-warning-seconds", "1", "--ui", ui,
        "--artifact-dir", dir.resolve("run").toString()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(child.waitFor(120, TimeUnit.SECONDS)).as("the run ends").isTrue();
      assertThat(child.exitValue()).isZero();
    } finally {
      child.destroyForcibly();
    }
    String out = Files.readString(log);
    Matcher m = WARNING.matcher(out);
    assertThat(m.find()).as(out).isTrue();
    assertThat(Double.parseDouble(m.group(1))).isBetween(1.0, 4.5);
    assertThat(m.find()).as("said once, not every second").isFalse();
    if (ui.equals("simple")) {
      assertThat(out).contains("; 2 of 2 in flight received nothing for 1 s or more (longest ");
    } else {
      assertThat(out).doesNotContain("requests done");
    }
  }
}
