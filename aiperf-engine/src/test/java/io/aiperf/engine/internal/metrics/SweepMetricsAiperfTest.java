package io.aiperf.engine.internal.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The time-weighted metrics against AIPerf 0.13 itself: the same requests fed to AIPerf's own
 * column store and sweep-line code (src/test/resources/aiperf-0.13/sweep_metrics.py) and to
 * {@link RequestSpans}, over the whole run and over slices of it; every statistic of every metric
 * agrees to floating-point rounding. Runs where {@code AIPERF_PYTHON} names a Python with
 * {@code aiperf==0.13.0} ({@code compat/aiperf-0.13/setup-venv.sh}; {@code .ci/run} sets it),
 * skipped elsewhere.
 */
final class SweepMetricsAiperfTest {
  private static final Statistic[] STATS = {Statistic.AVG, Statistic.MIN, Statistic.MAX,
      Statistic.P50, Statistic.P90, Statistic.P95, Statistic.P99, Statistic.STD};
  private static final long T0 = 5_000_000_000L;

  /** One request as both sides get it. */
  private record Req(long start, long end, double ttft, double isl, double osl, double[] gaps) {}

  /**
   * Requests with random timing: streams with chunk gaps (back-to-back chunks among them, and
   * some whose last chunk is stamped after the end), single-chunk answers, failures.
   */
  private static List<Req> requests(int n, boolean chunks, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Req> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      long start = random.nextLong(2_000_000_000L);
      if (random.nextInt(12) == 0) { // failed: no first token, no lengths
        out.add(new Req(start, start + random.nextLong(1, 50_000_000), Double.NaN, Double.NaN,
            Double.NaN, new double[0]));
        continue;
      }
      long ttft = random.nextInt(10) == 0 ? 0 : random.nextLong(1, 40_000_000);
      int count = chunks && random.nextInt(8) > 0 ? random.nextInt(1, 40) : 0;
      double[] gaps = new double[count];
      long sum = 0;
      for (int k = 0; k < count; k++) {
        gaps[k] = random.nextInt(5) == 0 ? 0 : random.nextInt(1, 6_000_000);
        sum += (long) gaps[k];
      }
      long tail = random.nextInt(6) == 0 ? -random.nextLong(0, 2_000_000)
          : random.nextLong(0, 3_000_000);
      long end = start + ttft + Math.max(0, sum + tail);
      double osl = random.nextInt(20) == 0 ? random.nextInt(0, 2) : random.nextInt(1, 300);
      out.add(new Req(start, end, ttft, random.nextInt(1, 4_000), osl, gaps));
    }
    return out;
  }

  @ParameterizedTest(name = "chunk gaps: {0}, seed {1}")
  @CsvSource({"true, 1", "true, 2", "false, 3"})
  void sameNumbersAsAiperf(boolean chunks, long seed, @TempDir Path dir) throws Exception {
    String python = System.getenv("AIPERF_PYTHON");
    Assumptions.assumeTrue(python != null && !python.isBlank(),
        "AIPERF_PYTHON is not set: run compat/aiperf-0.13/setup-venv.sh and set it to the python"
            + " it prints to check the time-weighted metrics against AIPerf 0.13's own code");
    List<Req> reqs = requests(400, chunks, seed);
    RequestSpans spans = new RequestSpans();
    List<Object> rows = new ArrayList<>();
    long first = reqs.get(0).start();
    for (Req r : reqs) {
      spans.add(T0 + r.start(), T0 + r.end(), r.ttft(), r.isl(), r.osl(), r.gaps(), 0,
          r.gaps().length);
      // AIPerf gets the curves' own times (from the first request's start), exact in float64.
      rows.add(java.util.Arrays.asList(r.start() - first, r.end() - first, json(r.ttft()),
          json(r.isl()), json(r.osl()), r.gaps()));
    }
    double lo = reqs.stream().mapToLong(Req::start).min().orElseThrow() - first;
    double hi = reqs.stream().mapToLong(Req::end).max().orElseThrow() - first;
    List<double[]> windows = List.of(new double[] {lo - 1e6, hi}, new double[] {lo, lo + 5e8},
        new double[] {lo + 5e8, lo + 1e9}, new double[] {lo + 1.5e9, hi},
        new double[] {hi - 1e3, hi + 1e9}, new double[] {lo + 3e8, lo + 3e8});
    Map<String, Object> input = new LinkedHashMap<>();
    input.put("records", rows);
    input.put("windows", windows);
    ObjectMapper mapper = new ObjectMapper();
    Path in = dir.resolve("in.json");
    mapper.writeValue(in.toFile(), input);
    Path script = Path.of(getClass().getResource("/aiperf-0.13/sweep_metrics.py").toURI());
    Path outFile = dir.resolve("out.json");
    Process p = new ProcessBuilder(python, script.toString(), in.toString())
        .redirectOutput(outFile.toFile()).redirectError(dir.resolve("err.txt").toFile()).start();
    try {
      assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("AIPerf's script ended").isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(p.exitValue()).as(Files.readString(dir.resolve("err.txt"),
        StandardCharsets.UTF_8)).isZero();
    JsonNode theirs = mapper.readTree(outFile.toFile());

    SweepMetrics.Curves curves = spans.curves();
    for (int w = 0; w < windows.size(); w++) {
      double[] win = windows.get(w);
      List<MetricResult> mine = SweepMetrics.over(curves, win[0], win[1]);
      JsonNode their = theirs.get(w);
      assertThat(mine).hasSize(their.size());
      for (MetricResult m : mine) {
        JsonNode t = their.get(m.tag().tag());
        assertThat(t).as(m.tag().tag()).isNotNull();
        double scale = Math.max(1, Math.abs(t.get("max").asDouble()));
        for (Statistic s : STATS) {
          assertThat(m.get(s)).as("%s %s in window %d", m.tag().tag(), s.key(), w)
              .isCloseTo(t.get(s.key()).asDouble(), org.assertj.core.api.Assertions.within(
                  1e-9 * scale));
        }
      }
    }
  }

  private static @org.jspecify.annotations.Nullable Object json(double v) {
    return Double.isNaN(v) ? null : v;
  }
}
