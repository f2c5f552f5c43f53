package io.aiperf.engine.internal.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.Datasets;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.Turn;
import io.aiperf.engine.internal.tokenizer.TiktokenProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AIPerf's dag_jsonl: linear conversations load; forks, spawns and orchestrators are refused. */
final class DagJsonlDatasetProviderTest {
  private static final Tokenizer O200K = new TiktokenProvider().load("o200k_base");
  private static final String TOOLS = "[{\"type\":\"function\",\"function\":{\"name\":\"f\"}}]";

  private static List<Conversation> load(Path dir, String... lines) throws Exception {
    Path file = Files.writeString(dir.resolve("dag.jsonl"), String.join("\n", lines) + "\n");
    return new DagJsonlDatasetProvider().load(Datasets.file("dag_jsonl", file), O200K, 1, 10);
  }

  private static String where(Path dir, int line) {
    return dir.resolve("dag.jsonl") + " line " + line;
  }

  @Test
  void linearConversations_keepMessagesToolsExtrasDelaysAndModels(@TempDir Path dir)
      throws Exception {
    List<Conversation> c = load(dir,
        "{\"session_id\": \"a\", \"context_mode\": \"DELTAS_WITHOUT_RESPONSES\", \"turns\": ["
            + "{\"messages\": [{\"role\": \"system\", \"content\": \"be brief\"},"
            + " {\"role\": \"user\", \"content\": \"weather?\"}], \"tools\": " + TOOLS + ","
            + " \"max_tokens\": 7, \"extra\": {\"temperature\": 0.5}, \"forks\": []},"
            + "{\"messages\": [{\"role\": \"tool\", \"tool_call_id\": \"c1\", \"content\":"
            + " \"sunny\"}], \"delay\": 250.4, \"model\": \"other\", \"spawns\": []}]}",
        "",
        "{\"session_id\": \"b\", \"turns\": [{\"messages\": [{\"role\": \"user\", \"content\":"
            + " [{\"type\": \"text\", \"text\": \"parts\"}]}]}]}");
    assertThat(c).extracting(Conversation::id).containsExactly("a", "b");
    Turn first = c.get(0).turns().get(0);
    Turn second = c.get(0).turns().get(1);
    assertThat(first.messages()).contains("\"be brief\"", "\"weather?\"");
    assertThat(first.texts()).containsExactly("be brief", "weather?");
    assertThat(first.maxTokens()).isEqualTo(7);
    assertThat(first.extraBody()).isEqualTo("{\"temperature\":0.5}");
    assertThat(first.tools()).isEqualTo(TOOLS);
    // The tool result is sent as the dataset wrote it; the tools carry over, as AIPerf's latest.
    assertThat(second.messages()).isEqualTo(
        "[{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"sunny\"}]");
    assertThat(second.tools()).isEqualTo(TOOLS);
    assertThat(second.delayMillis()).isEqualTo(250);
    assertThat(second.model()).isEqualTo("other");
    assertThat(c.get(1).turns().get(0).texts()).containsExactly("parts");
  }

  @Test
  void dagConstructs_areRefusedNamingFileLineAndKey(@TempDir Path dir) {
    String turn = "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]";
    assertThatThrownBy(() -> load(dir, "{\"session_id\": \"p\", \"turns\": [" + turn + "},"
        + turn + ", \"forks\": [\"c\"]}]}", "{\"session_id\": \"c\", \"turns\": [" + turn + "}]}"))
        .hasMessage(where(dir, 1) + ": turns[1]: 'forks' is not supported: forked children"
            + " inherit this session's history and run as sessions of their own; aiperf-java runs"
            + " a dag_jsonl conversation as one linear session (turns in order, each after the"
            + " previous reply), so only conversations without forks, spawns and orchestrators"
            + " run");
    assertThatThrownBy(() -> load(dir, "{\"session_id\": \"p\", \"turns\": [" + turn
        + ", \"spawns\": [{\"children\": [\"c\"], \"join_at\": 1}]}]}"))
        .hasMessageStartingWith(where(dir, 1) + ": turns[0]: 'spawns' is not supported:"
            + " spawned children run in parallel");
    assertThatThrownBy(() -> load(dir, "{\"session_id\": \"ok\", \"turns\": [" + turn + "}]}",
        "{\"session_id\": \"p\", \"pre_session_spawns\": [\"ok\"], \"turns\": [" + turn + "}]}"))
        .hasMessageStartingWith(where(dir, 2) + ": 'pre_session_spawns' is not supported");
    assertThatThrownBy(() -> load(dir,
        "{\"session_id\": \"o\", \"orchestrator\": true, \"spawns\": [\"c\"], \"turns\": []}"))
        .hasMessageStartingWith(where(dir, 1) + ": 'orchestrator' is not supported: an"
            + " orchestrator conversation sends no request");
    assertThatThrownBy(() -> load(dir, "{\"session_id\": \"p\", \"context_mode\":"
        + " \"message_array_with_responses\", \"turns\": [" + turn + "}]}"))
        .hasMessageStartingWith(where(dir, 1) + ": context_mode was"
            + " 'message_array_with_responses' but aiperf-java runs");
  }

  @Test
  void badLines_failAsAiperfsLoaderDoes(@TempDir Path dir) {
    String turn = "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}]";
    assertThatThrownBy(() -> load(dir, "{\"session_id\": \"p\", \"turns\": [" + turn
        + ", \"temperature\": 0.2}]}"))
        .hasMessageStartingWith(where(dir, 1) + ": turns[0]: unknown key 'temperature'; a"
            + " dag_jsonl turn takes [delay, extra, forks, max_tokens, messages, model, spawns,"
            + " tools] (other request fields go in 'extra')");
    assertThatThrownBy(() -> load(dir, "{\"session\": \"p\", \"turns\": [" + turn + "}]}"))
        .hasMessageStartingWith(where(dir, 1) + ": unknown key 'session'");
    assertThatThrownBy(() -> load(dir, "{\"session_id\": \"p\", \"turns\": [" + turn + "},"
        + "{\"messages\": [{\"role\": \"system\", \"content\": \"late\"}]}]}"))
        .hasMessageStartingWith(where(dir, 1) + ": turns[1].messages[0] is a 'system' message"
            + " after the first turn");
    assertThatThrownBy(() -> load(dir, "{\"session_id\": \"p\", \"turns\": [{\"messages\":"
        + " [{\"content\": \"no role\"}]}]}"))
        .hasMessage(where(dir, 1) + ": turns[0].messages[0] needs a 'role'");
    assertThatThrownBy(() -> load(dir, "{\"session_id\": \"p\", \"turns\": [" + turn
        + ", \"max_tokens\": true}]}"))
        .hasMessage(where(dir, 1) + ": turns[0].max_tokens must be an integer >= 1 but was true");
    assertThatThrownBy(() -> load(dir, "{\"session_id\": \"p\", \"turns\": [" + turn + "}]}",
        "{\"session_id\": \"p\", \"turns\": [" + turn + "}]}"))
        .hasMessage(where(dir, 2) + ": session_id 'p' repeats an earlier line's; each"
            + " conversation needs its own");
  }
}
