package io.aiperf.report.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a run directory as aiperf-java and AIPerf 0.13 write it. Never fails on bad input: each
 * missing, unreadable or unexpected file becomes a note naming it, and whatever could be read is
 * kept.
 */
final class RunReader {
  static final String AGGREGATE = "profile_export_aiperf.json";
  static final String RECORDS = "profile_export.jsonl";
  static final String SLICES = "profile_export_aiperf_timeslices.json";
  static final String GPU = "gpu_telemetry_export.jsonl";
  static final String SERVER = "server_metrics_export.jsonl";
  /** The major schema version of {@code profile_export_aiperf.json} this reader knows. */
  static final String KNOWN_SCHEMA_MAJOR = "1";

  private static final ObjectMapper JSON = new ObjectMapper();

  private RunReader() {}

  /** Reads every run, naming each after its directory (with a number when two share a name). */
  static List<RunData> readAll(List<Path> dirs) {
    List<RunData> runs = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (Path dir : dirs) {
      Path fileName = dir.toAbsolutePath().normalize().getFileName();
      String base = fileName == null ? dir.toString() : fileName.toString();
      String name = base;
      for (int i = 2; !names.add(name); i++) {
        name = base + " (" + i + ")";
      }
      runs.add(read(dir, name));
    }
    return runs;
  }

  static RunData read(Path dir, String name) {
    List<String> notes = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      notes.add(dir + " is not a directory; give the directory a run wrote its exports to"
          + " (it holds " + AGGREGATE + " and " + RECORDS + ")");
      return new RunData(name, dir, null, null, List.of(), List.of(), List.of(), notes);
    }
    Layout files = Layout.find(dir, notes);
    JsonNode aggregate = aggregate(files.aggregate(), notes);
    Requests requests = requests(files.records(), notes);
    List<RunData.Slice> slices = slices(files.slices(), notes);
    List<TimeSeries.Group> gpu = List.of();
    Path gpuFile = files.gpu();
    if (Files.exists(gpuFile)) {
      try {
        Telemetry.Read read = Telemetry.gpu(gpuFile);
        gpu = read.groups();
        notes.addAll(read.problems());
        if (gpu.isEmpty()) {
          notes.add(gpuFile + " has no GPU samples; no GPU charts");
        }
      } catch (IOException | RuntimeException e) {
        notes.add(gpuFile + " cannot be read (" + e.getMessage() + "); no GPU charts");
      }
    }
    List<TimeSeries.Group> server = List.of();
    Path serverFile = files.server();
    if (Files.exists(serverFile)) {
      try {
        Telemetry.Read read = Telemetry.server(serverFile, files.serverJson());
        server = read.groups();
        notes.addAll(read.problems());
        if (server.isEmpty()) {
          notes.add(serverFile + " has no metric samples; no server-metrics charts");
        }
      } catch (IOException | RuntimeException e) {
        notes.add(serverFile + " cannot be read (" + e.getMessage() + "); no server-metrics"
            + " charts");
      }
    }
    if (aggregate == null && requests == null && slices.isEmpty() && gpu.isEmpty()
        && server.isEmpty()) {
      notes.add(dir + " holds no export of a run (none of " + AGGREGATE + ", " + RECORDS + ", "
          + SLICES + ", " + GPU + ", " + SERVER + "); nothing to chart from it");
    } else if (requests != null && requests.size > 0 && requests.count(Requests.OK) == 0) {
      notes.add(files.records() + " has no successful request (" + requests.size
          + " ended in error or were cancelled); the latency and throughput charts show the"
          + " errors only");
    } else if (requests == null && aggregate != null
        && aggregate.path("request_count").path("avg").asDouble(0) == 0) {
      notes.add(files.aggregate() + " reports no successful request");
    }
    return new RunData(name, dir, aggregate, requests, slices, gpu, server, notes);
  }

  /**
   * Where a run's files are: AIPerf's default names, or {@code <prefix>.json},
   * {@code <prefix>.jsonl}, {@code <prefix>_timeslices.json}, {@code <prefix>_gpu_telemetry.jsonl}
   * and {@code <prefix>_server_metrics.jsonl} when the run set {@code --profile-export-prefix}.
   */
  record Layout(Path aggregate, Path records, Path slices, Path gpu, Path server,
      Path serverJson) {

    static Layout of(Path dir, @Nullable String prefix) {
      if (prefix == null) {
        return new Layout(dir.resolve(AGGREGATE), dir.resolve(RECORDS), dir.resolve(SLICES),
            dir.resolve(GPU), dir.resolve(SERVER), dir.resolve("server_metrics_export.json"));
      }
      return new Layout(dir.resolve(prefix + ".json"), dir.resolve(prefix + ".jsonl"),
          dir.resolve(prefix + "_timeslices.json"), dir.resolve(prefix + "_gpu_telemetry.jsonl"),
          dir.resolve(prefix + "_server_metrics.jsonl"),
          dir.resolve(prefix + "_server_metrics.json"));
    }

    static Layout find(Path dir, List<String> notes) {
      Layout standard = of(dir, null);
      if (Files.exists(standard.aggregate()) || Files.exists(standard.records())) {
        return standard;
      }
      java.util.TreeSet<String> prefixes = new java.util.TreeSet<>();
      try (java.util.stream.Stream<Path> list = Files.list(dir)) {
        list.map(p -> String.valueOf(p.getFileName())).forEach(name -> {
          if (name.endsWith(".jsonl") && !OTHER_JSONL.matcher(name).find()
              && !NOT_RECORDS.contains(name)) {
            prefixes.add(name.substring(0, name.length() - ".jsonl".length()));
          } else if (name.endsWith(".json") && !NOT_AGGREGATE.contains(name)
              && !OTHER_JSON.matcher(name).find()) {
            prefixes.add(name.substring(0, name.length() - ".json".length()));
          }
        });
      } catch (IOException e) {
        return standard;
      }
      prefixes.removeIf(p -> !Files.exists(dir.resolve(p + ".jsonl"))
          && !hasSchemaVersion(dir.resolve(p + ".json")));
      if (prefixes.isEmpty()) {
        return standard;
      }
      if (prefixes.size() > 1) {
        notes.add(dir + " holds the exports of several prefixes " + prefixes + "; reading '"
            + prefixes.first() + "'. Give each run its own directory.");
      }
      return of(dir, prefixes.first());
    }

    private static final java.util.regex.Pattern OTHER_JSONL = java.util.regex.Pattern.compile(
        "_(raw|gpu_telemetry|server_metrics|accuracy|network_latency)\\.jsonl$");
    private static final java.util.regex.Pattern OTHER_JSON = java.util.regex.Pattern.compile(
        "(_timeslices|_server_metrics|_aggregate)\\.json$");
    private static final Set<String> NOT_RECORDS = Set.of(GPU, SERVER,
        "profile_export_raw.jsonl", "accuracy_export.jsonl",
        "profile_export_network_latency.jsonl");
    private static final Set<String> NOT_AGGREGATE = Set.of("inputs.json", "outputs.json",
        ".aiperf_results_ready.json", "server_metrics_export.json");

    private static boolean hasSchemaVersion(Path json) {
      if (!Files.isRegularFile(json)) {
        return false;
      }
      try (JsonParser p = JSON.getFactory().createParser(json.toFile())) {
        return p.nextToken() == JsonToken.START_OBJECT && p.nextToken() == JsonToken.FIELD_NAME
            && "schema_version".equals(p.currentName());
      } catch (IOException e) {
        return false;
      }
    }
  }

  private static @Nullable JsonNode aggregate(Path file, List<String> notes) {
    if (!Files.exists(file)) {
      notes.add(file + " is missing; the report has no configuration, summary or SLO results"
          + " for this run");
      return null;
    }
    JsonNode doc;
    try {
      doc = JSON.readTree(file.toFile());
    } catch (IOException e) {
      notes.add(file + " is not valid JSON (" + firstLine(e.getMessage()) + "); it is skipped");
      return null;
    }
    if (!doc.isObject()) {
      notes.add(file + " is not a JSON object; it is skipped");
      return null;
    }
    JsonNode version = doc.path("schema_version");
    if (version.isMissingNode()) {
      notes.add(file + " has no schema_version; read as schema " + KNOWN_SCHEMA_MAJOR + ".x");
    } else if (!version.asText().equals(KNOWN_SCHEMA_MAJOR)
        && !version.asText().startsWith(KNOWN_SCHEMA_MAJOR + ".")) {
      notes.add(file + " has schema_version '" + version.asText() + "', which this reader does"
          + " not know (it reads " + KNOWN_SCHEMA_MAJOR + ".x, as AIPerf 0.13 and aiperf-java"
          + " write); only the fields it recognises are shown");
    }
    return doc;
  }

  private static @Nullable Requests requests(Path file, List<String> notes) {
    if (!Files.exists(file)) {
      notes.add(file + " is missing (the run's export level was summary?); no per-request"
          + " charts (timeline, histograms, scatter, throughput over time)");
      return null;
    }
    try {
      Requests r = Requests.read(file);
      if (r.unreadableLines > 0) {
        notes.add(file + ": " + r.unreadableLines + " line(s) could not be read and are left out"
            + " (first: " + r.firstUnreadable + ")");
      }
      if (r.size == 0) {
        notes.add(file + " holds no profiled request" + (r.warmupSkipped > 0 ? " (only "
            + r.warmupSkipped + " warmup requests)" : "") + "; no per-request charts");
        return null;
      }
      return r;
    } catch (IOException | RuntimeException e) {
      notes.add(file + " cannot be read (" + e.getMessage() + "); no per-request charts");
      return null;
    }
  }

  /** Streams the slices: each is a large object, only a few statistics are kept. */
  private static List<RunData.Slice> slices(Path file, List<String> notes) {
    if (!Files.exists(file)) {
      return List.of();
    }
    List<RunData.Slice> slices = new ArrayList<>();
    try (JsonParser p = JSON.getFactory().createParser(file.toFile())) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (!"timeslices".equals(field) || t != JsonToken.START_ARRAY) {
          p.skipChildren();
          continue;
        }
        while (p.nextToken() == JsonToken.START_OBJECT) {
          JsonNode s = JSON.readTree(p);
          if (!s.path("start_ns").isNumber() || !s.path("end_ns").isNumber()) {
            continue;
          }
          slices.add(new RunData.Slice(s.get("start_ns").asLong(), s.get("end_ns").asLong(),
              num(s, "time_to_first_token", "avg"), num(s, "inter_token_latency", "avg"),
              num(s, "request_latency", "avg"), num(s, "request_latency", "p99"),
              num(s, "request_throughput", "avg"), num(s, "output_token_throughput", "avg")));
        }
      }
    } catch (IOException | RuntimeException e) {
      notes.add(file + " cannot be read (" + firstLine(e.getMessage()) + "); no time-slice"
          + " charts");
      return List.of();
    }
    return slices;
  }

  private static double num(JsonNode n, String metric, String stat) {
    JsonNode v = n.path(metric).path(stat);
    return v.isNumber() ? v.asDouble() : Double.NaN;
  }

  private static String firstLine(@Nullable String s) {
    if (s == null) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
