package io.aiperf.cli;

import io.aiperf.api.Benchmark;
import io.aiperf.api.ExportLevel;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/** AIPerf's Output and HTTP Trace groups: where the exports go and what they hold. */
final class OutputOptions {
  @Option(names = {"--artifact-dir", "--output-artifact-dir"},
      description = "Directory for the export files (default artifacts/<model>-openai-<type>-concurrency<N>).")
  @Nullable Path artifactDir;

  @Option(names = "--slice-duration", description = "Also report statistics per slice of this many seconds.")
  @Nullable Double sliceDuration;

  @Option(names = {"--export-level", "--profile-export-level"}, defaultValue = "records",
      description = "summary, records (adds profile_export.jsonl) or raw (also every message;"
          + " default ${DEFAULT-VALUE}).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String exportLevel;

  @Option(names = {"--profile-export-prefix", "--profile-export-file"},
      description = "Name the export files <prefix>.json, <prefix>.csv, <prefix>.jsonl.")
  @Nullable String exportPrefix;

  @Option(names = "--show-trace-timing",
      description = "Show the HTTP timings (http_req_*) in the console table.")
  boolean showTraceTiming;

  @Option(names = "--export-http-trace",
      description = "Add each request's HTTP timings (trace_data) to profile_export.jsonl.")
  boolean exportHttpTrace;

  @Option(names = "--export-outputs-json",
      description = "Write outputs.json: each profiling request's ids, times, a few metrics and"
          + " the text the server generated.")
  boolean exportOutputsJson;

  @Option(names = "--auto-plot",
      description = "After the run, draw its PNG charts into <artifact dir>/plots and write"
          + " <artifact dir>/report.html (as 'aiperf plot' and 'aiperf report').")
  boolean autoPlot;

  void configure(Benchmark.Builder b, List<String> problems) {
    b.showTraceTiming(showTraceTiming).exportHttpTrace(exportHttpTrace)
        .exportOutputsJson(exportOutputsJson);
    if (exportPrefix != null) {
      b.exportPrefix(exportPrefix);
    }
    OptionChecks.seconds("--slice-duration", sliceDuration, problems, b::sliceDuration);
    try {
      b.exportLevel(ExportLevel.valueOf(exportLevel.toUpperCase(Locale.ROOT)));
    } catch (IllegalArgumentException e) {
      problems.add("--export-level was '" + exportLevel + "' but it must be summary, records or"
          + " raw");
    }
  }

  /** --artifact-dir, or AIPerf's run directory name: model, service kind, endpoint type, stimulus. */
  Path artifactDir(EndpointOptions endpoint, FixedScheduleOptions fixed, UserCentricOptions users,
      LoadGeneratorOptions load) {
    if (artifactDir != null) {
      return artifactDir;
    }
    String model = endpoint.model().replace('/', '_');
    if (fixed.fixedSchedule) {
      return Path.of("artifacts", model + "-openai-" + endpoint.endpointType() + "-fixed_schedule");
    }
    if (users.enabled()) {
      return Path.of("artifacts", model + "-openai-" + endpoint.endpointType() + "-"
          + users.stimulus());
    }
    return Path.of("artifacts", model + (endpoint.multipleModels() ? "_multi" : "") + "-openai-"
        + endpoint.endpointType() + "-" + load.stimulus());
  }
}
