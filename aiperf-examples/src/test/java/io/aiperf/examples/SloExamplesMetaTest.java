package io.aiperf.examples;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.EventConditions.test;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;

/** Proves the SLO example fails a build when the server is too slow, with a useful message. */
final class SloExamplesMetaTest {
  @Test
  void slowServer_failsTheSlo_namingMetricValueAndThreshold() {
    EngineTestKit.engine("junit-jupiter")
        .selectors(selectClass(SlowServerSloExample.class))
        .execute()
        .testEvents()
        .assertThatEvents()
        .haveExactly(1, event(test("ttftMeetsItsSlo"), finishedWithFailure(
            instanceOf(AssertionError.class),
            message(m -> measured(m) >= 300.0
                && m.contains("ms, expected < 200.0 [chat http://127.0.0.1:")
                && m.contains("concurrency 8, 64 requests]")))));
  }

  /**
   * The p99 the message names: at least the mock's 300 ms TTFT; how far above depends on how
   * busy the machine is, so no upper bound beyond the SLO's failure.
   */
  private static double measured(String message) {
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("^time_to_first_token p99 was (\\d+\\.\\d+) ms").matcher(message);
    return m.find() ? Double.parseDouble(m.group(1)) : -1;
  }
}
