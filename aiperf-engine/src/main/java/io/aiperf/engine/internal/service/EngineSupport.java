package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.FileDataset;
import io.aiperf.api.SyntheticDataset;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.TokenizerProvider;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Lookups every service needs, each done the same way everywhere. */
public final class EngineSupport {
  private static final Map<String, Tokenizer> TOKENIZERS = new ConcurrentHashMap<>();

  private EngineSupport() {}

  /**
   * The server's base URL, with {@code http://} added when the user gave only host:port, as AIPerf
   * does.
   *
   * @param endpoint the endpoint
   * @return the URL
   */
  public static URI baseUri(EndpointConfig endpoint) {
    return baseUri(endpoint.url());
  }

  /**
   * A server's base URL, with {@code http://} added when the scheme is missing.
   *
   * @param url the URL as the user gave it
   * @return the URL
   */
  public static URI baseUri(String url) {
    return URI.create(url.contains("://") ? url : "http://" + url);
  }

  /**
   * The endpoint format of a configuration.
   *
   * @param config the configuration
   * @return the provider
   */
  public static EndpointProvider endpointProvider(BenchmarkConfig config) {
    return Plugins.select(EndpointProvider.class, config.endpoint().type());
  }

  /**
   * The endpoint bound to the run's configuration; a turn that carries its whole body is sent as
   * it is, whatever the type.
   *
   * @param config the configuration
   * @return the endpoint
   */
  public static EndpointProvider.Endpoint endpoint(BenchmarkConfig config) {
    return io.aiperf.engine.internal.endpoint.RawPayloads.wrap(
        endpointProvider(config).create(config.endpoint()));
  }

  /**
   * The request path: the user's, or the endpoint type's default.
   *
   * @param config the configuration
   * @return the path
   */
  public static String path(BenchmarkConfig config) {
    return config.endpoint().path()
        .orElseGet(() -> endpointProvider(config).defaultPath(streaming(config)));
  }

  /**
   * Whether responses are streamed: asked for, and supported by the endpoint type.
   *
   * @param config the configuration
   * @return true to stream
   */
  public static boolean streaming(BenchmarkConfig config) {
    return config.endpoint().streaming() && endpointProvider(config).supportsStreaming();
  }

  /**
   * The name of the tokenizer that counts tokens.
   *
   * @param config the configuration
   * @return e.g. {@code o200k_base}
   */
  public static String tokenizerName(BenchmarkConfig config) {
    if (config.dataset() instanceof SyntheticDataset s) {
      return s.tokenizer();
    }
    if (config.dataset() instanceof io.aiperf.api.FileDataset f) {
      return f.tokenizer();
    }
    return SyntheticDataset.DEFAULT_TOKENIZER;
  }

  /**
   * The tokenizer, loaded once per JVM.
   *
   * @param config the configuration
   * @return the tokenizer
   * @throws IllegalArgumentException if no provider knows the tokenizer's name
   */
  public static Tokenizer tokenizer(BenchmarkConfig config) {
    String name = tokenizerName(config);
    return TOKENIZERS.computeIfAbsent(name, n -> {
      for (TokenizerProvider p : Plugins.all(TokenizerProvider.class)) {
        if (p.supports(n)) {
          return p.load(n);
        }
      }
      throw new IllegalArgumentException(unknownTokenizer(n));
    });
  }

  /**
   * Checks a tokenizer name without loading it, so a bad one is reported before the run starts.
   *
   * @param name the tokenizer name or path
   * @return the problem, or empty when some provider accepts the name
   */
  public static java.util.Optional<String> checkTokenizer(String name) {
    for (TokenizerProvider p : Plugins.all(TokenizerProvider.class)) {
      if (p.supports(name)) {
        return java.util.Optional.empty();
      }
    }
    return java.util.Optional.of(unknownTokenizer(name));
  }

  private static String unknownTokenizer(String name) {
    return "tokenizer was '" + name + "' but it is neither a tiktoken encoding (o200k_base,"
        + " cl100k_base, p50k_base, r50k_base) nor an existing tokenizer.json file or a directory"
        + " holding one; tokenizers are never downloaded";
  }

  /**
   * The dataset's random seed; the controller fills it in before services see the configuration.
   *
   * @param config the configuration
   * @return the seed, 0 for datasets without one
   */
  public static long seed(BenchmarkConfig config) {
    return config.dataset() instanceof SyntheticDataset s ? s.seed().orElse(0) : 0;
  }

  /**
   * Whether send times come from a schedule (a rate, users or a trace) rather than from replies,
   * so an intended send time exists and coordinated omission can be measured. A file dataset is a
   * trace only when its entries carry timestamps (they switch on the fixed schedule): a ShareGPT or
   * plain {@code single_turn} file in concurrency mode is a closed loop like synthetic data.
   *
   * @param config the configuration
   * @return true for open-loop runs
   */
  public static boolean openLoop(BenchmarkConfig config) {
    return config.requestRate().isPresent() || config.userCentricRate().isPresent()
        || config.fixedSchedule()
        || (config.dataset() instanceof FileDataset f && !f.ignoresTraceDelays()
            && !f.ignoresTimestamps() && Timestamps.inFile(f));
  }

  /**
   * The headers sent with every request: the user's, then the endpoint format's (authorization
   * from the API key, e.g. {@code Authorization: Bearer} or Anthropic's {@code x-api-key}).
   *
   * @param endpoint the endpoint
   * @return the headers, secrets included
   */
  public static Map<String, String> headers(EndpointConfig endpoint) {
    Map<String, String> headers = new LinkedHashMap<>(endpoint.headers());
    headers.putAll(Plugins.select(EndpointProvider.class, endpoint.type()).headers(endpoint));
    return headers;
  }
}
