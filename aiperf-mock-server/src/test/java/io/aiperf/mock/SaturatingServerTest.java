package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.chatBody;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The saturating mock over the wire: a request beyond the slots waits for one to free. */
final class SaturatingServerTest {

    @Test
    void requestsBeyondTheSlots_waitForTheFirstSlotToFree() throws Exception {
        MockServerOptions options = MockServerOptions.builder().port(0).ioThreads(2)
                .ttft(Duration.ofMillis(20)).itl(Duration.ofMillis(10))
                .saturation(2, Duration.ZERO, Duration.ZERO).build();
        try (MockLlmServer server = MockLlmServer.start(options)) {
            String url = server.baseUrl() + "/v1/chat/completions";
            // Each answer holds its slot for 20 + 9 * 10 = 110 ms; the third must wait for one.
            firstTokenAfter(url, MockClock.nanos()).get(30, TimeUnit.SECONDS); // connections warm
            Thread.sleep(150); // its slot is free again
            List<CompletableFuture<Long>> firstTokens = new ArrayList<>();
            long start = MockClock.nanos();
            for (int i = 0; i < 3; i++) {
                firstTokens.add(firstTokenAfter(url, start));
                Thread.sleep(5); // arrival order = slot order
            }
            long third = firstTokens.get(2).get(30, TimeUnit.SECONDS);
            long first = firstTokens.get(0).get(30, TimeUnit.SECONDS);
            // Without slots the gap would be the 10 ms between the sends.
            assertThat(third - first).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(100));
        }
    }

    /** Sends a streamed request; completes with the nanos from {@code start} to its first data line. */
    private static CompletableFuture<Long> firstTokenAfter(String url, long start) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(chatBody("hello", true, 10, false),
                        StandardCharsets.UTF_8))
                .build();
        AtomicLong firstData = new AtomicLong(-1);
        return TestHttp.CLIENT.sendAsync(req, HttpResponse.BodyHandlers.ofLines())
                .thenApply(resp -> {
                    try (Stream<String> lines = resp.body()) {
                        lines.forEach(l -> {
                            if (l.startsWith("data:") && firstData.get() < 0) {
                                firstData.set(MockClock.nanos() - start);
                            }
                        });
                    }
                    return firstData.get();
                });
    }
}
