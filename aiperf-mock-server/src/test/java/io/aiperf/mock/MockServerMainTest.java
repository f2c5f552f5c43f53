package io.aiperf.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    void parse_saturationFlags_makeTheServerSaturate() throws Exception {
        MockServerOptions o = MockServerMain.parse(new String[] {
            "--slots", "8", "--prefill-per-token-ms=0.05", "--itl-per-request-ms", "0.25"});

        SaturationModel m = o.saturation().orElseThrow();
        assertThat(m.slots()).isEqualTo(8);
        assertThat(m.prefillPerPromptToken()).isEqualTo(Duration.ofNanos(50_000));
        assertThat(m.itlPerRunningRequest()).isEqualTo(Duration.ofNanos(250_000));
        assertThat(MockServerMain.parse(new String[0]).saturation()).isEmpty();
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--prefill-per-token-ms", "1"}))
                .hasMessageContaining("need --slots N");
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--slots", "-1"}))
                .hasMessage("--slots was '-1' but it must be an integer from 0 to 65536");
    }

    @Test
    void parse_noArgs_givesDefaults() throws Exception {
        // The command line's one difference: a server behaves like one, max_tokens a cap.
        assertThat(MockServerMain.parse(new String[0]))
                .isEqualTo(MockServerOptions.builder().naturalStop(true).build());
        assertThat(MockServerMain.parse(new String[] {"--no-natural-stop"}))
                .isEqualTo(MockServerOptions.builder().build());
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
    void parse_tlsFlags(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "c", StandardCharsets.US_ASCII);
        Path key = Files.writeString(dir.resolve("k.pem"), "k", StandardCharsets.US_ASCII);

        MockServerOptions selfSigned = MockServerMain.parse(new String[] {"--tls"});
        MockServerOptions given = MockServerMain.parse(new String[] {
            "--tls-cert", cert.toString(), "--tls-key=" + key});

        assertThat(selfSigned.tls()).isTrue();
        assertThat(selfSigned.tlsCertificateChain()).isEmpty();
        assertThat(given.tls()).isTrue();
        assertThat(given.tlsCertificateChain()).contains(cert);
        assertThat(given.tlsPrivateKey()).contains(key);
        assertThat(MockServerMain.parse(new String[0]).tls()).isFalse();
    }

    @Test
    void parse_badTlsFlags_sayWhatIsMissing(@TempDir Path dir) throws Exception {
        Path cert = Files.writeString(dir.resolve("c.pem"), "c", StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--tls-cert", cert.toString()}))
                .hasMessage("--tls-cert needs --tls-key, the certificate's private key");
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--tls-key", cert.toString()}))
                .hasMessage("--tls-key needs --tls-cert, the certificate chain it belongs to");
        String missing = dir.resolve("missing.pem").toString();
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--tls-cert", missing}))
                .hasMessage("--tls-cert was '" + missing + "' but it must be a readable PEM file");
        assertThatThrownBy(() -> MockServerMain.parse(new String[] {"--tls=yes"}))
                .hasMessageContaining("--tls takes no value");
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
