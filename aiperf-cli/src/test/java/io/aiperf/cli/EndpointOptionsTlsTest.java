package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.EndpointConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The TLS flags of the endpoint group: what they set and what they refuse. */
final class EndpointOptionsTlsTest {
  @TempDir Path dir;

  private static EndpointOptions parse(String... args) {
    EndpointOptions options = new EndpointOptions();
    new CommandLine(options).parseArgs(args);
    return options;
  }

  private static List<String> problems(EndpointOptions options) {
    List<String> problems = new ArrayList<>();
    options.validateModelsAndUrls(problems);
    return problems;
  }

  @Test
  void byDefault_verifiesAndOffersHttp1Only() {
    EndpointOptions o = parse("-m", "m", "--url", "https://example.com");
    assertThat(problems(o)).isEmpty();
    EndpointConfig e = o.endpoint(null);
    assertThat(e.tlsInsecure()).isFalse();
    assertThat(e.tlsTrust()).isEmpty();
    assertThat(e.http2()).isFalse();
    assertThat(parse("-m", "m", "--url", "https://h", "--ssl-verify").endpoint(null)
        .tlsInsecure()).isFalse();
  }

  @Test
  void noSslVerify_andInsecure_skipVerification_http2_offersH2() throws Exception {
    assertThat(parse("-m", "m", "--url", "https://h", "--no-ssl-verify").endpoint(null)
        .tlsInsecure()).isTrue();
    assertThat(parse("-m", "m", "--url", "https://h", "--insecure").endpoint(null)
        .tlsInsecure()).isTrue();
    Path ca = Files.writeString(dir.resolve("ca.pem"), "-----BEGIN CERTIFICATE-----");
    EndpointOptions o = parse("-m", "m", "--url", "https://h", "--ssl-ca-cert", ca.toString(),
        "--http2");
    assertThat(problems(o)).isEmpty();
    EndpointConfig e = o.endpoint(null);
    assertThat(e.tlsTrust()).contains(ca);
    assertThat(e.http2()).isTrue();
    assertThat(e.tlsInsecure()).isFalse();
  }

  @Test
  void tlsFlagsOnAPlainUrl_andAMissingCaFile_areNamed() {
    Path missing = dir.resolve("nowhere.pem");
    assertThat(problems(parse("-m", "m", "--url", "127.0.0.1:8000", "--ssl-ca-cert",
        missing.toString(), "--insecure", "--http2"))).containsExactly(
        "--ssl-ca-cert was given but --url was '127.0.0.1:8000': it applies to https URLs only",
        "--insecure was given but --url was '127.0.0.1:8000': it applies to https URLs only",
        "--http2 was given but --url was '127.0.0.1:8000': HTTP/2 is negotiated on https URLs;"
            + " for HTTP/2 without TLS use an h2c:// URL",
        "--ssl-ca-cert was '" + missing + "' but that file does not exist",
        "--ssl-ca-cert and --insecure were both given: trust a CA or skip verification, not"
            + " both");
    assertThat(problems(parse("-m", "m", "--url", "http://h", "--no-ssl-verify")))
        .containsExactly("--no-ssl-verify was given but --url was 'http://h': it applies to"
            + " https URLs only");
    assertThat(problems(parse("-m", "m", "--url", "h2c://h:1", "--http2"))).isEmpty();
  }
}
