package io.aiperf.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

final class MockServerOptionsTest {

    @Test
    void defaults_matchPythonMockServer() {
        MockServerOptions o = MockServerOptions.builder().build();

        assertThat(o.host()).isEqualTo("127.0.0.1");
        assertThat(o.port()).isEqualTo(8000);
        assertThat(o.ttft()).isEqualTo(Duration.ofMillis(20));
        assertThat(o.itl()).isEqualTo(Duration.ofMillis(5));
        assertThat(o.errorRate()).isZero();
        assertThat(o.seed()).isZero();
        assertThat(o.fast()).isFalse();
        assertThat(o.ioThreads()).isZero();
    }

    @Test
    void fast_zeroesEffectiveDelaysButKeepsConfiguredOnes() {
        MockServerOptions o = MockServerOptions.builder().fast(true).build();

        assertThat(o.ttft()).isEqualTo(Duration.ofMillis(20));
        assertThat(o.effectiveTtft()).isZero();
        assertThat(o.effectiveItl()).isZero();
    }

    @Test
    void toBuilder_roundTrips() {
        MockServerOptions o = MockServerOptions.builder().host("0.0.0.0").port(1234).ttft(Duration.ofMillis(7))
                .itl(Duration.ofMillis(3)).errorRate(2.5).seed(9).fast(true).ioThreads(3).build();

        assertThat(o.toBuilder().build()).isEqualTo(o).hasSameHashCodeAs(o);
        assertThat(o.toString()).contains("ttft=7ms", "errorRate=2.5");
    }

    @Test
    void tls_roundTripsAndAGivenCertificateImpliesIt() {
        MockServerOptions selfSigned = MockServerOptions.builder().tls(true).build();
        MockServerOptions given = MockServerOptions.builder()
                .tlsCertificate(java.nio.file.Path.of("c.pem"), java.nio.file.Path.of("k.pem")).build();

        assertThat(MockServerOptions.builder().build().tls()).isFalse();
        assertThat(selfSigned.tls()).isTrue();
        assertThat(selfSigned.toBuilder().build()).isEqualTo(selfSigned).isNotEqualTo(MockServerOptions.builder().build());
        assertThat(selfSigned.toString()).contains("tls=self-signed");
        assertThat(given.tls()).isTrue();
        assertThat(given.toBuilder().build()).isEqualTo(given).isNotEqualTo(selfSigned);
        assertThat(given.tlsPrivateKey()).contains(java.nio.file.Path.of("k.pem"));
        assertThat(given.toBuilder().tls(false).build().tlsCertificateChain()).isEmpty();
    }

    @Test
    void build_rejectsNegativeTtft() {
        assertThatThrownBy(() -> MockServerOptions.builder().ttft(Duration.ofMillis(-1)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("ttft was '-1ms' but it must be >= 0");
    }

    @Test
    void build_rejectsNegativeItl() {
        assertThatThrownBy(() -> MockServerOptions.builder().itl(Duration.ofMillis(-5)).build())
                .hasMessage("itl was '-5ms' but it must be >= 0");
    }

    @Test
    void build_rejectsNullAndHugeDelays() {
        assertThatThrownBy(() -> MockServerOptions.builder().ttft(null).build())
                .hasMessage("ttft was 'null' but it must be >= 0");
        assertThatThrownBy(() -> MockServerOptions.builder().itl(Duration.ofHours(2)).build())
                .hasMessage("itl was '7200000ms' but it must be <= 1h");
    }

    @Test
    void build_rejectsBadPort() {
        assertThatThrownBy(() -> MockServerOptions.builder().port(70000).build())
                .hasMessage("port was '70000' but it must be between 0 and 65535 (0 = any free port)");
    }

    @Test
    void build_rejectsBadErrorRate() {
        assertThatThrownBy(() -> MockServerOptions.builder().errorRate(101).build())
                .hasMessage("errorRate was '101.0' but it must be a percentage between 0 and 100");
        assertThatThrownBy(() -> MockServerOptions.builder().errorRate(Double.NaN).build())
                .hasMessageStartingWith("errorRate was 'NaN'");
    }

    @Test
    void build_rejectsBlankHostAndNegativeThreads() {
        assertThatThrownBy(() -> MockServerOptions.builder().host(" ").build())
                .hasMessageStartingWith("host was ' '");
        assertThatThrownBy(() -> MockServerOptions.builder().ioThreads(-1).build())
                .hasMessage("ioThreads was '-1' but it must be >= 0 (0 = one per processor)");
    }

    @Test
    void separateEvents_offByDefault_andGapsNeedIt() {
        MockServerOptions o = MockServerOptions.builder().build();
        assertThat(o.separateEvents()).isFalse();
        assertThat(o.roleLead()).isZero();
        assertThat(o.tailGap()).isZero();
        assertThat(o.recordWrites()).isZero();
        assertThatThrownBy(() -> MockServerOptions.builder().roleLead(Duration.ofMillis(5)).build())
                .hasMessage("roleLead was '5ms' but it must be 0 unless events are separate (separateEvents)");
        assertThatThrownBy(() -> MockServerOptions.builder().separateEvents(true)
                .tailGap(Duration.ofMillis(-1)).build())
                .hasMessage("tailGap was '-1ms' but it must be >= 0");
        assertThatThrownBy(() -> MockServerOptions.builder().recordWrites(-1).build())
                .hasMessage("recordWrites was '-1' but it must be >= 0");
    }

    @Test
    void separateEvents_roundTripsThroughToBuilder() {
        MockServerOptions o = MockServerOptions.builder().separateEvents(true).roleLead(Duration.ofMillis(7))
                .tailGap(Duration.ofMillis(9)).recordWrites(4).build();
        MockServerOptions copy = o.toBuilder().build();
        assertThat(copy.separateEvents()).isTrue();
        assertThat(copy.roleLead()).isEqualTo(Duration.ofMillis(7));
        assertThat(copy.tailGap()).isEqualTo(Duration.ofMillis(9));
        assertThat(copy.recordWrites()).isEqualTo(4);
        assertThat(o.toString()).contains("separateEvents=true, roleLead=7ms, tailGap=9ms");
    }

    @Test
    void everyOption_countsInEquality_andSurvivesToBuilder() {
        MockServerOptions base = MockServerOptions.builder().build();
        java.util.List<java.util.function.UnaryOperator<MockServerOptions.Builder>> changes =
                java.util.List.of(
                        b -> b.stall(3, Duration.ofMillis(5)),
                        b -> b.recordRequests(2),
                        b -> b.faults(1, 0, 0),
                        b -> b.faults(0, 1, 0),
                        b -> b.faults(0, 0, 1),
                        b -> b.reasoningTokens(4),
                        b -> b.cachedPromptTokens(4),
                        b -> b.maxModelLen(4096),
                        b -> b.slowDrip(1, Duration.ofMillis(50)),
                        b -> b.refuseRate(1),
                        b -> b.idleTimeout(Duration.ofSeconds(7)),
                        b -> b.separateEvents(true),
                        b -> b.recordWrites(3),
                        b -> b.gpus(2),
                        b -> b.naturalStop(true),
                        b -> b.saturation(4, Duration.ofMillis(1), Duration.ofMillis(1)));
        for (int i = 0; i < changes.size(); i++) {
            MockServerOptions changed = changes.get(i).apply(MockServerOptions.builder()).build();
            assertThat(changed).as("change %d", i).isNotEqualTo(base);
            assertThat(changed.toBuilder().build()).as("change %d", i).isEqualTo(changed)
                    .hasSameHashCodeAs(changed);
        }
        MockServerOptions saturated = MockServerOptions.builder()
                .saturation(4, Duration.ofMillis(1), Duration.ofMillis(1)).build();
        assertThat(MockServerOptions.builder().saturation(4, Duration.ofMillis(1), Duration.ofMillis(2))
                .build()).isNotEqualTo(saturated);
    }
}
