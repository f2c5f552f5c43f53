package io.aiperf.engine.internal.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.aiperf.api.Datasets;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.engine.internal.tokenizer.TiktokenProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

final class TraceDatasetProvidersTest {
  private static final Tokenizer O200K = new TiktokenProvider().load("o200k_base");

  private static Path file(Path dir, String... lines) throws Exception {
    return Files.writeString(dir.resolve("trace.jsonl"), String.join("\n", lines));
  }

  private static String prompt(Conversation c) {
    return c.turns().get(0).texts().get(0);
  }

  @Test
  void mooncake_sharedHashIds_shareTheirBlocks_andLengthsAreExact(@TempDir Path dir)
      throws Exception {
    Path trace = file(dir,
        "{\"timestamp\": 0, \"input_length\": 40, \"output_length\": 5, \"hash_ids\": [1, 2, 3]}",
        "{\"timestamp\": 50, \"input_length\": 35, \"output_length\": 6, \"hash_ids\": [1, 2, 9]}",
        "{\"timestamp\": 80, \"input_length\": 12, \"output_length\": 7, \"hash_ids\": [4]}",
        "{\"timestamp\": 90, \"text_input\": \"verbatim\", \"output_length\": 1}",
        "{\"timestamp\": 95, \"input_length\": 20}");
    List<Conversation> c = new TraceDatasetProviders.Mooncake().load(
        Datasets.mooncakeTrace(trace).blockSize(16), O200K, 3, 10);
    assertThat(c).hasSize(5);
    assertThat(c).extracting(x -> O200K.count(prompt(x))).containsExactly(40, 35, 12, O200K.count("verbatim"), 20);
    // Blocks 1 and 2 (16 tokens each) are the same text in both prompts: a shared prefix.
    String first = prompt(c.get(0));
    String second = prompt(c.get(1));
    int[] a = O200K.encode(first);
    int[] b = O200K.encode(second);
    assertThat(java.util.Arrays.copyOf(a, 32)).containsExactly(java.util.Arrays.copyOf(b, 32));
    assertThat(a[32]).isNotEqualTo(b[32]);
    // Neighbouring ids are unrelated texts, not one text shifted (a seeding trap).
    assertThat(java.util.Arrays.copyOfRange(a, 16, 32)).isNotEqualTo(java.util.Arrays.copyOf(a, 16));
    assertThat(java.util.Arrays.copyOfRange(a, 17, 32))
        .isNotEqualTo(java.util.Arrays.copyOfRange(a, 1, 16));
    assertThat(prompt(c.get(3))).isEqualTo("verbatim");
    assertThat(c).extracting(x -> x.turns().get(0).timestampMillis())
        .containsExactly(0L, 50L, 80L, 90L, 95L);
    assertThat(c).extracting(x -> x.turns().get(0).maxTokens()).containsExactly(5, 6, 7, 1, 0);
    // The same seed gives the same text for the same ids; another seed other text.
    assertThat(prompt(new TraceDatasetProviders.Mooncake().load(
        Datasets.mooncakeTrace(trace).blockSize(16), O200K, 3, 10).get(0))).isEqualTo(first);
  }

  @Test
  void mooncake_defaultBlockIs512_andSessionsGroupInFileOrder(@TempDir Path dir)
      throws Exception {
    Path trace = file(dir,
        "{\"session_id\": \"a\", \"timestamp\": 0, \"input_length\": 600, \"hash_ids\": [7, 8]}",
        "{\"session_id\": \"b\", \"timestamp\": 10, \"input_length\": 30}",
        "{\"session_id\": \"a\", \"delay\": 250, \"input_length\": 30}",
        "{\"session_id\": \"b\", \"timestamp\": 400, \"input_length\": 30}");
    List<Conversation> c = new TraceDatasetProviders.Mooncake().load(
        Datasets.mooncakeTrace(trace), O200K, 3, 10);
    assertThat(c).extracting(Conversation::id).containsExactly("a", "b");
    assertThat(O200K.count(prompt(c.get(0)))).isEqualTo(600);
    assertThat(c.get(0).turns()).extracting(t -> t.delayMillis()).containsExactly(0L, 250L);
    assertThat(c.get(1).turns()).extracting(t -> t.delayMillis()).containsExactly(0L, 390L);
  }

  @Test
  void mooncake_hashIdsThatCannotCoverTheLength_nameFileLineAndField(@TempDir Path dir)
      throws Exception {
    Path trace = file(dir, "{\"input_length\": 20, \"hash_ids\": [1]}",
        "{\"input_length\": 2000, \"hash_ids\": [1, 2]}");
    assertThatThrownBy(() -> new TraceDatasetProviders.Mooncake().load(
        Datasets.mooncakeTrace(trace), O200K, 3, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(trace + " line 2: 'hash_ids' has 2 ids but 'input_length' 2000 needs 4 with"
            + " blocks of 512 tokens (the last block holds 1 to 512 tokens; set the block size"
            + " with --isl-block-size)");
    Path typo = file(dir, "{\"input_length\": \"many\"}");
    assertThatThrownBy(() -> new TraceDatasetProviders.Mooncake().load(
        Datasets.mooncakeTrace(typo), O200K, 3, 10))
        .hasMessage(typo + " line 1: 'input_length' must be an integer >= 1 but was \"many\"");
  }

  @Test
  void bailian_secondsBecomeMillis_rowsAreRequestsOfTheirSession(@TempDir Path dir)
      throws Exception {
    Path trace = file(dir,
        "{\"chat_id\": 159, \"parent_chat_id\": -1, \"timestamp\": 61.114, \"input_length\": 40,"
            + " \"output_length\": 13, \"type\": \"text\", \"turn\": 1, \"hash_ids\": [1, 2, 3]}",
        "{\"chat_id\": 160, \"parent_chat_id\": 159, \"timestamp\": 62.5, \"input_length\": 70,"
            + " \"output_length\": 4, \"type\": \"text\", \"turn\": 2,"
            + " \"hash_ids\": [1, 2, 3, 4, 5]}");
    List<Conversation> c = new TraceDatasetProviders.Bailian().load(
        Datasets.bailianTrace(trace), O200K, 1, 10);
    assertThat(c).extracting(Conversation::id).containsExactly("159_1", "159_2");
    assertThat(c).extracting(x -> x.turns().get(0).timestampMillis())
        .containsExactly(61_114L, 62_500L);
    assertThat(c).extracting(x -> O200K.count(prompt(x))).containsExactly(40, 70);
    // The follow-up shares full blocks 1 and 2 (16 tokens each) with the first request; block 3
    // is short (8 tokens) in the first request, so only 32 tokens are a common prefix.
    int[] a = O200K.encode(prompt(c.get(0)));
    int[] b = O200K.encode(prompt(c.get(1)));
    assertThat(java.util.Arrays.copyOf(a, 32)).containsExactly(java.util.Arrays.copyOf(b, 32));
  }

  @Test
  void randomPool_directory_combinesOneEntryOfEachPool(@TempDir Path dir) throws Exception {
    Path pools = Files.createDirectories(dir.resolve("pools"));
    Files.writeString(pools.resolve("a_queries.jsonl"), "{\"text\": \"q1\"}\n{\"text\": \"q2\"}\n");
    Files.writeString(pools.resolve("b_passages.jsonl"),
        "{\"texts\": [\"p1\", \"p2\"]}\n{\"text\": \"p3\", \"max_tokens\": 9}\n");
    List<Conversation> c = new RandomPoolDatasetProvider().load(
        Datasets.randomPool(pools).entries(40), O200K, 5, 10);
    assertThat(c).hasSize(40);
    assertThat(c).allSatisfy(x -> assertThat(x.turns().get(0).texts().get(0)).isIn("q1", "q2"));
    assertThat(c).extracting(x -> String.join(",", x.turns().get(0).texts()))
        .contains("q1,p1,p2", "q2,p3");
    assertThat(new RandomPoolDatasetProvider().load(Datasets.randomPool(pools), O200K, 5, 10))
        .hasSize(100);
  }

  @Test
  void singleTurn_mediaFiles_becomeBase64_urlsPassThrough(@TempDir Path dir) throws Exception {
    Path png = Files.write(dir.resolve("cat.png"), new byte[] {1, 2, 3});
    Path wav = Files.write(dir.resolve("hi.wav"), new byte[] {4, 5});
    Path f = file(dir, "{\"text\": \"look\", \"images\": [\"" + png + "\","
        + " \"https://x/y.jpg\"], \"audio\": \"" + wav + "\", \"model\": \"vlm\"}",
        "{\"text\": \"x\", \"image\": \"" + dir.resolve("gone.png") + "\"}");
    assertThatThrownBy(() -> new JsonlDatasetProvider.SingleTurn().load(Datasets.singleTurn(f),
        O200K, 1, 10)).hasMessage(f + " line 2: image file '" + dir.resolve("gone.png")
            + "' does not exist");
    Files.writeString(f, Files.readAllLines(f).get(0));
    var turn = new JsonlDatasetProvider.SingleTurn().load(Datasets.singleTurn(f), O200K, 1, 10)
        .get(0).turns().get(0);
    assertThat(turn.media()).extracting(io.aiperf.api.spi.Media::data).containsExactly(
        "data:image/png;base64,AQID", "https://x/y.jpg", "BAU=");
    assertThat(turn.model()).isEqualTo("vlm");
  }

  @Test
  void shareGpt_firstExchange_asksForTheReplyLength(@TempDir Path dir) throws Exception {
    String reply = "Machine learning is a field of study in artificial intelligence.";
    Path f = Files.writeString(dir.resolve("sharegpt.json"), "[{\"id\": \"x1\", \"conversations\":"
        + " [{\"from\": \"human\", \"value\": \"What is machine learning, briefly?\"},"
        + " {\"from\": \"gpt\", \"value\": \"" + reply + "\"}]},"
        + " {\"id\": \"short\", \"conversations\": [{\"from\": \"human\", \"value\": \"hi\"},"
        + " {\"from\": \"gpt\", \"value\": \"" + reply + "\"}]},"
        + " {\"id\": \"lonely\", \"conversations\": [{\"from\": \"human\", \"value\": \"x\"}]}]");
    List<Conversation> c = new ShareGptDatasetProvider().load(Datasets.shareGpt(f), O200K, 1, 10);
    assertThat(c).extracting(Conversation::id).containsExactly("x1");
    assertThat(c.get(0).turns().get(0).maxTokens()).isEqualTo(O200K.count(reply));
  }
}
