package io.aiperf.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class MockServerMainTest {

    @Test
    void parse_allFlags() throws Exception {
        MockServerOptions o = MockServerMain.parse(new String[] {
            "--host", "0.0.0.0", "--port=9000", "--ttft", "12.5", "--itl", "0", "--error-rate", "3",
            "--fast", "--seed", "-7", "--io-threads", "4"});

        assertThat(o.host()).isEqualTo("0.0.0.0");
        assertThat(o.port()).isEqualTo(9000);
        assertThat(o.ttft()).isEqualTo(Duration.ofMillis(12).plusNanos(500_000));
        assertThat(o.itl()).isZero();
        assertThat(o.errorRate()).isEqualTo(3.0);
        assertThat(o.fast()).isTrue();
        assertThat(o.seed()).isEqualTo(-7);
        assertThat(o.ioThreads()).isEqualTo(4);
    }

    @Test
    void parse_noArgs_givesDefaults() throws Exception {
        assertThat(MockServerMain.parse(new String[0])).isEqualTo(MockServerOptions.builder().build());
    }

    @Test
    void parse_unknownFlag_namesItAndTheValidOnes() {
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--bogus"}))
                .isInstanceOf(MockServerMain.UsageException.class)
                .hasMessageContaining("'--bogus'")
                .hasMessageContaining("--error-rate");
    }

    @Test
    void parse_badValues_nameTheFlagAndWhatIsValid() {
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--port", "x"}))
                .hasMessage("--port was 'x' but it must be an integer from 0 to 65535");
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--ttft", "-1"}))
                .hasMessage("--ttft was '-1' but it must be milliseconds from 0 to 3600000");
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--error-rate=150"}))
                .hasMessage("--error-rate was '150' but it must be a percentage from 0 to 100");
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--itl"}))
                .hasMessage("--itl needs a value");
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--fast=yes"}))
                .hasMessageContaining("--fast takes no value");
    }

    @Test
    void parse_separateEventFlags() throws Exception {
        MockServerOptions o = MockServerMain.parse(new String[] {
            "--separate-events", "--role-lead-ms", "12", "--tail-gap-ms=3.5"});
        assertThat(o.separateEvents()).isTrue();
        assertThat(o.roleLead()).isEqualTo(Duration.ofMillis(12));
        assertThat(o.tailGap()).isEqualTo(Duration.ofMillis(3).plusNanos(500_000));
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--separate-events=1"}))
                .hasMessageContaining("--separate-events takes no value");
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--tail-gap-ms", "4"}))
                .hasMessageContaining("tailGap was '4ms' but it must be 0 unless events are separate");
    }
}
