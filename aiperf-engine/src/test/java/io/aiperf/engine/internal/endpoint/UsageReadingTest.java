package io.aiperf.engine.internal.endpoint;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.spi.Usage;
import org.junit.jupiter.api.Test;

/** The usage shapes AIPerf 0.13's {@code Usage} model reads, read the same way. */
final class UsageReadingTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static Usage read(String json) throws Exception {
    return java.util.Objects.requireNonNull(Bodies.usage(JSON.readTree(json)));
  }

  @Test
  void openAi_cachedTokensNested() throws Exception {
    Usage u = read("{\"prompt_tokens\": 100, \"completion_tokens\": 8, \"total_tokens\": 108,"
        + " \"prompt_tokens_details\": {\"cached_tokens\": 64}}");
    assertThat(u).isEqualTo(new Usage(100, 8, 108, -1, 64, -1, -1));
  }

  @Test
  void anthropic_inputIsTheUncachedRest_andThePromptAddsTheCacheBack() throws Exception {
    Usage u = read("{\"input_tokens\": 10, \"output_tokens\": 5,"
        + " \"cache_read_input_tokens\": 80, \"cache_creation_input_tokens\": 30}");
    assertThat(u).isEqualTo(new Usage(120, 5, -1, -1, 80, 30, -1));
  }

  @Test
  void deepSeek_hitsAndMissesAtTheTopLevel_promptAlreadyTotal() throws Exception {
    Usage u = read("{\"prompt_tokens\": 100, \"completion_tokens\": 3, \"total_tokens\": 103,"
        + " \"prompt_cache_hit_tokens\": 70, \"prompt_cache_miss_tokens\": 30}");
    assertThat(u).isEqualTo(new Usage(100, 3, 103, -1, 70, -1, 30));
  }

  @Test
  void responses_cachedTokensInInputDetails() throws Exception {
    Usage u = read("{\"input_tokens\": 50, \"output_tokens\": 7, \"total_tokens\": 57,"
        + " \"input_tokens_details\": {\"cached_tokens\": 20},"
        + " \"output_tokens_details\": {\"reasoning_tokens\": 4}}");
    assertThat(u).isEqualTo(new Usage(50, 7, 57, 4, 20, -1, -1));
  }

  /** The one-pass chat reading hands the rare top-level keys to the tree reading. */
  @Test
  void chatResponse_readsNestedAndTopLevelCacheCounts() {
    io.aiperf.api.spi.EndpointProvider.Endpoint chat = new ChatEndpointProvider().create(
        io.aiperf.api.Endpoints.openAiChat("http://x").model("m"));
    for (String[] c : new String[][] {
        {"\"prompt_tokens_details\": {\"cached_tokens\": 64}", "64", "-1"},
        {"\"prompt_cache_hit_tokens\": 70, \"prompt_cache_miss_tokens\": 30", "70", "30"}}) {
      byte[] b = ("{\"choices\": [{\"message\": {\"content\": \"hi\"}}], \"usage\":"
          + " {\"prompt_tokens\": 100, \"completion_tokens\": 1, \"total_tokens\": 101, "
          + c[0] + "}}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
      Usage u = java.util.Objects.requireNonNull(chat.parse(b, 0, b.length)).usage();
      assertThat(u).as(c[0]).isEqualTo(new Usage(100, 1, 101, -1, Long.parseLong(c[1]), -1,
          Long.parseLong(c[2])));
    }
  }
}
