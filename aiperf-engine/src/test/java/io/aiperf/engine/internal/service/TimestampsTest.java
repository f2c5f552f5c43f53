package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Datasets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file is a trace when its entries carry timestamps, as the dataset manager decides later. */
final class TimestampsTest {
  @Test
  void aTimestampField_makesATrace_aWordInATextDoesNot() {
    assertThat(Timestamps.lineHasTimestamp("{\"timestamp\": 1000, \"text\": \"hi\"}", false))
        .isTrue();
    assertThat(Timestamps.lineHasTimestamp("{\"text\": \"the \\\"timestamp\\\": 5 field\"}",
        false)).isFalse();
    assertThat(Timestamps.lineHasTimestamp("{\"meta\": {\"timestamp\": 5}, \"text\": \"x\"}",
        false)).isFalse();
    assertThat(Timestamps.lineHasTimestamp("not json", false)).isFalse();
  }

  @Test
  void sessions_areTracesByTheirFirstTurn() {
    assertThat(Timestamps.lineHasTimestamp("{\"session_id\": \"a\", \"turns\": [{\"text\": \"x\","
        + " \"timestamp\": 10}, {\"text\": \"y\"}]}", true)).isTrue();
    assertThat(Timestamps.lineHasTimestamp("{\"session_id\": \"a\", \"turns\": [{\"text\": \"x\"},"
        + " {\"text\": \"y\", \"timestamp\": 10}]}", true)).isFalse();
  }

  @Test
  void formatsWithoutTiming_areNeverTraces(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("a.jsonl");
    Files.writeString(file, "{\"text\": \"a\"}\n\n{\"timestamp\": 3, \"text\": \"b\"}\n");
    assertThat(Timestamps.inFile(Datasets.singleTurn(file))).isTrue();
    assertThat(Timestamps.inFile(Datasets.shareGpt(file))).isFalse();
    Files.writeString(file, "{\"text\": \"a\"}\n{\"text\": \"b\"}\n");
    assertThat(Timestamps.inFile(Datasets.singleTurn(file))).isFalse();
    assertThat(Timestamps.inFile(Datasets.singleTurn(dir.resolve("missing.jsonl")))).isFalse();
  }

  @Test
  void aNamedPipe_isNotRead(@TempDir Path dir) throws Exception {
    // Nobody writes to it: reading would block the services' start-up, not the dataset load.
    Path fifo = dir.resolve("prompts.jsonl");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    org.junit.jupiter.api.Assumptions.assumeTrue(mkfifo.waitFor() == 0, "mkfifo");
    assertThat(Timestamps.inFile(Datasets.singleTurn(fifo))).isFalse();
  }
}
