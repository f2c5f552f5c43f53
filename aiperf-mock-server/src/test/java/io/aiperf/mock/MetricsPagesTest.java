package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.chatBody;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code /metrics} and {@code /dcgm/metrics} follow the server's real load: counters equal what
 * the answers reported, gauges show the requests in flight, the energy counter is the integral
 * of the power.
 */
final class MetricsPagesTest {
    private static final Pattern SAMPLE = Pattern.compile(
            "^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})? (\\S+)$");

    private static MockServerOptions.Builder mock() {
        return MockServerOptions.builder().host("127.0.0.1").port(0).ttft(Duration.ofMillis(2))
                .itl(Duration.ofMillis(1)).seed(11);
    }

    /** Every sample line of a page, keyed {@code name{labels}}; a line that is none fails. */
    private static Map<String, Double> scrape(String url) throws Exception {
        return parse(TestHttp.get(url));
    }

    private static Map<String, Double> parse(HttpResponse<String> r) {
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type")).hasValue(MetricsPages.CONTENT_TYPE);
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("# HELP ") || line.startsWith("# TYPE ")) {
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            String v = m.group(3);
            samples.put(m.group(1) + (m.group(2) == null ? "" : m.group(2)),
                    v.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(v));
        }
        return samples;
    }

    private static double value(Map<String, Double> page, String prefix) {
        return page.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).sum();
    }

    @Test
    void tokenCounters_equalTheUsageEveryAnswerReported() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().build())) {
            String chat = server.baseUrl() + "/v1/chat/completions";
            long prompt = 0;
            long completion = 0;
            long gaps = 0;
            int n = 12;
            for (int i = 0; i < n; i++) {
                boolean stream = i % 2 == 0;
                String body = TestHttp.post(chat, chatBody("prompt number " + i + " with some words",
                        stream, i % 3 == 0 ? null : 5 + i, true)).body();
                JsonNode usage = stream
                        ? TestHttp.json(TestHttp.sseData(body).get(TestHttp.sseData(body).size() - 2))
                                .get("usage")
                        : TestHttp.json(body).get("usage");
                prompt += usage.get("prompt_tokens").asLong();
                completion += usage.get("completion_tokens").asLong();
                gaps += usage.get("completion_tokens").asLong() - 1;
            }
            Map<String, Double> page = scrape(server.metricsUrl());
            String labels = "{engine=\"0\",model_name=\"mock-model\"}";
            assertThat(page.get("vllm:prompt_tokens_total" + labels)).isEqualTo((double) prompt);
            assertThat(page.get("vllm:generation_tokens_total" + labels))
                    .isEqualTo((double) completion);
            assertThat(page.get("vllm:prefix_cache_queries_total" + labels)).isEqualTo((double) prompt);
            assertThat(value(page, "vllm:request_success_total{engine=\"0\",finished_reason=\"length\""))
                    .isEqualTo(8.0);
            assertThat(value(page, "vllm:request_success_total{engine=\"0\",finished_reason=\"stop\""))
                    .isEqualTo(4.0);
            assertThat(page.get("vllm:time_to_first_token_seconds_count" + labels)).isEqualTo(n);
            assertThat(page.get("vllm:e2e_request_latency_seconds_count" + labels)).isEqualTo(n);
            assertThat(page.get("vllm:inter_token_latency_seconds_count" + labels)).isEqualTo(gaps);
            assertThat(page.get("vllm:request_generation_tokens_sum" + labels))
                    .isEqualTo((double) completion);
            assertThat(page.get("vllm:time_to_first_token_seconds_bucket{engine=\"0\","
                    + "model_name=\"mock-model\",le=\"+Inf\"}")).isEqualTo(n);
            // Server-side TTFT: at least the scheduled 2 ms each.
            assertThat(page.get("vllm:time_to_first_token_seconds_sum" + labels))
                    .isGreaterThanOrEqualTo(n * 0.002);
            assertThat(page.get("vllm:num_requests_running" + labels)).isZero();
            assertThat(page.get("vllm:kv_cache_usage_perc" + labels)).isZero();
        }
    }

    @Test
    void duringLoad_runningRequestsAndKvCacheUsageShowIt() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().ttft(Duration.ofMillis(50))
                .itl(Duration.ofMillis(20)).build())) {
            String chat = server.baseUrl() + "/v1/chat/completions";
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                inFlight.add(TestHttp.CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(chat))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(chatBody("long prompt " + i, true,
                                100, true))).build(), HttpResponse.BodyHandlers.ofString()));
            }
            String labels = "{engine=\"0\",model_name=\"mock-model\"}";
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, Double> page = scrape(server.metricsUrl());
                assertThat(page.get("vllm:num_requests_running" + labels)).isEqualTo(6.0);
                assertThat(page.get("vllm:kv_cache_usage_perc" + labels)).isGreaterThan(0.0);
                Map<String, Double> gpu = scrape(server.dcgmUrl());
                assertThat(value(gpu, "DCGM_FI_DEV_POWER_USAGE")).isGreaterThan(
                        FakeGpus.idleWatts(0));
                assertThat(value(gpu, "DCGM_FI_DEV_GPU_UTIL")).isGreaterThan(0);
            });
            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                assertThat(f.get().statusCode()).isEqualTo(200);
            }
            Map<String, Double> after = scrape(server.metricsUrl());
            assertThat(after.get("vllm:num_requests_running" + labels)).isZero();
            assertThat(after.get("vllm:kv_cache_usage_perc" + labels)).isZero();
            assertThat(after.get("vllm:generation_tokens_total" + labels)).isEqualTo(600.0);
        }
    }

    @Test
    void cutAnswers_countTheTokensSentAndEndAsAborted() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().faults(0, 100, 0).build())) {
            String chat = server.baseUrl() + "/v1/chat/completions";
            for (int i = 0; i < 4; i++) {
                try {
                    TestHttp.post(chat, chatBody("p" + i, true, 10, true));
                } catch (java.io.IOException cut) {
                    // the fault: the server closes mid-answer
                }
            }
            String labels = "{engine=\"0\",model_name=\"mock-model\"}";
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                Map<String, Double> page = scrape(server.metricsUrl());
                assertThat(page.get("vllm:generation_tokens_total" + labels)).isEqualTo(20.0);
                assertThat(value(page, "vllm:request_success_total{engine=\"0\","
                        + "finished_reason=\"abort\"")).isEqualTo(4.0);
                assertThat(page.get("vllm:e2e_request_latency_seconds_count" + labels)).isZero();
            });
        }
    }

    @Test
    void dcgmEnergyCounter_isTheIntegralOfThePower() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().gpus(2).ttft(Duration.ofMillis(30))
                .itl(Duration.ofMillis(10)).build())) {
            scrape(server.dcgmUrl()); // the connection is open before the window starts
            // The page is rendered between a request's send and its answer: the middle is the
            // window's end to within half a round trip.
            Instant sent = Instant.now();
            HttpResponse<String> first = TestHttp.get(server.dcgmUrl());
            Instant t0 = midpoint(sent, Instant.now());
            Map<String, Double> before = parse(first);
            String chat = server.baseUrl() + "/v1/chat/completions";
            for (int i = 0; i < 5; i++) {
                TestHttp.post(chat, chatBody("p" + i, true, 30, true));
            }
            Thread.sleep(200);
            sent = Instant.now();
            HttpResponse<String> last = TestHttp.get(server.dcgmUrl());
            Instant t1 = midpoint(sent, Instant.now());
            Map<String, Double> after = parse(last);
            for (int g = 0; g < 2; g++) {
                String key = "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{gpu=\"" + g + "\"";
                double counted = (value(after, key) - value(before, key)) / 1000.0;
                double integral = server.gpuEnergyJoules(g, t0, t1);
                // Each end of the window is known to a scrape's round trip and the wall clock's
                // millisecond: well under a joule at most 700 W.
                assertThat(counted).as("gpu " + g).isCloseTo(integral, within(integral * 0.01 + 1.0));
                assertThat(counted).isGreaterThan(FakeGpus.idleWatts(g) * 0.5);
            }
            assertThat(after.keySet()).anyMatch(k -> k.contains("modelName=\"aiperf mock GPU\""));
            assertThat(after.keySet().stream().filter(k -> k.startsWith("DCGM_FI_DEV_POWER_USAGE")))
                    .hasSize(2);
        }
    }

    private static Instant midpoint(Instant a, Instant b) {
        return a.plus(Duration.between(a, b).dividedBy(2));
    }

    @Test
    void pages_answerGetAndHead_only() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(mock().build())) {
            HttpResponse<String> head = TestHttp.CLIENT.send(HttpRequest.newBuilder(
                    URI.create(server.metricsUrl())).method("HEAD", HttpRequest.BodyPublishers.noBody())
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();
            assertThat(TestHttp.post(server.dcgmUrl(), "{}").statusCode()).isEqualTo(405);
        }
    }
}
