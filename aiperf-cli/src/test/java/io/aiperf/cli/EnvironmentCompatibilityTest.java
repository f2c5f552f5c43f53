package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every AIPERF_* environment variable of AIPerf 0.13 ({@code aiperf-0.13/environment.tsv}, read
 * out of {@code aiperf.common.environment} by {@code compat/aiperf-0.13/extract_facts.py}) is
 * either read by aiperf-java ({@link #SUPPORTED}, each with the test that shows it) or left out
 * with its reason ({@code aiperf-0.13/environment-left-out.tsv}).
 */
final class EnvironmentCompatibilityTest {
  /** The variables aiperf-java reads, with what they do and the test that shows it. */
  static final Map<String, String> SUPPORTED = Map.of(
      "AIPERF_HTTP_SSL_VERIFY", "false/0/no/off skips certificate checks on https URLs, as"
          + " --no-ssl-verify (EndpointOptionsTlsTest)",
      "AIPERF_SERVICE_HEALTH_PORT", "aiperf service serves /healthz and /readyz on this port"
          + " without --health-port (ServiceHealthIT)",
      "AIPERF_SERVICE_HEALTH_HOST", "the address of that health server without --health-host"
          + " (ServiceHealthIT)");

  private static List<String> resource(String name) throws IOException {
    try (var in = Objects.requireNonNull(EnvironmentCompatibilityTest.class.getClassLoader()
        .getResourceAsStream(name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
    }
  }

  private static List<String> aiperfVariables() throws IOException {
    return resource("aiperf-0.13/environment.tsv").stream().map(l -> l.split("\t", 2)[0])
        .toList();
  }

  private static Map<String, String> leftOut() throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : resource("aiperf-0.13/environment-left-out.tsv")) {
      String[] c = line.split("\t", 2);
      assertThat(c).as("a name, a tab and the reason: " + line).hasSize(2);
      assertThat(out.put(c[0], c[1])).as("listed twice: " + c[0]).isNull();
    }
    return out;
  }

  private static boolean matches(String entry, String variable) {
    return entry.endsWith("*") ? variable.startsWith(entry.substring(0, entry.length() - 1))
        : variable.equals(entry);
  }

  @Test
  void everyAiperfVariable_isReadOrLeftOutWithItsReason() throws IOException {
    List<String> variables = aiperfVariables();
    Map<String, String> leftOut = leftOut();
    List<String> neither = new ArrayList<>();
    for (String v : variables) {
      if (!SUPPORTED.containsKey(v) && leftOut.keySet().stream().noneMatch(e -> matches(e, v))) {
        neither.add(v);
      }
    }
    assertThat(neither).as("AIPERF_* variables neither read nor in environment-left-out.tsv")
        .isEmpty();
    for (String entry : leftOut.keySet()) {
      assertThat(SUPPORTED).as("read and left out: " + entry).doesNotContainKey(entry);
      assertThat(variables.stream().anyMatch(v -> matches(entry, v)))
          .as("environment-left-out.tsv names no AIPerf 0.13 variable: " + entry).isTrue();
    }
    assertThat(variables).containsAll(SUPPORTED.keySet());
  }

  @Test
  void everyVariableReadIsReadByTheCli() throws IOException {
    StringBuilder sources = new StringBuilder();
    try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
      for (Path p : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        sources.append(Files.readString(p, StandardCharsets.UTF_8));
      }
    }
    for (String v : SUPPORTED.keySet()) {
      assertThat(sources.toString()).as(v).contains("\"" + v + "\"");
    }
  }
}
