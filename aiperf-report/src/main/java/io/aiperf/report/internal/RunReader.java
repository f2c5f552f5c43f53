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
    JsonNode aggregate = aggregate(dir.resolve(AGGREGATE), notes);
    Requests requests = requests(dir.resolve(RECORDS), notes);
    List<RunData.Slice> slices = slices(dir.resolve(SLICES), notes);
    List<TimeSeries.Group> gpu = List.of();
    Path gpuFile = dir.resolve(GPU);
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
    Path serverFile = dir.resolve(SERVER);
    if (Files.exists(serverFile)) {
      try {
        Telemetry.Read read = Telemetry.server(serverFile);
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
      notes.add(dir.resolve(RECORDS) + " has no successful request (" + requests.size
          + " ended in error or were cancelled); the latency and throughput charts show the"
          + " errors only");
    } else if (requests == null && aggregate != null
        && aggregate.path("request_count").path("avg").asDouble(0) == 0) {
      notes.add(dir.resolve(AGGREGATE) + " reports no successful request");
    }
    return new RunData(name, dir, aggregate, requests, slices, gpu, server, notes);
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
