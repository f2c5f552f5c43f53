package com.example.consumer;

import static io.aiperf.junit.AiperfAssertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.Metrics;
import io.aiperf.junit.AiperfTest;
import io.aiperf.mock.MockLlmServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A benchmark against aiperf-junit's embedded mock LLM server, from a JUnit test and from the
 * application's plain main, as a user of the published artifacts runs them.
 */
@AiperfTest(ttftMillis = 5, itlMillis = 1)
final class ConsumerAppTest {

  @Test
  void benchmarkFromAJUnitTest(MockLlmServer server) {
    BenchmarkResult r = ConsumerApp.benchmark(server.baseUrl());

    assertThat(r).meets("request_count>=" + ConsumerApp.REQUESTS);
    assertThat(r).errorRate().isZero();
    assertThat(r).metric(Metrics.TTFT).p50().isLessThan(Duration.ofSeconds(5));
  }

  /**
   * The main runs in a JVM of its own whose class path is the application's classes plus its
   * runtime dependencies, as `java -cp` would run a user's application: no test scope, so no
   * mock server or JUnit. It must find the engine (ServiceLoader) and finish the run.
   */
  @Test
  void benchmarkFromAPlainMain(MockLlmServer server) throws Exception {
    Path target = Path.of("target");
    String runtime = Files.readString(target.resolve("runtime-class-path.txt"),
        StandardCharsets.UTF_8).strip();
    String classPath = target.resolve("classes") + File.pathSeparator + runtime;
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path log = Files.createTempFile(target, "consumer-main", ".log");

    Process main = new ProcessBuilder(List.of(java.toString(), "-cp", classPath,
        ConsumerApp.class.getName(), server.baseUrl()))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    boolean ended = main.waitFor(120, TimeUnit.SECONDS);
    if (!ended) {
      main.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);

    assertTrue(ended, "the main did not end within 120 s:\n" + output);
    assertEquals(0, main.exitValue(), "the main failed:\n" + output);
    assertTrue(output.contains("completed=" + ConsumerApp.REQUESTS + " failed=0"), output);
  }
}
