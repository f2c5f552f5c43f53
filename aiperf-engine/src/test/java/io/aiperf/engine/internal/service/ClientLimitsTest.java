package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.Benchmark;
import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.Endpoints;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

final class ClientLimitsTest {
  private static BenchmarkConfig config(String url, int concurrency, List<String> sources) {
    return Benchmark.builder().endpoint(Endpoints.openAiChat(url).model("m"))
        .dataset(Datasets.synthetic()).concurrency(concurrency).requestCount(concurrency)
        .sourceAddresses(sources).build();
  }

  private static List<String> hosts(List<InetAddress> addresses) {
    return addresses.stream().map(InetAddress::getHostAddress).toList();
  }

  @Test
  void loopbackServer_manyConnections_spreadOverLoopbackSources() {
    BenchmarkConfig c = config("http://127.0.0.1:8000", 50_000, List.of());
    assertThat(hosts(ClientLimits.sourceAddresses(c, URI.create("http://127.0.0.1:8000"), 50_000)))
        .containsExactly("127.0.0.1", "127.0.0.2", "127.0.0.3");
  }

  @Test
  void fewConnections_orARemoteServer_leaveTheSourceToTheSystem() {
    assertThat(ClientLimits.sourceAddresses(config("http://127.0.0.1:8000", 64, List.of()),
        URI.create("http://127.0.0.1:8000"), 64)).isEmpty();
    assertThat(ClientLimits.sourceAddresses(config("http://10.1.2.3:8000", 50_000, List.of()),
        URI.create("http://10.1.2.3:8000"), 50_000)).isEmpty();
  }

  @Test
  void configuredSources_win() {
    BenchmarkConfig c = config("http://10.1.2.3:8000", 50_000, List.of("10.0.0.5", "10.0.0.6"));
    assertThat(hosts(ClientLimits.sourceAddresses(c, URI.create("http://10.1.2.3:8000"), 50_000)))
        .containsExactly("10.0.0.5", "10.0.0.6");
  }

  @Test
  void tooFewDescriptors_isExplainedWithTheFix() {
    List<String> problems = ClientLimits.problems(50_000, 3, OptionalLong.of(20_000),
        OptionalLong.of(28_232));
    assertThat(problems).singleElement().asString().contains("50,000 concurrent connections")
        .contains("20,000 (ulimit -n)").contains("ulimit -n 50256");
  }

  @Test
  void tooFewPortsPerSource_isExplainedWithTheFix() {
    List<String> problems = ClientLimits.problems(40_000, 1, OptionalLong.of(1_000_000),
        OptionalLong.of(28_232));
    assertThat(problems).singleElement().asString()
        .contains("40,000 connections per source address exceed the 28,232 ephemeral ports")
        .contains("--source-address");
    assertThat(ClientLimits.problems(40_000, 2, OptionalLong.of(1_000_000),
        OptionalLong.of(28_232))).isEmpty();
  }

  @Test
  void unknownLimits_areNotProblems() {
    assertThat(ClientLimits.problems(1_000_000, 1, OptionalLong.empty(), OptionalLong.empty()))
        .isEmpty();
  }
}
