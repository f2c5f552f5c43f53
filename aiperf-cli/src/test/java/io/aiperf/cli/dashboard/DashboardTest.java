package io.aiperf.cli.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.BenchmarkListener;
import io.aiperf.api.BenchmarkProgress;
import io.aiperf.api.Endpoints;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * The dashboard without a terminal (tests run with standard output on a pipe): it says why it
 * cannot draw and hands everything to the simple display. Its screen is tested in DashboardIT.
 */
final class DashboardTest {
  @Test
  void withoutATerminal_itNotes_andTheSimpleDisplayTakesOver() {
    StringWriter err = new StringWriter();
    List<String> heard = new CopyOnWriteArrayList<>();
    BenchmarkListener simple = new BenchmarkListener() {
      @Override
      public void onStart(BenchmarkConfig config) {
        heard.add("start");
      }

      @Override
      public void onProgress(BenchmarkProgress p) {
        heard.add("progress " + p.completed());
      }

      @Override
      public void onWaitingForWorkers(int count, String address) {
        heard.add("waiting " + count);
      }
    };
    Dashboard d = new Dashboard(new PrintWriter(err, true), simple);
    d.open();
    assertThat(err.toString()).startsWith("Note: ").endsWith("; showing --ui simple instead."
        + System.lineSeparator());
    d.onWaitingForWorkers(2, "tcp://127.0.0.1:5557");
    d.onStart(Benchmark.builder().endpoint(Endpoints.openAiChat("http://127.0.0.1:1")
        .model("demo")).build());
    d.onProgress(new BenchmarkProgress(3, 0, 10, 1, 0, Duration.ZERO, Duration.ZERO,
        Duration.ZERO));
    assertThat(heard).containsExactly("waiting 2", "start", "progress 3");
    // Messages go straight to stderr when nothing is on screen.
    d.messages().println("Interrupted: no new requests");
    assertThat(err.toString()).endsWith("Interrupted: no new requests" + System.lineSeparator());
    d.close();
    d.close();
  }

  @Test
  void closedBeforeItOpened_itStaysClosed() {
    StringWriter err = new StringWriter();
    Dashboard d = new Dashboard(new PrintWriter(err, true), BenchmarkListener.NONE);
    d.close();
    d.open();
    assertThat(err.toString()).isEmpty();
  }
}
