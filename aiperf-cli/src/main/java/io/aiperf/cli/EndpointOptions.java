package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.Endpoints;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Endpoint group: the server, its API format, the model and how requests are sent. */
final class EndpointOptions {
  @Option(names = {"-m", "--model", "--model-names"}, required = true, split = ",",
      description = "Model name sent in requests; several (comma-separated or repeated) are"
          + " spread over the dataset entries by --model-selection-strategy.")
  List<String> models = new ArrayList<>();

  @Option(names = "--model-selection-strategy", defaultValue = "round_robin",
      description = "How entries get their model when several are given: round_robin or random"
          + " (default ${DEFAULT-VALUE}).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String modelSelectionStrategy;

  @Option(names = {"-u", "--url"}, split = ",",
      description = "Server base URL (default localhost:8000; http:// is added if missing;"
          + " h2c://host:port speaks HTTP/2 without TLS, many streams per connection; https://"
          + " speaks TLS, see --http2 and the ssl flags);"
          + " repeat it, or separate with commas, to spread conversations over several servers"
          + " in turn. 'mock' starts an embedded mock LLM server on a free loopback port.")
  List<String> urls = new ArrayList<>();

  @Option(names = "--url-strategy", defaultValue = "round_robin",
      description = "How conversations are spread over several --url: round_robin, the only"
          + " strategy AIPerf 0.13 has (each new conversation goes to the next server).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String urlStrategy;

  @Option(names = {"--transport", "--transport-type"}, paramLabel = "TYPE",
      description = "The transport: http, the only one AIPerf 0.13 has (HTTP/1.1, HTTP/2 with"
          + " --http2 or h2c:// URLs).")
  @Nullable String transport;

  /** The endpoint types whose bodies are multipart/form-data uploads, as AIPerf's metadata. */
  static final java.util.List<String> FORM_ENDPOINTS = java.util.List.of("image_edit",
      "audio_transcription");

  @Option(names = "--request-content-type", paramLabel = "TYPE",
      description = "The request body's encoding: multipart/form-data for image_edit and"
          + " audio_transcription (their default), application/json for every other type.")
  @Nullable String requestContentType;

  @Option(names = "--endpoint-type", defaultValue = "chat",
      description = "API format: chat, completions, embeddings, chat_embeddings,"
          + " nim_embeddings, nim_rankings, cohere_rankings, hf_tei_rankings,"
          + " huggingface_generate, responses, messages, image_generation, image_edit,"
          + " audio_transcription, raw or template (default ${DEFAULT-VALUE}); 'aiperf plugins'"
          + " lists all.")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String endpointType;

  @Option(names = {"--custom-endpoint", "--endpoint"},
      description = "Request path instead of the endpoint type's default.")
  @Nullable String customEndpoint;

  @Option(names = "--streaming", description = "Ask for a streamed response (SSE).")
  boolean streaming;

  @Option(names = "--use-server-token-count",
      description = "Take input and output token counts from the server's usage block.")
  boolean useServerTokenCount;

  @Option(names = "--api-key", description = "Sent as 'Authorization: Bearer <key>'; never printed or stored.")
  @Nullable String apiKey;

  @Option(names = "--use-legacy-max-tokens", description = "Send max_tokens instead of max_completion_tokens.")
  boolean legacyMaxTokens;

  @Option(names = "--request-timeout-seconds", defaultValue = "21600",
      description = "Per-request timeout (default ${DEFAULT-VALUE}).")
  double requestTimeoutSeconds;

  @Option(names = "--source-address", split = ",",
      description = "Local IP address(es) to connect from, in turn (repeatable or comma-separated):"
          + " each has its own ~28k ephemeral ports. Against a loopback server aiperf spreads over"
          + " 127.0.0.x by itself above 20,000 connections.")
  List<String> sourceAddresses = new ArrayList<>();

  @Option(names = "--wait-for-model-timeout", defaultValue = "0", paramLabel = "SECONDS",
      description = "Before the run, probe each URL and model until it answers, for at most"
          + " this long (0, the default, skips it; a timeout fails the run).")
  double waitForModelTimeout;

  @Option(names = "--wait-for-model-mode", defaultValue = "inference",
      description = "How the probe checks: inference (a one-token request; any status below"
          + " 500 is ready), models (the model listed by /v1/models) or both (default"
          + " ${DEFAULT-VALUE}).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String waitForModelMode;

  @Option(names = "--wait-for-model-interval", defaultValue = "5", paramLabel = "SECONDS",
      description = "Seconds between probe attempts (default ${DEFAULT-VALUE}).")
  double waitForModelInterval;

  /** The first model: names the artifact directory; null until validated, or with no model. */
  private @Nullable String model;

  void validateTimeout(List<String> problems) {
    if (transport != null && !transport.equalsIgnoreCase("http")) {
      problems.add("--transport was '" + transport + "' but it must be http");
    }
    if (!urlStrategy.equalsIgnoreCase("round_robin")) {
      problems.add("--url-strategy was '" + urlStrategy + "' but it must be round_robin");
    }
    if (requestContentType != null) {
      // As AIPerf: the upload endpoints send forms and nothing else; the others send JSON.
      boolean form = FORM_ENDPOINTS.contains(endpointType.toLowerCase(java.util.Locale.ROOT));
      String wanted = form ? "multipart/form-data" : "application/json";
      if (!requestContentType.strip().equalsIgnoreCase(wanted)) {
        problems.add("--request-content-type was '" + requestContentType + "' but it must be "
            + wanted + " for --endpoint-type " + endpointType + (form
            ? " (it uploads files as a form)"
            : " (multipart/form-data serves the upload endpoints: "
                + String.join(", ", FORM_ENDPOINTS) + ")"));
      }
    }
    if (!(requestTimeoutSeconds > 0)) {
      problems.add("--request-timeout-seconds was '" + requestTimeoutSeconds
          + "' but it must be > 0");
    }
    validateWaitForModel(problems);
  }

  private void validateWaitForModel(List<String> problems) {
    if (!(waitForModelTimeout >= 0) || !Double.isFinite(waitForModelTimeout)) {
      problems.add("--wait-for-model-timeout was '" + waitForModelTimeout
          + "' but it must be >= 0 seconds (0 skips the probe)");
    }
    if (!(waitForModelInterval > 0) || !Double.isFinite(waitForModelInterval)) {
      problems.add("--wait-for-model-interval was '" + waitForModelInterval
          + "' but it must be > 0 seconds");
    }
    String mode = waitForModelMode.strip().toLowerCase(java.util.Locale.ROOT);
    if (!ModelReadiness.MODES.contains(mode)) {
      problems.add("--wait-for-model-mode was '" + waitForModelMode + "' but it must be one of "
          + ModelReadiness.MODES);
    }
    // As AIPerf: a probe setting without the probe is a mistake worth naming.
    if (waitForModelTimeout == 0) {
      List<String> idle = new ArrayList<>();
      if (waitForModelInterval != 5) {
        idle.add("--wait-for-model-interval");
      }
      if (ModelReadiness.MODES.contains(mode) && !mode.equals("inference")) {
        idle.add("--wait-for-model-mode");
      }
      if (!idle.isEmpty()) {
        problems.add(String.join(", ", idle) + " has no effect unless --wait-for-model-timeout"
            + " is set to a positive value");
      }
    }
  }

  /**
   * AIPerf's readiness probe, when {@code --wait-for-model-timeout} asks for it.
   *
   * @return null when ready (or not asked), else why not
   */
  @Nullable String awaitModel(EndpointConfig endpoint, java.io.PrintWriter err) {
    if (waitForModelTimeout <= 0) {
      return null;
    }
    return ModelReadiness.await(endpoint, waitForModelMode.strip(),
        Duration.ofMillis(Math.round(waitForModelTimeout * 1000)),
        Duration.ofMillis(Math.max(1, Math.round(waitForModelInterval * 1000))), err);
  }

  /** Trims the model and URL lists, fills in the default URL and reports what cannot run. */
  void validateModelsAndUrls(List<String> problems) {
    models.replaceAll(String::strip);
    models.removeIf(String::isEmpty);
    if (models.isEmpty()) {
      problems.add("--model was empty but it needs at least one model name");
    } else {
      model = models.get(0);
    }
    urls.replaceAll(String::strip);
    urls.removeIf(String::isEmpty);
    if (urls.isEmpty()) {
      urls.add("localhost:8000");
    }
    if (urls.size() > 1 && urls.stream().anyMatch(u -> u.equalsIgnoreCase("mock"))) {
      problems.add("--url was '" + String.join(",", urls) + "' but 'mock' stands alone: it"
          + " starts one embedded server");
    }
    validateTls(problems);
  }

  /** The TLS flags name themselves here; the API reports the same under its option names. */
  private void validateTls(List<String> problems) {
    List<String> notHttps = urls.stream()
        .filter(u -> !u.regionMatches(true, 0, "https://", 0, 8)).toList();
    if (!notHttps.isEmpty()) {
      String where = " but --url was '" + String.join(",", notHttps) + "': ";
      if (sslCaCert != null) {
        problems.add("--ssl-ca-cert was given" + where + "it applies to https URLs only");
      }
      if (insecure || !sslVerify) {
        problems.add((insecure ? "--insecure" : "--no-ssl-verify") + " was given" + where
            + "it applies to https URLs only");
      }
      if (http2 && notHttps.stream().anyMatch(u -> !u.regionMatches(true, 0, "h2c://", 0, 6))) {
        problems.add("--http2 was given" + where + "HTTP/2 is negotiated on https URLs; for"
            + " HTTP/2 without TLS use an h2c:// URL");
      }
    }
    Path ca = sslCaCert;
    if (ca != null && !Files.isRegularFile(ca)) {
      problems.add("--ssl-ca-cert was '" + ca + "' but that file does not exist");
    }
    if (ca != null && (insecure || !sslVerify)) {
      problems.add("--ssl-ca-cert and " + (insecure ? "--insecure" : "--no-ssl-verify")
          + " were both given: trust a CA or skip verification, not both");
    }
  }

  /**
   * AIPerf's environment variable for certificate checks: {@code AIPERF_HTTP_SSL_VERIFY=false}
   * (or 0, no, off) turns them off as {@code --no-ssl-verify} does.
   */
  static final String SSL_VERIFY_ENV = "AIPERF_HTTP_SSL_VERIFY";

  /** The flags, then the environment for https URLs without a CA file of their own. */
  private boolean sslVerify() {
    boolean https = urls.stream().allMatch(u -> u.regionMatches(true, 0, "https://", 0, 8));
    return sslVerify && !(https && sslCaCert == null
        && envSaysNo(System.getenv(SSL_VERIFY_ENV)));
  }

  static boolean envSaysNo(@Nullable String value) {
    return value != null && java.util.Set.of("false", "0", "no", "off", "n", "f")
        .contains(value.strip().toLowerCase(java.util.Locale.ROOT));
  }

  /** Whether {@code --url mock} asks for the embedded mock server. */
  boolean mock() {
    return urls.get(0).equalsIgnoreCase("mock");
  }

  @Option(names = "--ssl-verify", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Verify the server's TLS certificate and host name on https URLs (default);"
          + " --no-ssl-verify skips it, for test servers only.")
  boolean sslVerify = true;

  @Option(names = "--insecure", description = "Same as --no-ssl-verify (curl's name): do not"
      + " verify the server's TLS certificate. Logs a warning.")
  boolean insecure;

  @Option(names = "--ssl-ca-cert", paramLabel = "FILE",
      description = "PEM file of the CA certificate(s) to trust on https URLs instead of the"
          + " JVM's trust store, e.g. a private CA or a self-signed server certificate.")
  @Nullable Path sslCaCert;

  @Option(names = "--http2", description = "Offer HTTP/2 on https URLs (ALPN h2, falling back to"
      + " HTTP/1.1 if the server picks it): streams multiplexed on few connections. Without it"
      + " only HTTP/1.1 is offered, as AIPerf. For HTTP/2 without TLS use an h2c:// URL.")
  boolean http2;

  /** The first model, or null when none was given (reported by the validation). */
  @Nullable String firstModel() {
    return model;
  }

  /** The first model, after {@link #validateModelsAndUrls}. */
  String model() {
    return Objects.requireNonNull(model, "model() is read only after validateModelsAndUrls"
        + " found no problem");
  }

  boolean multipleModels() {
    return models.size() > 1;
  }

  String endpointType() {
    return endpointType;
  }

  /**
   * The endpoint the flags describe.
   *
   * @param mockUrl the embedded mock server's URL, or null to use --url
   */
  EndpointConfig endpoint(@Nullable String mockUrl) {
    EndpointConfig endpoint = Endpoints.of(endpointType, mockUrl != null ? mockUrl : urls.get(0))
        .urls(mockUrl != null ? List.of(mockUrl) : urls)
        .models(models)
        .modelSelectionStrategy(modelSelectionStrategy)
        .useServerTokenCount(useServerTokenCount)
        .streaming(streaming)
        .useLegacyMaxTokens(legacyMaxTokens)
        .requestTimeout(Duration.ofNanos((long) (requestTimeoutSeconds * 1e9)));
    if (customEndpoint != null) {
      endpoint = endpoint.path(customEndpoint);
    }
    if (apiKey != null) {
      endpoint = endpoint.apiKey(apiKey);
    }
    if (sslCaCert != null) {
      endpoint = endpoint.tlsTrust(sslCaCert);
    }
    return endpoint.tlsInsecure(insecure || !sslVerify()).http2(http2);
  }

  void configure(Benchmark.Builder b) {
    if (!sourceAddresses.isEmpty()) {
      b.sourceAddresses(sourceAddresses);
    }
  }
}
