package io.aiperf.api;

/**
 * Factories for the endpoint types aiperf-java speaks.
 *
 * <pre>{@code
 * EndpointConfig e = Endpoints.openAiChat("http://127.0.0.1:8000").model("qwen").streaming(true);
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Endpoints {
  private Endpoints() {}

  /**
   * An OpenAI-compatible chat completions endpoint ({@code /v1/chat/completions}).
   *
   * @param url the server's base URL
   * @return the endpoint configuration
   */
  public static EndpointConfig openAiChat(String url) {
    return EndpointConfig.of("chat", url);
  }

  /**
   * An OpenAI-compatible text completions endpoint ({@code /v1/completions}).
   *
   * @param url the server's base URL
   * @return the endpoint configuration
   */
  public static EndpointConfig openAiCompletions(String url) {
    return EndpointConfig.of("completions", url);
  }

  /**
   * Any endpoint type that an installed {@code EndpointProvider} serves, by its name.
   *
   * @param type the endpoint type, as AIPerf's {@code --endpoint-type}
   * @param url the server's base URL
   * @return the endpoint configuration
   */
  public static EndpointConfig of(String type, String url) {
    return EndpointConfig.of(type, url);
  }
}
