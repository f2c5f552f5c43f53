package io.aiperf.engine.internal.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.engine.internal.endpoint.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An endpoint configuration as JSON, to hand it to services in other processes. Every field of
 * {@link EndpointConfig} is written (a test fails when a field is added here but not there).
 */
final class EndpointCodec {
  /** The fields of EndpointConfig this codec carries. */
  static final Set<String> FIELDS = Set.of("type", "url", "model", "streaming", "customPath",
      "headers", "apiKey", "extraInputs", "useLegacyMaxTokens", "requestTimeout",
      "useServerTokenCount", "models", "modelSelectionStrategy", "urls", "tls");

  private EndpointCodec() {}

  static String write(EndpointConfig e) {
    ObjectNode o = Json.MAPPER.createObjectNode();
    o.put("type", e.type());
    o.put("url", e.url());
    e.model().ifPresent(m -> o.put("model", m));
    o.put("streaming", e.streaming());
    e.path().ifPresent(p -> o.put("customPath", p));
    o.set("headers", Json.MAPPER.valueToTree(e.headers()));
    e.apiKey().ifPresent(k -> o.put("apiKey", k));
    o.set("extraInputs", Json.MAPPER.valueToTree(e.extraInputs()));
    o.put("useLegacyMaxTokens", e.useLegacyMaxTokens());
    o.put("requestTimeoutNanos", e.requestTimeout().toNanos());
    o.put("useServerTokenCount", e.useServerTokenCount());
    o.set("models", Json.MAPPER.valueToTree(e.models()));
    o.put("modelSelectionStrategy", e.modelSelectionStrategy());
    o.set("urls", Json.MAPPER.valueToTree(e.urls()));
    e.tlsTrust().ifPresent(p -> o.put("tlsTrust", p.toString()));
    o.put("tlsInsecure", e.tlsInsecure());
    o.put("http2", e.http2());
    return o.toString();
  }

  @SuppressWarnings("unchecked")
  static EndpointConfig read(String json) {
    JsonNode o;
    try {
      o = Json.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Not an endpoint configuration: " + e.getMessage(), e);
    }
    EndpointConfig e = EndpointConfig.of(o.get("type").asText(), o.get("url").asText())
        .streaming(o.get("streaming").asBoolean())
        .useLegacyMaxTokens(o.get("useLegacyMaxTokens").asBoolean())
        .requestTimeout(Duration.ofNanos(o.get("requestTimeoutNanos").asLong()))
        .useServerTokenCount(o.get("useServerTokenCount").asBoolean())
        .modelSelectionStrategy(o.get("modelSelectionStrategy").asText())
        .tlsInsecure(o.path("tlsInsecure").asBoolean())
        .http2(o.path("http2").asBoolean());
    if (o.hasNonNull("tlsTrust")) {
      e = e.tlsTrust(java.nio.file.Path.of(o.get("tlsTrust").asText()));
    }
    if (o.hasNonNull("model")) {
      e = e.model(o.get("model").asText());
    }
    List<String> models = new ArrayList<>();
    o.path("models").forEach(m -> models.add(m.asText()));
    if (!models.isEmpty()) {
      e = e.models(models);
    }
    List<String> urls = new ArrayList<>();
    o.path("urls").forEach(u -> urls.add(u.asText()));
    if (urls.size() > 1) {
      e = e.urls(urls);
    }
    if (o.hasNonNull("customPath")) {
      e = e.path(o.get("customPath").asText());
    }
    var headers = o.path("headers").fields();
    while (headers.hasNext()) {
      var h = headers.next();
      e = e.header(h.getKey(), h.getValue().asText());
    }
    if (o.hasNonNull("apiKey")) {
      e = e.apiKey(o.get("apiKey").asText());
    }
    Map<String, Object> extras = Json.MAPPER.convertValue(o.path("extraInputs"), Map.class);
    if (extras != null) {
      for (var x : extras.entrySet()) {
        e = e.extraInput(x.getKey(), x.getValue());
      }
    }
    return e;
  }
}
