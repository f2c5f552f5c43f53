package io.aiperf.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.mock.SentEvent;
import io.aiperf.mock.SentStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mock's {@code --write-log}: one JSON line per streamed answer, with the times the server
 * itself took (its own monotonic clock, nanoseconds), so a client's TTFT can be compared request
 * by request ({@code request_id} is the client's {@code X-Request-ID}, AIPerf's
 * {@code x_request_id}).
 */
final class MockWriteLogFile {
  private static final ObjectMapper JSON = new ObjectMapper();

  private MockWriteLogFile() {}

  static void write(List<SentStream> streams, Path file, PrintWriter err) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (SentStream s : streams) {
        List<SentEvent> events = s.events();
        List<SentEvent> content = s.events(SentEvent.Kind.CONTENT);
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("request_id", s.requestId());
        line.put("arrival_ns", s.startNanos());
        line.put("first_write_ns", events.isEmpty() ? null : events.get(0).nanos());
        line.put("first_token_ns", content.isEmpty() ? null : content.get(0).nanos());
        line.put("last_write_ns", events.isEmpty() ? null : events.get(events.size() - 1).nanos());
        line.put("tokens", content.size());
        out.write(JSON.writeValueAsString(line));
        out.newLine();
      }
      err.println("Wrote the write log of " + streams.size() + " streamed answers to " + file);
    } catch (IOException e) {
      err.println("Error: --write-log " + file + " could not be written: " + e.getMessage());
    }
    err.flush();
  }
}
