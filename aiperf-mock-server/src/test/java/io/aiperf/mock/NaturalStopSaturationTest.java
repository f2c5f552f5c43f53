package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A saturating mock with a natural stop: {@code max_tokens} is only a cap, each answer ends at
 * its own length and releases its decode slot then. The model's predictions are right only with
 * those lengths; from the cap they would hold every slot far too long.
 */
final class NaturalStopSaturationTest {
    private static final int REQUESTS = 6;
    private static final int CAP = 2000;
    private static final double NS_PER_MS = 1e6;
    /**
     * A busy machine fires the mock's timers late, never early: a generous bound on how late a
     * first token may be written. Later tokens may also wait for the client to read (the mock
     * stops writing while the connection is full), so they are only checked not to be early.
     */
    private static final long LATE_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Test
    void predictions_fromTheLengthsTheMockGenerates_matchItsWrites() throws Exception {
        MockServerOptions options = MockServerOptions.builder().port(0).ioThreads(1)
                .naturalStop(true).ttft(Duration.ofMillis(5)).itl(Duration.ofMillis(1))
                .saturation(2, Duration.ZERO, Duration.ZERO).recordWrites(REQUESTS).build();
        try (MockLlmServer server = MockLlmServer.start(options)) {
            String url = server.baseUrl() + "/v1/chat/completions";
            // A cold server's first answer is slow to start; once it ended, its slot is free.
            assertThat(send(url, "warm up").get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < REQUESTS; i++) {
                sent.add(send(url, "question number " + i + " about decode slots"));
            }
            for (CompletableFuture<HttpResponse<String>> f : sent) {
                assertThat(f.get(60, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
            }

            List<SentStream> streams = new ArrayList<>(server.sentStreams());
            streams.sort(Comparator.comparingLong(SentStream::startNanos));
            assertThat(streams).hasSize(REQUESTS);
            long[] arrivals = new long[REQUESTS];
            int[] lengths = new int[REQUESTS];
            for (int i = 0; i < REQUESTS; i++) {
                arrivals[i] = streams.get(i).startNanos();
                lengths[i] = streams.get(i).events(SentEvent.Kind.CONTENT).size();
                // The natural stop, not the cap, ended every answer.
                assertThat(lengths[i]).isBetween(OutputLength.NATURAL_MIN, OutputLength.NATURAL_MAX);
            }
            SaturationModel model = options.saturation().orElseThrow();
            List<SaturationModel.Admission> predicted =
                    model.predictArrivals(arrivals, 0, lengths).requests();
            int[] capped = new int[REQUESTS];
            java.util.Arrays.fill(capped, CAP);
            List<SaturationModel.Admission> fromTheCap =
                    model.predictArrivals(arrivals, 0, capped).requests();
            for (int i = 0; i < REQUESTS; i++) {
                List<SentEvent> content = streams.get(i).events(SentEvent.Kind.CONTENT);
                long first = content.get(0).nanos();
                long last = content.get(content.size() - 1).nanos();
                SaturationModel.Admission p = predicted.get(i);
                String what = String.format(java.util.Locale.ROOT, "request %d (%d tokens): first"
                        + " token written %.1f ms after arrival, predicted %.1f; last %.1f, predicted %.1f",
                        i, lengths[i], (first - arrivals[i]) / NS_PER_MS,
                        (p.firstTokenNanos() - arrivals[i]) / NS_PER_MS, (last - arrivals[i]) / NS_PER_MS,
                        (p.lastTokenNanos() - arrivals[i]) / NS_PER_MS);
                assertThat(first - p.firstTokenNanos()).as(what).isBetween(0L, LATE_NANOS);
                assertThat(last - p.lastTokenNanos()).as(what).isNotNegative();
            }
            // Two slots, six requests: the third waits for the first slot to free, which the cap
            // would put 5 + 1999 ms after the first arrival; it freed at the natural stop.
            long third = streams.get(2).events(SentEvent.Kind.CONTENT).get(0).nanos();
            assertThat(predicted.get(2).startNanos()).isGreaterThan(arrivals[2]);
            assertThat(third).isLessThan(fromTheCap.get(2).firstTokenNanos());
        }
    }

    private static CompletableFuture<HttpResponse<String>> send(String url, String prompt) {
        return TestHttp.CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody(prompt, true, CAP, false),
                        StandardCharsets.UTF_8))
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
