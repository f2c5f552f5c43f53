package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

final class CalibrateCommandIT {
  private record Run(int exitCode, String out, String err) {}

  private static Run aiperf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AiperfCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
    return new Run(code, out.toString(), err.toString());
  }

  @Test
  void calibrate_measuresTheClientCeiling() throws Exception {
    Run run = aiperf("calibrate", "--step-seconds", "1", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(run.out());
    double requests = doc.get("max_requests_per_second").asDouble();
    double chunks = doc.get("max_chunks_per_second").asDouble();
    assertThat(requests).isPositive();
    // Streams of 256 chunks: many more chunks than requests per second.
    assertThat(chunks).isGreaterThan(requests);
    assertThat(doc.get("paced_rate").asDouble()).isGreaterThanOrEqualTo(100);
    assertThat(doc.get("pacer_lateness_p99_ms").asDouble())
        .isGreaterThanOrEqualTo(doc.get("pacer_lateness_p50_ms").asDouble());
    assertThat(doc.get("cores").asInt()).isEqualTo(Runtime.getRuntime().availableProcessors());
  }

  @Test
  void tooShortAStep_isABadInput() {
    Run run = aiperf("calibrate", "--step-seconds", "0.1");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--step-seconds was '0.1' but it must be at least 1");
  }
}
