package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The option groups of {@code aiperf profile}: help sections and the problems they report. */
final class ProfileOptionsTest {
  private static String[] run(int expectedExit, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AiperfCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    assertThat(code).as(err.toString()).isEqualTo(expectedExit);
    return new String[] {out.toString(), err.toString()};
  }

  @Test
  void help_showsEachGroupUnderItsHeading() {
    String help = run(0, "profile", "--help")[0];
    List<String> headings = List.of("Endpoint:", "Tokenizer:", "Input:", "Fixed Schedule:",
        "Goodput:", "Conversation Input:", "Prompt, ISL and OSL:", "Audio Input:", "Image Input:",
        "Load Generator:", "Warmup:", "User Centric:", "Request Cancellation:", "Output:", "UI:",
        "Service:", "Workers:", "Message Bus and ZMQ:", "Mock Server (--url mock):");
    int at = 0;
    for (String h : headings) {
      int next = help.indexOf("\n" + h + "\n", at);
      assertThat(next).as(h).isGreaterThan(at);
      at = next;
    }
    assertThat(help).contains("--zmq-port=<zmqPort>", "--api-key=<apiKey>",
        "--mock-reasoning-tokens=<mockReasoningTokens>", "(default 550)");
  }

  @Test
  void flagProblems_areReportedTogetherInTheirFixedOrder() {
    String err = run(AiperfCommand.EXIT_USAGE, "profile", "-m", " ", "--url", "mock,x",
        "--ui", "fancy", "--request-timeout-seconds", "0", "-H", "NoColon",
        "--extra-inputs", "nocolon", "--tokenizer", "no_such_tokenizer",
        "--dataset-sampling-strategy", "sideways")[1];
    List<String> lines = err.lines().toList();
    assertThat(lines).hasSize(9);
    assertThat(lines.get(0)).isEqualTo("Error: --ui was 'fancy' but it must be dashboard, simple or none");
    assertThat(lines.get(1)).isEqualTo(
        "Error: --request-timeout-seconds was '0.0' but it must be > 0");
    assertThat(lines.get(2)).isEqualTo("Error: --header was 'NoColon' but it must be 'Name:Value'");
    assertThat(lines.get(3)).isEqualTo(
        "Error: --extra-inputs was 'nocolon' but it must be 'key:value' or a JSON object");
    assertThat(lines.get(4)).isEqualTo(
        "Error: --model was empty but it needs at least one model name");
    assertThat(lines.get(5)).isEqualTo("Error: --url was 'mock,x' but 'mock' stands alone: it"
        + " starts one embedded server");
    assertThat(lines.get(6)).startsWith("Error: tokenizer was 'no_such_tokenizer' but it is"
        + " neither a tiktoken encoding");
    assertThat(lines.get(7)).isEqualTo("Error: dataset sampling strategy was 'sideways' but it"
        + " must be sequential, random or shuffle");
    assertThat(lines.get(8)).isEqualTo("Run 'aiperf profile --help' for the options.");
  }

  @Test
  void runProblems_areReportedTogetherInTheirFixedOrder() {
    String err = run(AiperfCommand.EXIT_USAGE, "profile", "-m", "m", "--url", "127.0.0.1:1",
        "--slice-duration", "NaN", "--export-level", "all", "--goodput", "ttft",
        "--arrival-pattern", "wave", "--startup-timeout", "Infinity", "--warmup-duration", "NaN",
        "--concurrency-ramp-duration", "NaN", "--workers-remote", "0", "--zmq-port", "1")[1];
    assertThat(err.lines().toList()).startsWith(
        "Error: --slice-duration was 'NaN' but it must be a finite number of seconds",
        "Error: --export-level was 'all' but it must be summary, records or raw",
        "Error: --goodput part was 'ttft' but it must be 'metric_tag:number', e.g."
            + " time_to_first_token:200",
        "Error: --arrival-pattern was 'wave' but it must be constant, poisson or gamma",
        "Error: --startup-timeout was 'Infinity' but it must be a finite number of seconds",
        "Error: --warmup-duration was 'NaN' but it must be a finite number of seconds",
        "Error: --concurrency-ramp-duration was 'NaN' but it must be a finite number of seconds",
        "Error: --workers-remote was '0' but it must be at least 1",
        "Error: --zmq-host, --zmq-port and the CURVE flags apply to the zmq bus only: add"
            + " --workers-remote N or --message-bus zmq");
  }
}
