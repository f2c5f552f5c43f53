package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.chatBody;
import static io.aiperf.mock.TestHttp.json;
import static io.aiperf.mock.TestHttp.sseData;
import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.mock.SentEvent.Kind;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The write log, and {@code separateEvents}: role, tokens, usage and {@code [DONE]} each in a write
 * of its own at its own time. Time checks compare the mock's own write times with its schedule,
 * with milliseconds of slack for a loaded machine.
 */
final class SeparateEventsTest {

    private static final long MS = 1_000_000;
    /** How late a timer may fire on a loaded 2-core machine, as measured between two writes. */

    private static HttpResponse<String> post(MockLlmServer server, String path, String body, String requestId)
            throws Exception {
        return TestHttp.CLIENT.send(HttpRequest.newBuilder(URI.create(server.baseUrl() + path))
                        .timeout(Duration.ofSeconds(20))
                        .header("Content-Type", "application/json")
                        .header("X-Request-ID", requestId)
                        .header("anthropic-version", "2023-06-01")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static SentStream only(MockLlmServer server, String requestId) {
        List<SentStream> streams = server.sentStreams().stream()
                .filter(s -> s.requestId().equals(requestId)).toList();
        assertThat(streams).hasSize(1);
        return streams.get(0);
    }

    private static List<Kind> kinds(SentStream s) {
        return s.events().stream().map(SentEvent::kind).toList();
    }

    @Test
    void default_roleRidesTheFirstTokenAndTheTailTheLast() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
                .ttft(Duration.ofMillis(5)).itl(Duration.ofMillis(20)).recordWrites(4).build())) {
            HttpResponse<String> resp = post(server, "/v1/chat/completions", chatBody("hi", true, 3, true), "d-1");
            assertThat(resp.statusCode()).isEqualTo(200);

            SentStream s = only(server, "d-1");
            assertThat(kinds(s)).containsExactly(Kind.CONTENT, Kind.CONTENT, Kind.CONTENT, Kind.TAIL, Kind.TAIL);
            List<SentEvent> e = s.events();
            assertThat(e.get(0).text()).contains("\"role\":\"assistant\"");
            // The usage chunk and [DONE] share the last token's write, and its time.
            assertThat(e.get(3).write()).isEqualTo(e.get(2).write());
            assertThat(e.get(4).write()).isEqualTo(e.get(2).write());
            assertThat(e.get(4).nanos() - e.get(2).nanos()).isLessThan(MS);
            assertThat(e.get(3).text()).contains("\"usage\"");
            assertThat(e.get(4).text()).isEqualTo("data: [DONE]\n\n");
            // What the log holds is what the client read.
            assertThat(String.join("", e.stream().map(SentEvent::text).toList())).isEqualTo(resp.body());
            for (int i = 0; i < 3; i++) {
                assertThat(e.get(i).nanos()).isGreaterThanOrEqualTo(s.startNanos() + 5 * MS + i * 20 * MS);
            }
        }
    }

    @Test
    void separate_everyEventHasItsOwnWriteAndTime() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
                .ttft(Duration.ofMillis(40)).itl(Duration.ofMillis(15)).separateEvents(true)
                .roleLead(Duration.ofMillis(25)).tailGap(Duration.ofMillis(20)).recordWrites(4).build())) {
            HttpResponse<String> resp = post(server, "/v1/chat/completions", chatBody("hi", true, 4, true), "s-1");
            assertThat(resp.statusCode()).isEqualTo(200);

            SentStream s = only(server, "s-1");
            assertThat(kinds(s)).containsExactly(Kind.ROLE, Kind.CONTENT, Kind.CONTENT, Kind.CONTENT,
                    Kind.CONTENT, Kind.TAIL, Kind.TAIL);
            List<SentEvent> e = s.events();
            Set<Integer> writes = e.stream().map(SentEvent::write).collect(Collectors.toSet());
            assertThat(writes).hasSize(e.size());
            assertThat(String.join("", e.stream().map(SentEvent::text).toList())).isEqualTo(resp.body());

            var role = json(sseData(e.get(0).text()).get(0)).at("/choices/0/delta");
            assertThat(role.get("role").asText()).isEqualTo("assistant");
            assertThat(role.get("content").asText()).isEmpty();
            assertThat(e.get(1).text()).doesNotContain("\"role\"");
            assertThat(e.get(5).text()).contains("\"usage\"");
            assertThat(e.get(6).text()).isEqualTo("data: [DONE]\n\n");

            // Due times: role at ttft - lead, token i at ttft + i * itl, tail k at last + (k + 1) * gap.
            assertThat(e.get(0).nanos()).isGreaterThanOrEqualTo(s.startNanos() + 15 * MS);
            for (int i = 0; i < 4; i++) {
                assertThat(e.get(1 + i).nanos()).isGreaterThanOrEqualTo(s.startNanos() + 40 * MS + i * 15 * MS);
            }
            // Due times are absolute, so a write that runs late on a busy machine shortens the gap
            // after it: bound each event by its own due time, not by its neighbour.
            assertThat(e.get(5).nanos()).isGreaterThanOrEqualTo(s.startNanos() + (40 + 3 * 15 + 20) * MS);
            assertThat(e.get(6).nanos()).isGreaterThanOrEqualTo(s.startNanos() + (40 + 3 * 15 + 40) * MS);
            for (int i = 1; i < e.size(); i++) {
                assertThat(e.get(i).nanos()).isGreaterThan(e.get(i - 1).nanos());
            }
        }
    }

    @Test
    void separate_reasoningComesFirstAndHeadEventsGoOneByOne() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0)
                .ttft(Duration.ofMillis(2)).itl(Duration.ofMillis(2)).reasoningTokens(2).separateEvents(true)
                .recordWrites(4).build())) {
            HttpResponse<String> chat = post(server, "/v1/chat/completions", chatBody("hi", true, 4, false), "r-1");
            assertThat(chat.statusCode()).isEqualTo(200);
            SentStream s = only(server, "r-1");
            assertThat(kinds(s)).containsExactly(Kind.ROLE, Kind.REASONING, Kind.REASONING, Kind.CONTENT,
                    Kind.CONTENT, Kind.TAIL);
            assertThat(s.events().get(1).text()).contains("reasoning_content").doesNotContain("\"role\"");
            assertThat(s.events().get(3).text()).contains("\"content\"").doesNotContain("reasoning_content");

            String messages = "{\"model\":\"m\",\"max_tokens\":3,\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
            HttpResponse<String> anthropic = post(server, "/v1/messages", messages, "a-1");
            assertThat(anthropic.statusCode()).isEqualTo(200);
            SentStream a = only(server, "a-1");
            List<SentEvent> head = a.events(Kind.HEAD);
            assertThat(head).hasSize(2);
            assertThat(head.get(0).text()).startsWith("event: message_start");
            assertThat(head.get(1).text()).startsWith("event: content_block_start");
            assertThat(a.events().stream().map(SentEvent::write).distinct().count())
                    .isEqualTo(a.events().size() - 2); // the switch to text: stop, start and delta at once
            assertThat(a.events(Kind.TAIL).get(a.events(Kind.TAIL).size() - 1).text())
                    .startsWith("event: message_stop");
        }
    }
}
