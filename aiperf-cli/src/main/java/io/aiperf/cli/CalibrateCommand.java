package io.aiperf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.Benchmark;
import io.aiperf.api.Calibration;
import io.aiperf.mock.MockLlmServer;
import io.aiperf.mock.MockServerOptions;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code aiperf calibrate}: the client's own ceiling on this machine, so a run near it is read as
 * the client's limit and not the server's.
 */
@Command(name = "calibrate", mixinStandardHelpOptions = true,
    description = "Measure this machine's client ceiling (max requests/s, max chunks/s, pacer"
        + " lateness) against an in-process mock that answers at once.")
final class CalibrateCommand implements Callable<Integer> {
  @Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
  CommandSpec spec;

  @Option(names = "--step-seconds", defaultValue = "5",
      description = "Seconds each of the three measuring steps runs (default ${DEFAULT-VALUE};"
          + " the whole takes about 4x this).")
  double stepSeconds;

  @Option(names = "--json", description = "Print the result as JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!(stepSeconds >= 1) || !Double.isFinite(stepSeconds)) {
      err.println("Error: --step-seconds was '" + stepSeconds + "' but it must be at least 1");
      return AiperfCommand.EXIT_USAGE;
    }
    Duration step = Duration.ofMillis(Math.round(stepSeconds * 1000));
    err.println("Calibrating: about " + Math.round(stepSeconds * 4) + " s...");
    err.flush();
    Calibration c;
    // The mock in its fast mode answers at once: whatever limits the runs is the client.
    try (MockLlmServer mock = MockLlmServer.start(
        MockServerOptions.builder().host("127.0.0.1").port(0).fast(true).build())) {
      c = Benchmark.calibrate(mock.baseUrl(), step);
    }
    if (json) {
      Map<String, Object> doc = new LinkedHashMap<>();
      doc.put("max_requests_per_second", c.maxRequestsPerSecond());
      doc.put("max_chunks_per_second", c.maxChunksPerSecond());
      doc.put("paced_rate", c.pacedRate());
      doc.put("pacer_lateness_p50_ms", c.pacerLatenessP50Ms());
      doc.put("pacer_lateness_p99_ms", c.pacerLatenessP99Ms());
      doc.put("concurrency", c.concurrency());
      doc.put("cores", c.cores());
      doc.put("step_seconds", c.stepDuration().toMillis() / 1000.0);
      out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(doc));
    } else {
      out.print(c.describe());
    }
    out.flush();
    return 0;
  }
}
