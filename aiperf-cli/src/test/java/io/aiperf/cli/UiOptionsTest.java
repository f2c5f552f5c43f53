package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkListener;
import io.aiperf.api.Endpoints;
import io.aiperf.cli.dashboard.Dashboard;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Which display a run gets, as AIPerf chooses it. */
final class UiOptionsTest {
  private static UiOptions ui(@Nullable String asked, boolean terminal) {
    UiOptions ui = new UiOptions();
    ui.ui = asked;
    ui.stdoutIsTerminal = () -> terminal;
    return ui;
  }

  private static String resolve(@Nullable String asked, boolean terminal, StringWriter err) {
    return ui(asked, terminal).resolve(new PrintWriter(err, true));
  }

  @Test
  void unasked_isTheDashboardOnATerminal_andNoneOtherwise() {
    StringWriter err = new StringWriter();
    assertThat(resolve(null, true, err)).isEqualTo("dashboard");
    assertThat(resolve(null, false, err)).isEqualTo("none");
    assertThat(err.toString()).isEmpty();
  }

  @Test
  void anAskedDashboardWithoutATerminal_isSimple_withANote() {
    StringWriter err = new StringWriter();
    assertThat(resolve("dashboard", false, err)).isEqualTo("simple");
    assertThat(err.toString()).isEqualTo("Note: --ui dashboard needs a terminal and standard"
        + " output is not one; showing --ui simple instead." + System.lineSeparator());
  }

  @Test
  void simpleAndNone_areKeptWhereverTheyRun() {
    StringWriter err = new StringWriter();
    assertThat(resolve("SIMPLE", true, err)).isEqualTo("simple");
    assertThat(resolve("none", true, err)).isEqualTo("none");
    assertThat(resolve("dashboard", true, err)).isEqualTo("dashboard");
  }

  @Test
  void anUnknownDisplay_isAProblemNamingTheChoices() {
    List<String> problems = new ArrayList<>();
    ui("fancy", true).validate(problems);
    assertThat(problems).containsExactly(
        "--ui was 'fancy' but it must be dashboard, simple or none");
  }

  @Test
  void theDashboard_isTheRunsListener() {
    UiOptions ui = ui(null, true);
    Benchmark.Builder b = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("demo"));
    ui.configure(b, new PrintWriter(new StringWriter(), true), false);
    BenchmarkListener listener = b.build().listener();
    assertThat(listener).isInstanceOf(Dashboard.class).isSameAs(ui.dashboard());

    UiOptions none = ui(null, false);
    Benchmark.Builder quiet = Benchmark.builder()
        .endpoint(Endpoints.openAiChat("http://127.0.0.1:8000").model("demo"));
    none.configure(quiet, new PrintWriter(new StringWriter(), true), false);
    assertThat(quiet.build().listener()).isSameAs(BenchmarkListener.NONE);
    assertThat(none.dashboard()).isNull();
  }
}
