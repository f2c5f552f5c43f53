package io.aiperf.engine.internal.endpoint;

import io.aiperf.api.spi.ChatMessage;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Sends a turn that carries its whole body ({@link Turn#rawPayload()}, from AIPerf's
 * {@code raw_payload} and {@code inputs_json} datasets) as it is, whatever the endpoint type, as
 * AIPerf does; every other turn is formatted by the endpoint.
 */
public final class RawPayloads implements EndpointProvider.Endpoint {
  private final EndpointProvider.Endpoint endpoint;

  private RawPayloads(EndpointProvider.Endpoint endpoint) {
    this.endpoint = endpoint;
  }

  /**
   * Wraps an endpoint so that raw payloads bypass it.
   *
   * @param endpoint the endpoint that formats other turns and reads every response
   * @return the wrapped endpoint
   */
  public static EndpointProvider.Endpoint wrap(EndpointProvider.Endpoint endpoint) {
    return endpoint instanceof RawPayloads ? endpoint : new RawPayloads(endpoint);
  }

  @Override
  public byte[] formatRequest(Turn turn, boolean streaming) {
    String raw = turn.rawPayload();
    return raw != null ? raw.getBytes(StandardCharsets.UTF_8)
        : endpoint.formatRequest(turn, streaming);
  }

  @Override
  public byte[] formatRequest(List<ChatMessage> history, Turn turn, boolean streaming) {
    // A raw payload already holds whatever history its author meant to send.
    String raw = turn.rawPayload();
    return raw != null ? raw.getBytes(StandardCharsets.UTF_8)
        : endpoint.formatRequest(history, turn, streaming);
  }

  @Override
  public byte[] exportPayload(Turn turn, boolean streaming) {
    String raw = turn.rawPayload();
    return raw != null ? raw.getBytes(StandardCharsets.UTF_8)
        : endpoint.exportPayload(turn, streaming);
  }

  @Override
  public List<ChatMessage> replyMessages(List<byte[]> responses) {
    return endpoint.replyMessages(responses);
  }

  @Override
  public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
    return endpoint.parse(data, offset, length);
  }
}
