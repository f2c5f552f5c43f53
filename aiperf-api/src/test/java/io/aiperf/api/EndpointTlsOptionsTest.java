package io.aiperf.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The TLS options of an endpoint: kept by every copy, checked by build(). */
final class EndpointTlsOptionsTest {
  @TempDir Path dir;

  private static Benchmark.Builder with(EndpointConfig endpoint) {
    return Benchmark.builder().endpoint(endpoint.model("m")).requestCount(1)
        .dataset(Datasets.synthetic());
  }

  @Test
  void defaults_verifyAndOfferHttp1Only_andEveryCopyKeepsTheOptions() throws Exception {
    EndpointConfig plain = Endpoints.openAiChat("https://h");
    assertThat(plain.tlsTrust()).isEmpty();
    assertThat(plain.tlsInsecure()).isFalse();
    assertThat(plain.http2()).isFalse();
    Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
    EndpointConfig e = plain.tlsTrust(ca).http2(true).model("m").streaming(true)
        .header("A", "b").apiKey("k").requestTimeout(java.time.Duration.ofSeconds(1));
    assertThat(e.tlsTrust()).contains(ca);
    assertThat(e.http2()).isTrue();
    assertThat(e.tlsInsecure(true).tlsInsecure()).isTrue();
    assertThat(e.toString()).contains("tlsTrust=" + ca, "http2=true");
    with(e).build();
  }

  @Test
  void tlsOptionsOnAPlainUrl_andAMissingCaFile_areReportedByName() {
    Path missing = dir.resolve("missing.pem");
    assertThatThrownBy(() -> with(Endpoints.openAiChat("http://h:1").tlsTrust(missing)
        .tlsInsecure(true).http2(true)).build())
        .isInstanceOfSatisfying(InvalidBenchmarkConfigException.class, e ->
            assertThat(e.problems()).containsExactly(
                "tlsTrust was set but url was 'http://h:1': a CA certificate is only used for"
                    + " https URLs",
                "tlsInsecure was set but url was 'http://h:1': certificate checks are only"
                    + " skipped for https URLs",
                "http2 was set but url was 'http://h:1': HTTP/2 is negotiated on https URLs;"
                    + " for HTTP/2 without TLS use an h2c:// URL",
                "tlsTrust was '" + missing + "' but that file does not exist (a PEM file of the"
                    + " CA certificate to trust)",
                "tlsInsecure and tlsTrust were both set: skip verification or trust a CA,"
                    + " not both"));
    with(Endpoints.openAiChat("https://h").tlsInsecure(true).http2(true)).build();
    with(Endpoints.openAiChat("h2c://h:1").http2(true)).build();
  }
}
