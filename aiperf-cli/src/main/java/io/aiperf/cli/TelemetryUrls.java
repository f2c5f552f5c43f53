package io.aiperf.cli;

import java.net.URI;
import java.net.URISyntaxException;
import org.jspecify.annotations.Nullable;

/** The URLs {@code --server-metrics} and {@code --gpu-telemetry} take, read as AIPerf reads them. */
final class TelemetryUrls {
  private TelemetryUrls() {}

  /**
   * A Prometheus endpoint as given: {@code http(s)://...}, or {@code host:port[/path]} to which
   * {@code http://} is added (AIPerf takes an item with a scheme or a colon as a URL).
   *
   * @param text the item
   * @return the URL, null when it is none
   */
  static @Nullable URI parse(String text) {
    String t = text.strip();
    if (!t.startsWith("http://") && !t.startsWith("https://")) {
      if (!t.contains(":")) {
        return null;
      }
      t = "http://" + t;
    }
    try {
      URI u = new URI(t);
      return u.getHost() == null ? null : u;
    } catch (URISyntaxException e) {
      return null;
    }
  }
}
