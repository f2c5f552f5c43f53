package io.aiperf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.jmh.AiperfProfiler;
import java.util.Collection;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/** A smoke run of the JMH example: one shot, in process, with the LLM metrics in JMH's results. */
final class JmhWorkloadExampleIT {
  @Test
  void jmhRunsTheWorkload_andReportsTheLlmMetrics() throws Exception {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(JmhWorkloadExample.class.getName() + ".chatWorkload")
        .forks(0).warmupIterations(0).measurementIterations(1)
        .addProfiler(AiperfProfiler.class)
        .build()).run();
    assertThat(results).hasSize(1);
    var secondary = results.iterator().next().getSecondaryResults();
    assertThat(secondary).containsKeys("aiperf.ttft.p50", "aiperf.ttft.p99", "aiperf.itl.p50",
        "aiperf.latency.p99");
    // The mock's TTFT is 10 ms.
    assertThat(secondary.get("aiperf.ttft.p50").getScore()).isBetween(10.0, 60.0);
  }
}
