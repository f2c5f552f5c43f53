package io.aiperf.api;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * What to benchmark: the server URL, the endpoint type, the model and the request options. Instances
 * are immutable; every {@code with}-style method returns a changed copy, so a base endpoint can be
 * shared and varied freely.
 *
 * <pre>{@code
 * EndpointConfig chat = Endpoints.openAiChat("http://127.0.0.1:8000")
 *     .model("qwen").streaming(true).header("X-Team", "perf");
 * }</pre>
 *
 * <p>Validation happens in {@link Benchmark.Builder#build()}, where every problem is reported
 * together; the methods here only reject {@code null}.
 *
 * @since 0.1.0
 */
public final class EndpointConfig {
  /** AIPerf's default request timeout, six hours, matching vLLM's benchmark. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(21_600);

  private final String type;
  private final String url;
  private final @Nullable String model;
  private final boolean streaming;
  private final @Nullable String customPath;
  private final Map<String, String> headers;
  private final @Nullable String apiKey;
  private final Map<String, Object> extraInputs;
  private final boolean useLegacyMaxTokens;
  private final Duration requestTimeout;
  private final boolean useServerTokenCount;
  private final List<String> models;
  private final String modelSelectionStrategy;
  private final List<String> urls;
  private final Tls tls;

  /** The TLS options, kept together so that each copy passes one value on. */
  private record Tls(@Nullable Path trust, boolean insecure, boolean http2) {
    static final Tls DEFAULT = new Tls(null, false, false);
  }

  private EndpointConfig(
      String type,
      String url,
      @Nullable String model,
      boolean streaming,
      @Nullable String customPath,
      Map<String, String> headers,
      @Nullable String apiKey,
      Map<String, Object> extraInputs,
      boolean useLegacyMaxTokens,
      Duration requestTimeout,
      boolean useServerTokenCount,
      List<String> models,
      String modelSelectionStrategy,
      List<String> urls,
      Tls tls) {
    this.type = type;
    this.tls = tls;
    this.url = url;
    this.urls = urls;
    this.model = model;
    this.streaming = streaming;
    this.customPath = customPath;
    this.headers = headers;
    this.apiKey = apiKey;
    this.extraInputs = extraInputs;
    this.useLegacyMaxTokens = useLegacyMaxTokens;
    this.requestTimeout = requestTimeout;
    this.useServerTokenCount = useServerTokenCount;
    this.models = models;
    this.modelSelectionStrategy = modelSelectionStrategy;
  }

  /**
   * Creates an endpoint of the given type; prefer the factories in {@link Endpoints}.
   *
   * @param type the endpoint type, as AIPerf's {@code --endpoint-type} (e.g. {@code chat})
   * @param url the server's base URL, e.g. {@code http://127.0.0.1:8000}
   * @return a new endpoint configuration with defaults for everything else
   * @throws NullPointerException if an argument is null
   */
  public static EndpointConfig of(String type, String url) {
    return new EndpointConfig(
        Objects.requireNonNull(type, "endpoint type"),
        Objects.requireNonNull(url, "url"),
        null,
        false,
        null,
        Map.of(),
        null,
        Map.of(),
        false,
        DEFAULT_REQUEST_TIMEOUT, false, List.of(), "round_robin",
        List.of(Objects.requireNonNull(url, "url")), Tls.DEFAULT);
  }

  /**
   * Returns a copy with the model name sent in every request.
   *
   * @param model the model name
   * @return the changed copy
   */
  public EndpointConfig model(String model) {
    return new EndpointConfig(type, url, Objects.requireNonNull(model, "model"), streaming,
        customPath, headers, apiKey, extraInputs, useLegacyMaxTokens, requestTimeout,
        useServerTokenCount, List.of(model), modelSelectionStrategy, urls, tls);
  }

  /**
   * Returns a copy that spreads requests over several models (AIPerf's {@code -m a,b,c}); the
   * first is also {@link #model()}. Each dataset entry is assigned a model by the
   * {@link #modelSelectionStrategy(String) selection strategy}.
   *
   * @param models the model names, at least one
   * @return the changed copy
   * @throws IllegalArgumentException if the list is empty
   * @since 0.1.0
   */
  public EndpointConfig models(List<String> models) {
    List<String> copy = List.copyOf(models);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("models must hold at least one model but was empty");
    }
    return new EndpointConfig(type, url, copy.get(0), streaming, customPath, headers, apiKey,
        extraInputs, useLegacyMaxTokens, requestTimeout, useServerTokenCount, copy,
        modelSelectionStrategy, urls, tls);
  }

  /**
   * Returns the models requests are spread over.
   *
   * @return the models in order; one element for a single model, empty until set
   * @since 0.1.0
   */
  public List<String> models() {
    return models;
  }

  /**
   * Returns a copy that assigns models to dataset entries this way (AIPerf's
   * {@code --model-selection-strategy}): {@code round_robin} (entry n gets model n mod count, the
   * default) or {@code random} (seeded).
   *
   * @param strategy round_robin or random
   * @return the changed copy
   * @throws IllegalArgumentException for any other name
   * @since 0.1.0
   */
  public EndpointConfig modelSelectionStrategy(String strategy) {
    String s = Objects.requireNonNull(strategy, "modelSelectionStrategy")
        .toLowerCase(java.util.Locale.ROOT);
    if (!s.equals("round_robin") && !s.equals("random")) {
      throw new IllegalArgumentException("model selection strategy was '" + strategy
          + "' but it must be round_robin or random");
    }
    return new EndpointConfig(type, url, model, streaming, customPath, headers, apiKey,
        extraInputs, useLegacyMaxTokens, requestTimeout, useServerTokenCount, models, s, urls, tls);
  }

  /**
   * Returns how models are assigned to dataset entries.
   *
   * @return round_robin or random
   * @since 0.1.0
   */
  public String modelSelectionStrategy() {
    return modelSelectionStrategy;
  }

  /**
   * Returns a copy that spreads requests over several servers of the same model (AIPerf's
   * repeated {@code --url}): each new conversation goes to the next server in turn, and every
   * turn of a conversation to the same one. The first is also {@link #url()}.
   *
   * @param urls the servers' base URLs, at least one
   * @return the changed copy
   * @throws IllegalArgumentException if the list is empty
   * @since 0.1.0
   */
  public EndpointConfig urls(List<String> urls) {
    List<String> copy = List.copyOf(urls);
    if (copy.isEmpty()) {
      throw new IllegalArgumentException("urls must hold at least one URL but was empty");
    }
    EndpointConfig e = new EndpointConfig(type, copy.get(0), model, streaming, customPath,
        headers, apiKey, extraInputs, useLegacyMaxTokens, requestTimeout, useServerTokenCount,
        models, modelSelectionStrategy, copy, tls);
    return e;
  }

  /**
   * Returns the servers requests are spread over.
   *
   * @return the base URLs in order; the first is {@link #url()}
   * @since 0.1.0
   */
  public List<String> urls() {
    return urls;
  }

  /**
   * Returns a copy that asks the server to stream its response (server-sent events).
   *
   * @param streaming whether to stream
   * @return the changed copy
   */
  public EndpointConfig streaming(boolean streaming) {
    return new EndpointConfig(type, url, model, streaming, customPath, headers, apiKey,
        extraInputs, useLegacyMaxTokens, requestTimeout, useServerTokenCount,
        models, modelSelectionStrategy, urls, tls);
  }

  /**
   * Returns a copy that sends requests to this path instead of the endpoint type's default, as
   * AIPerf's {@code --custom-endpoint}.
   *
   * @param path the request path, e.g. {@code /v1/chat/completions}
   * @return the changed copy
   */
  public EndpointConfig path(String path) {
    return new EndpointConfig(type, url, model, streaming, Objects.requireNonNull(path, "path"),
        headers, apiKey, extraInputs, useLegacyMaxTokens, requestTimeout, useServerTokenCount,
        models, modelSelectionStrategy, urls, tls);
  }

  /**
   * Returns a copy that sends one more HTTP header with every request.
   *
   * @param name the header name
   * @param value the header value
   * @return the changed copy
   */
  public EndpointConfig header(String name, String value) {
    Map<String, String> copy = new LinkedHashMap<>(headers);
    copy.put(Objects.requireNonNull(name, "header name"), Objects.requireNonNull(value, "header value"));
    return new EndpointConfig(type, url, model, streaming, customPath,
        Collections.unmodifiableMap(copy), apiKey, extraInputs, useLegacyMaxTokens, requestTimeout,
        useServerTokenCount, models, modelSelectionStrategy, urls, tls);
  }

  /**
   * Returns a copy that authenticates with this key, sent as {@code Authorization: Bearer <key>}.
   * The key is never printed, logged or exported.
   *
   * @param apiKey the secret key
   * @return the changed copy
   */
  public EndpointConfig apiKey(String apiKey) {
    return new EndpointConfig(type, url, model, streaming, customPath, headers,
        Objects.requireNonNull(apiKey, "apiKey"), extraInputs, useLegacyMaxTokens, requestTimeout,
        useServerTokenCount, models, modelSelectionStrategy, urls, tls);
  }

  /**
   * Returns a copy that merges one more field into every request body, as AIPerf's
   * {@code --extra-inputs}. The value must be a String, Number, Boolean, List or Map of those.
   *
   * @param name the JSON field name
   * @param value the JSON value
   * @return the changed copy
   */
  public EndpointConfig extraInput(String name, Object value) {
    Map<String, Object> copy = new LinkedHashMap<>(extraInputs);
    copy.put(Objects.requireNonNull(name, "extra input name"),
        Objects.requireNonNull(value, "extra input value"));
    return new EndpointConfig(type, url, model, streaming, customPath, headers, apiKey,
        Collections.unmodifiableMap(copy), useLegacyMaxTokens, requestTimeout, useServerTokenCount,
        models, modelSelectionStrategy, urls, tls);
  }

  /**
   * Returns a copy that sends the output length as {@code max_tokens} instead of
   * {@code max_completion_tokens}, for servers that predate the newer field.
   *
   * @param legacy whether to use {@code max_tokens}
   * @return the changed copy
   */
  public EndpointConfig useLegacyMaxTokens(boolean legacy) {
    return new EndpointConfig(type, url, model, streaming, customPath, headers, apiKey,
        extraInputs, legacy, requestTimeout, useServerTokenCount, models, modelSelectionStrategy,
        urls, tls);
  }

  /**
   * Returns a copy with this per-request timeout; a request still unanswered after it becomes an
   * error record.
   *
   * @param timeout the timeout, which must be positive
   * @return the changed copy
   */
  public EndpointConfig requestTimeout(Duration timeout) {
    return new EndpointConfig(type, url, model, streaming, customPath, headers, apiKey,
        extraInputs, useLegacyMaxTokens, Objects.requireNonNull(timeout, "requestTimeout"),
        useServerTokenCount, models, modelSelectionStrategy, urls, tls);
  }

  /**
   * Returns a copy that takes input and output token counts from the server's {@code usage}
   * (the last value each field had in the response), as AIPerf's {@code --use-server-token-count},
   * instead of counting with the client tokenizer. Responses without usage are still counted by
   * the client.
   *
   * @param use whether to trust the server's counts
   * @return the changed copy
   * @since 0.1.0
   */
  public EndpointConfig useServerTokenCount(boolean use) {
    return new EndpointConfig(type, url, model, streaming, customPath, headers, apiKey,
        extraInputs, useLegacyMaxTokens, requestTimeout, use, models, modelSelectionStrategy,
        urls, tls);
  }

  /**
   * Returns whether token counts come from the server's {@code usage}.
   *
   * @return true for server counts
   * @since 0.1.0
   */
  public boolean useServerTokenCount() {
    return useServerTokenCount;
  }

  /**
   * Returns the endpoint type.
   *
   * @return the endpoint type, e.g. {@code chat}
   */
  public String type() {
    return type;
  }

  /**
   * Returns the server's base URL as given.
   *
   * @return the URL
   */
  public String url() {
    return url;
  }

  /**
   * Returns the model name.
   *
   * @return the model, empty until set
   */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  /**
   * Returns whether responses are streamed.
   *
   * @return true for server-sent events
   */
  public boolean streaming() {
    return streaming;
  }

  /**
   * Returns the custom request path.
   *
   * @return the path, empty when the endpoint type's default is used
   */
  public Optional<String> path() {
    return Optional.ofNullable(customPath);
  }

  /**
   * Returns the extra headers, in the order they were added.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Returns the API key. Callers must never print or store it.
   *
   * @return the key, empty when none is set
   */
  public Optional<String> apiKey() {
    return Optional.ofNullable(apiKey);
  }

  /**
   * Returns the extra request-body fields, in the order they were added.
   *
   * @return an unmodifiable map
   */
  public Map<String, Object> extraInputs() {
    return extraInputs;
  }

  /**
   * Returns whether {@code max_tokens} is sent instead of {@code max_completion_tokens}.
   *
   * @return true for the legacy field
   */
  public boolean useLegacyMaxTokens() {
    return useLegacyMaxTokens;
  }

  /**
   * Returns the per-request timeout.
   *
   * @return the timeout
   */
  public Duration requestTimeout() {
    return requestTimeout;
  }

  /**
   * Returns a copy that trusts the server certificates signed by the CA certificate(s) in this
   * PEM file, instead of the JVM's default trust store: for servers with a private CA or a
   * self-signed certificate. The host name is still verified. Only for {@code https} URLs;
   * {@link Benchmark.Builder#build()} reports a file that does not exist.
   *
   * @param caCertificatePem a PEM file holding one or more CA certificates
   * @return the changed copy
   * @since 0.1.0
   */
  public EndpointConfig tlsTrust(Path caCertificatePem) {
    return withTls(new Tls(Objects.requireNonNull(caCertificatePem, "tlsTrust"), tls.insecure(),
        tls.http2()));
  }

  /**
   * Returns a copy that does not verify the server's certificate or host name (curl's
   * {@code --insecure}): for test servers only, since anyone on the path could read the prompts
   * and the API key. A run with it logs one warning saying the server is not verified. Only for
   * {@code https} URLs.
   *
   * @param insecure true to skip verification; false (the default) verifies
   * @return the changed copy
   * @since 0.1.0
   */
  public EndpointConfig tlsInsecure(boolean insecure) {
    return withTls(new Tls(tls.trust(), insecure, tls.http2()));
  }

  /**
   * Returns a copy that offers HTTP/2 on {@code https} URLs: the TLS handshake offers {@code h2}
   * and {@code http/1.1} (ALPN), and the server picks. With h2, requests are streams multiplexed
   * on few connections; if the server picks http/1.1 they run as HTTP/1.1. Without it (the
   * default, as AIPerf) only http/1.1 is offered. For HTTP/2 without TLS use an {@code h2c://}
   * URL instead.
   *
   * @param http2 true to offer HTTP/2
   * @return the changed copy
   * @since 0.1.0
   */
  public EndpointConfig http2(boolean http2) {
    return withTls(new Tls(tls.trust(), tls.insecure(), http2));
  }

  /**
   * Returns the CA certificate file trusted instead of the JVM's trust store.
   *
   * @return the PEM file, empty for the JVM's default trust
   * @since 0.1.0
   */
  public Optional<Path> tlsTrust() {
    return Optional.ofNullable(tls.trust());
  }

  /**
   * Returns whether the server's certificate goes unverified.
   *
   * @return true when verification is off
   * @since 0.1.0
   */
  public boolean tlsInsecure() {
    return tls.insecure();
  }

  /**
   * Returns whether HTTP/2 is offered on {@code https} URLs.
   *
   * @return true when h2 is offered by ALPN
   * @since 0.1.0
   */
  public boolean http2() {
    return tls.http2();
  }

  private EndpointConfig withTls(Tls changed) {
    return new EndpointConfig(type, url, model, streaming, customPath, headers, apiKey,
        extraInputs, useLegacyMaxTokens, requestTimeout, useServerTokenCount, models,
        modelSelectionStrategy, urls, changed);
  }

  /** Describes the endpoint with the API key redacted. */
  @Override
  public String toString() {
    return "EndpointConfig{type=" + type + ", url=" + url + ", model=" + model
        + ", streaming=" + streaming + ", path=" + customPath + ", headers=" + headers.keySet()
        + ", apiKey=" + (apiKey == null ? "none" : "<redacted>") + ", extraInputs="
        + extraInputs.keySet() + ", useLegacyMaxTokens=" + useLegacyMaxTokens
        + ", requestTimeout=" + requestTimeout + ", useServerTokenCount=" + useServerTokenCount
        + (models.size() > 1 ? ", models=" + models + " (" + modelSelectionStrategy + ")" : "")
        + (urls.size() > 1 ? ", urls=" + urls : "")
        + (tls.trust() != null ? ", tlsTrust=" + tls.trust() : "")
        + (tls.insecure() ? ", tlsInsecure=true" : "") + (tls.http2() ? ", http2=true" : "") + "}";
  }
}
