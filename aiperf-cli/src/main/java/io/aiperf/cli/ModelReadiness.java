package io.aiperf.cli;

import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.Plugins;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * AIPerf's {@code --wait-for-model-*}: before the run, probe every (URL, model) pair until it
 * answers, as AIPerf 0.13's readiness probe does. {@code inference} (the default) posts a canned
 * one-token request to the endpoint and takes any status below 500 as ready (a 4xx would fail the
 * run's requests the same way); {@code models} polls {@code /v1/models} until the model is listed
 * (a 404 there falls back to a GET of the base URL, ready on a 2xx); {@code both} runs the models
 * check, then inference. Each probe has the whole timeout; attempts are {@code interval} apart.
 * Runs on the CLI's thread before the benchmark starts, with the JDK's HTTP client (HTTP/1.1).
 */
final class ModelReadiness {
  private static final Map<String, String> BODIES = Map.of(
      "chat", "{\"messages\":[{\"role\":\"user\",\"content\":\"Lo\"}],\"max_tokens\":1,",
      "messages", "{\"messages\":[{\"role\":\"user\",\"content\":\"Lo\"}],\"max_tokens\":1,",
      "completions", "{\"prompt\":\"Lo\",\"max_tokens\":1,",
      "embeddings", "{\"input\":\"Lo\",");
  private static final Map<String, String> PATHS = Map.of("chat", "/v1/chat/completions",
      "messages", "/v1/messages", "completions", "/v1/completions",
      "embeddings", "/v1/embeddings");
  private static final Duration MIN_REQUEST_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration MIN_INFERENCE_TIMEOUT = Duration.ofSeconds(30);
  static final List<String> MODES = List.of("inference", "models", "both");

  private final HttpClient http;
  private final EndpointConfig endpoint;
  private final String mode;
  private final Duration timeout;
  private final Duration interval;
  private final PrintWriter err;
  private final Map<String, String> headers;

  private ModelReadiness(EndpointConfig endpoint, String mode, Duration timeout,
      Duration interval, PrintWriter err) {
    this.endpoint = endpoint;
    this.mode = mode;
    this.timeout = timeout;
    this.interval = interval;
    this.err = err;
    HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(MIN_REQUEST_TIMEOUT);
    SSLContext tls = tls(endpoint);
    if (tls != null) {
      b.sslContext(tls);
    }
    this.http = b.build();
    // The user's headers and the format's own (its authorization), as every request sends.
    java.util.LinkedHashMap<String, String> h = new java.util.LinkedHashMap<>(endpoint.headers());
    h.putAll(Plugins.select(EndpointProvider.class, endpoint.type()).headers(endpoint));
    this.headers = h;
  }

  /**
   * Probes until every URL and model is ready.
   *
   * @return null when ready, else the error to report (the probe timed out)
   */
  static @Nullable String await(EndpointConfig endpoint, String mode, Duration timeout,
      Duration interval, PrintWriter err) {
    return new ModelReadiness(endpoint, mode.toLowerCase(Locale.ROOT), timeout, interval, err)
        .run();
  }

  private @Nullable String run() {
    List<String> models = endpoint.models();
    err.printf(Locale.ROOT, "Waiting for the endpoint to be ready (mode=%s, timeout=%ss,"
        + " interval=%ss) across %d URL(s) x %d model(s)%n", mode, seconds(timeout),
        seconds(interval), endpoint.urls().size(), models.size());
    err.flush();
    for (String url : endpoint.urls()) {
      String base = base(url);
      for (String model : models) {
        String failed = null;
        if (!mode.equals("inference")) {
          failed = waitModels(base, model);
        }
        if (failed == null && !mode.equals("models")) {
          failed = waitInference(base, model);
        }
        if (failed != null) {
          return failed;
        }
      }
    }
    return null;
  }

  private @Nullable String waitModels(String base, String model) {
    String modelsUrl = base + "/v1/models";
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    Duration perRequest = max(interval, MIN_REQUEST_TIMEOUT);
    for (int attempt = 1; ; attempt++) {
      Duration left = left(deadline);
      if (left.isZero()) {
        return String.format(Locale.ROOT, "timed out after %ss waiting for model '%s' to"
            + " become ready at %s (checked %d time(s))", seconds(timeout), model, base,
            attempt - 1);
      }
      Answer a = get(modelsUrl, min(perRequest, left));
      if (a.status == 200 && listed(a.body, model)) {
        err.printf(Locale.ROOT, "Model '%s' ready at %s after %d attempt(s)%n", model, base,
            attempt);
        err.flush();
        return null;
      }
      if (a.status == 404) {
        Answer root = get(base, min(perRequest, left(deadline)));
        if (root.status >= 200 && root.status < 300) {
          err.printf(Locale.ROOT, "/v1/models not available at %s; base URL responded %d,"
              + " accepting as ready%n", base, root.status);
          err.flush();
          return null;
        }
      }
      err.printf(Locale.ROOT, "Probe to %s returned %s (attempt %d), retrying in %ss%n",
          modelsUrl, a.describe(), attempt, seconds(interval));
      err.flush();
      pause(deadline);
    }
  }

  private @Nullable String waitInference(String base, String model) {
    String type = endpoint.type();
    String path = endpoint.path().orElse(null);
    String requestUrl;
    if (path != null) {
      requestUrl = base + "/" + path.replaceFirst("^/+", "");
    } else if (hasPath(base)) {
      requestUrl = base;
    } else {
      requestUrl = base + PATHS.getOrDefault(type, PATHS.get("chat"));
    }
    String body = BODIES.getOrDefault(type, BODIES.get("chat"));
    if (!BODIES.containsKey(type)) {
      err.printf(Locale.ROOT, "The readiness probe has no request of its own for endpoint type"
          + " '%s'; it sends chat's, which shows the server is up but may not prove the"
          + " model is ready%n", type);
    }
    String json = body + "\"model\":" + quote(model) + "}";
    long deadline = System.currentTimeMillis() + timeout.toMillis();
    Duration perRequest = max(interval, MIN_INFERENCE_TIMEOUT);
    for (int attempt = 1; ; attempt++) {
      Duration left = left(deadline);
      if (left.isZero()) {
        return String.format(Locale.ROOT, "timed out after %ss probing %s with model '%s'"
            + " (checked %d time(s))", seconds(timeout), requestUrl, model, attempt - 1);
      }
      Answer a = post(requestUrl, json, min(perRequest, left));
      if (a.status > 0 && a.status < 500) {
        err.printf(Locale.ROOT, "Inference probe ready at %s (status=%d, attempt %d)%n",
            requestUrl, a.status, attempt);
        err.flush();
        return null;
      }
      err.printf(Locale.ROOT, "Inference probe to %s returned %s (attempt %d), retrying in"
          + " %ss%n", requestUrl, a.describe(), attempt, seconds(interval));
      err.flush();
      pause(deadline);
    }
  }

  /** One answer: a status, or 0 with the connection's error. */
  private record Answer(int status, String body, String error) {
    String describe() {
      return status > 0 ? String.valueOf(status) : "connection error (" + error + ")";
    }
  }

  private Answer get(String url, Duration requestTimeout) {
    return send(request(url, requestTimeout).GET().build());
  }

  private Answer post(String url, String json, Duration requestTimeout) {
    return send(request(url, requestTimeout).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json, java.nio.charset.StandardCharsets.UTF_8))
        .build());
  }

  private HttpRequest.Builder request(String url, Duration requestTimeout) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(requestTimeout);
    headers.forEach((name, value) -> {
      if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("host")) {
        b.header(name, value);
      }
    });
    return b;
  }

  private Answer send(HttpRequest request) {
    try {
      HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
      return new Answer(r.statusCode(), r.body(), "");
    } catch (IOException e) {
      return new Answer(0, "", e.getMessage() == null ? e.getClass().getSimpleName()
          : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Answer(0, "", "interrupted");
    }
  }

  private void pause(long deadline) {
    long sleep = Math.min(interval.toMillis(), left(deadline).toMillis());
    try {
      Thread.sleep(Math.max(0, sleep));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Duration left(long deadline) {
    return Duration.ofMillis(Math.max(0, deadline - System.currentTimeMillis()));
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
  }

  /** Whether {@code data[].id} lists the model (a plain scan: the body is small). */
  private static boolean listed(String body, String model) {
    try {
      com.fasterxml.jackson.databind.JsonNode root =
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(body);
      for (com.fasterxml.jackson.databind.JsonNode entry : root.path("data")) {
        if (entry.path("id").asText("").equals(model)) {
          return true;
        }
      }
    } catch (IOException notJson) {
      return false;
    }
    return false;
  }

  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*://");

  /** The URL as the client reaches it: http:// added, h2c:// probed as http://, no slash. */
  static String base(String url) {
    String u = url.strip();
    if (u.regionMatches(true, 0, "h2c://", 0, 6)) {
      u = "http://" + u.substring(6);
    } else if (!SCHEME.matcher(u).find()) {
      u = "http://" + u;
    }
    return u.replaceFirst("/+$", "");
  }

  private static boolean hasPath(String base) {
    String path = URI.create(base).getPath();
    return path != null && !path.isEmpty() && !path.equals("/");
  }

  private static String quote(String s) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The run's TLS choices: its CA file, or no verification; null for the JVM's defaults. */
  private static @Nullable SSLContext tls(EndpointConfig endpoint) {
    try {
      if (endpoint.tlsInsecure()) {
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, new TrustManager[] {new TrustingAll()}, new SecureRandom());
        return c;
      }
      if (endpoint.tlsTrust().isPresent()) {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(endpoint.tlsTrust().get())) {
          int i = 0;
          for (Certificate c : CertificateFactory.getInstance("X.509")
              .generateCertificates(in)) {
            store.setCertificateEntry("ca" + i++, c);
          }
        }
        TrustManagerFactory f =
            TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        f.init(store);
        SSLContext c = SSLContext.getInstance("TLS");
        c.init(null, f.getTrustManagers(), new SecureRandom());
        return c;
      }
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalArgumentException("the readiness probe cannot set up TLS: "
          + e.getMessage(), e);
    }
    return null;
  }

  /** --no-ssl-verify: the probe accepts any certificate, as the run's requests do. */
  @SuppressWarnings("java:S4830")
  private static final class TrustingAll implements X509TrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
