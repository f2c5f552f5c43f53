package io.aiperf.engine.internal.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.aiperf.api.Datasets;
import io.aiperf.api.spi.DatasetProvider;
import io.aiperf.engine.internal.tokenizer.TiktokenProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * The JSONL loaders on generated files: a file either loads, or fails with an
 * IllegalArgumentException that names the file and the line, never anything else.
 */
final class JsonlLoaderPropertiesTest {
  private static final io.aiperf.api.spi.Tokenizer TOKENIZER =
      new TiktokenProvider().load("o200k_base");

  private static void assertLoadsOrNamesTheLine(DatasetProvider provider, List<String> lines,
      boolean multiTurn) throws Exception {
    assertLoadsOrNamesTheLine(provider, lines, multiTurn ? "multi_turn" : "single_turn");
  }

  private static void assertLoadsOrNamesTheLine(DatasetProvider provider, List<String> lines,
      String type) throws Exception {
    Path file = Files.createTempFile("fuzz", ".jsonl");
    try {
      Files.writeString(file, String.join("\n", lines), StandardCharsets.UTF_8);
      var config = Datasets.file(type, file).blockSize(16);
      Throwable t = catchThrowable(() -> provider.load(config, TOKENIZER, 1, 10));
      if (t == null) {
        return;
      }
      assertThat(t).isInstanceOf(IllegalArgumentException.class);
      boolean blank = lines.stream().allMatch(String::isBlank);
      if (!blank) {
        assertThat(t.getMessage()).contains(file.toString()).containsPattern("line \\d+");
      }
    } finally {
      Files.deleteIfExists(file);
    }
  }

  @Property(tries = 500)
  void singleTurn_loadsOrNamesTheLine(@ForAll("lines") List<String> lines) throws Exception {
    assertLoadsOrNamesTheLine(new JsonlDatasetProvider.SingleTurn(), lines, false);
  }

  @Property(tries = 500)
  void multiTurn_loadsOrNamesTheLine(@ForAll("lines") List<String> lines) throws Exception {
    assertLoadsOrNamesTheLine(new JsonlDatasetProvider.MultiTurn(), lines, true);
  }

  @Property(tries = 300)
  void randomPool_loadsOrNamesTheLine(@ForAll("lines") List<String> lines) throws Exception {
    assertLoadsOrNamesTheLine(new RandomPoolDatasetProvider(), lines, "random_pool");
  }

  @Property(tries = 300)
  void mooncake_loadsOrNamesTheLine(@ForAll("traceLines") List<String> lines) throws Exception {
    assertLoadsOrNamesTheLine(new TraceDatasetProviders.Mooncake(), lines, "mooncake_trace");
  }

  @Property(tries = 300)
  void bailian_loadsOrNamesTheLine(@ForAll("traceLines") List<String> lines) throws Exception {
    assertLoadsOrNamesTheLine(new TraceDatasetProviders.Bailian(), lines, "bailian_trace");
  }

  @Provide
  Arbitrary<List<String>> traceLines() {
    Arbitrary<String> valid = Arbitraries.of(
        "{\"timestamp\": 0, \"input_length\": 20, \"output_length\": 5, \"hash_ids\": [1, 2]}",
        "{\"session_id\": \"s\", \"delay\": 5, \"input_length\": 8}",
        "{\"timestamp\": 3, \"text_input\": \"hello\"}",
        "{\"chat_id\": 1, \"parent_chat_id\": -1, \"timestamp\": 1.5, \"input_length\": 20,"
            + " \"output_length\": 3, \"turn\": 1, \"hash_ids\": [4, 5]}",
        "{\"chat_id\": 2, \"parent_chat_id\": 1, \"timestamp\": 2.5, \"input_length\": 9,"
            + " \"output_length\": 3, \"turn\": 2, \"hash_ids\": [4]}");
    Arbitrary<String> mutated = valid.flatMap(v -> Arbitraries.integers()
        .between(0, v.length() - 1)
        .flatMap(i -> Arbitraries.of('"', '{', '}', '[', ']', ':', ',', '-', '1', '9', 'x', ' ')
            .map(c -> v.substring(0, i) + c + v.substring(i + 1))));
    Arbitrary<String> wrongTypes = Arbitraries.of(
        "{\"input_length\": 0}", "{\"input_length\": -3}", "{\"input_length\": 1.5}",
        "{\"input_length\": 99999, \"hash_ids\": [1]}", "{\"input_length\": 5, \"hash_ids\": 1}",
        "{\"input_length\": 5, \"hash_ids\": [\"a\"]}", "{\"timestamp\": \"x\", \"input_length\": 5}",
        "{\"text_input\": 5}", "{\"messages\": []}", "{\"chat_id\": \"a\"}", "{}",
        "{\"chat_id\": 1, \"timestamp\": -1, \"input_length\": 3}", "[]", "null");
    Arbitrary<String> line = Arbitraries.frequencyOf(Tuple.of(4, valid), Tuple.of(3, mutated),
        Tuple.of(2, wrongTypes), Tuple.of(1, Arbitraries.strings().ofMaxLength(30)));
    return line.list().ofMaxSize(6);
  }

  @Provide
  Arbitrary<List<String>> lines() {
    Arbitrary<String> valid = Arbitraries.of(
        "{\"text\": \"What is ML?\"}",
        "{\"texts\": [\"a\", \"b\"], \"output_length\": 5}",
        "{\"text\": \"x\", \"timestamp\": 10, \"delay\": 5}",
        "{\"session_id\": \"s\", \"turns\": [{\"text\": \"hi\"}, {\"text\": \"again\", \"delay\": 10}]}",
        "{\"turns\": [{\"texts\": [{\"contents\": [\"a\"]}]}]}",
        "{\"text\": \"x\", \"max_tokens\": 7}");
    Arbitrary<String> mutated = valid.flatMap(v -> Arbitraries.integers()
        .between(0, v.length() - 1)
        .flatMap(i -> Arbitraries.of('"', '{', '}', '[', ']', ':', ',', '-', '1', 'x', ' ')
            .map(c -> v.substring(0, i) + c + v.substring(i + 1))));
    Arbitrary<String> wrongTypes = Arbitraries.of(
        "{\"text\": 5}", "{\"text\": null}", "{\"texts\": \"a\"}", "{\"texts\": [1, {}]}",
        "{\"text\": \"x\", \"timestamp\": \"soon\"}", "{\"text\": \"x\", \"timestamp\": -1}",
        "{\"text\": \"x\", \"delay\": -5}", "{\"text\": \"x\", \"output_length\": -1}",
        "{\"turns\": {}}", "{\"turns\": [5]}", "{\"turns\": []}", "[]", "42", "\"s\"", "null");
    Arbitrary<String> line = Arbitraries.frequencyOf(Tuple.of(4, valid), Tuple.of(3, mutated),
        Tuple.of(2, wrongTypes), Tuple.of(1, Arbitraries.strings().ofMaxLength(30)));
    return line.list().ofMaxSize(6);
  }
}
