package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import io.aiperf.mock.MockLlmServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * AIPerf's GPU Telemetry group. As AIPerf: on by default with its DCGM endpoints
 * ({@code localhost:9400} and {@code :9401}, skipped quietly when nothing answers);
 * {@code --gpu-telemetry} adds DCGM exporters, {@code --no-gpu-telemetry} turns it off. With
 * {@code --url mock} the mock's own fake DCGM exporter is scraped too.
 */
final class GpuTelemetryOptions {
  @Option(names = "--gpu-telemetry", arity = "0..*", paramLabel = "URL",
      description = "DCGM exporter endpoints scraped besides localhost:9400 and :9401 (e.g."
          + " node1:9400 http://node2:9401/metrics); 'dashboard' is accepted and ignored.")
  @Nullable List<String> urls;

  @Option(names = "--no-gpu-telemetry", description = "Do not scrape GPU telemetry.")
  boolean off;

  private final List<URI> parsed = new ArrayList<>();

  void validate(List<String> problems) {
    if (off && urls != null) {
      problems.add("--no-gpu-telemetry and --gpu-telemetry were both given but only one of"
          + " them can be");
    }
    if (urls == null) {
      return;
    }
    for (String u : urls) {
      String word = u.trim().toLowerCase(Locale.ROOT);
      if (word.equals("dashboard")) {
        continue; // AIPerf's realtime GPU pane; the summary is all aiperf-java shows
      }
      if (word.equals("pynvml") || word.equals("amdsmi") || word.endsWith(".csv")) {
        problems.add("--gpu-telemetry was '" + u + "' but aiperf-java reads DCGM exporters"
            + " only; give their URLs, e.g. node1:9400");
        continue;
      }
      URI uri = TelemetryUrls.parse(u);
      if (uri == null) {
        problems.add("--gpu-telemetry was '" + u + "' but it must be a DCGM exporter URL such"
            + " as node1:9400 or http://node1:9400/metrics");
      } else {
        parsed.add(uri);
      }
    }
  }

  void configure(Benchmark.Builder b, @Nullable MockLlmServer mock) {
    if (off) {
      b.noGpuTelemetry();
      return;
    }
    List<URI> all = new ArrayList<>(parsed);
    if (mock != null) {
      all.add(URI.create(mock.dcgmUrl()));
    }
    b.gpuTelemetry(all.toArray(URI[]::new));
  }
}
