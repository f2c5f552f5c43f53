package io.aiperf.engine.internal.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pages in the formats vLLM, SGLang and NVIDIA's DCGM exporter document (test resources
 * {@code prometheus/*.txt}; vLLM's and SGLang's were rendered with prometheus_client, the library
 * both servers use, from their metric names, HELP texts, labels and buckets), and an OpenMetrics
 * page as NVIDIA Dynamo's frontend serves it. Each is read exactly as prometheus_client's own
 * parser reads it (the {@code .expected.tsv} next to it, written by that parser): same families,
 * types, samples, labels and values, in the same order.
 */
final class RealWorldPagesTest {
  private static String resource(String name) throws IOException {
    try (InputStream in = Objects.requireNonNull(
        RealWorldPagesTest.class.getResourceAsStream("/prometheus/" + name), name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private record Row(String family, String type, String sample, String labels, double value) {}

  @ParameterizedTest
  @ValueSource(strings = {"vllm", "sglang", "dcgm", "openmetrics"})
  void page_readAsPrometheusClientReadsIt(String page) throws IOException {
    Exposition e = PrometheusText.parse(resource(page + ".txt"));
    assertThat(e.skippedLines()).as(String.valueOf(e.problems())).isZero();
    List<Row> ours = new ArrayList<>();
    for (MetricFamily f : e.families()) {
      for (Sample s : f.samples()) {
        String labels = s.labels().asMap().entrySet().stream()
            .map(x -> x.getKey() + "=" + x.getValue()).collect(Collectors.joining(","));
        ours.add(new Row(f.name(), f.type().aiperfName(), s.name(), labels, s.value()));
      }
    }
    List<Row> theirs = new ArrayList<>();
    for (String line : resource(page + ".expected.tsv").split("\n")) {
      String[] c = line.split("\t", -1);
      // prometheus_client names a counter's sample <family>_total even where the page wrote the
      // bare name (the DCGM exporter does); the page's own name is kept here.
      String sample = c[1].equals("counter") && c[2].equals(c[0] + "_total")
          && !resource(page + ".txt").contains(c[2]) ? c[0] : c[2];
      theirs.add(new Row(c[0], c[1], sample, c[3], Double.parseDouble(c[4])));
    }
    // prometheus_client turns OpenMetrics _created values into timestamps: compare all else.
    assertThat(ours.stream().filter(r -> !r.sample().endsWith("_created")).toList())
        .containsExactlyElementsOf(theirs.stream()
            .filter(r -> !r.sample().endsWith("_created")).toList());
    assertThat(ours).hasSameSizeAs(theirs);
  }

  @ParameterizedTest
  @ValueSource(strings = {"vllm", "sglang", "dcgm", "openmetrics"})
  void page_everyLineIsAccountedFor(String page) throws IOException {
    String text = resource(page + ".txt");
    Exposition e = PrometheusText.parse(text);
    assertThat(e.lines()).isEqualTo(text.split("\n", -1).length - (text.endsWith("\n") ? 1 : 0));
    assertThat(e.lines()).isEqualTo(e.blankLines() + e.commentLines() + e.metadataLines()
        + e.sampleLines() + e.skippedLines());
  }

  @org.junit.jupiter.api.Test
  void tensorRtLlmIterationStats_areNotAPrometheusPage() throws IOException {
    // trtllm-serve answers /metrics with a JSON array of iteration statistics.
    Exposition e = PrometheusText.parse(resource("trtllm.txt"));
    assertThat(e.notPrometheus()).isTrue();
    assertThat(e.problems()).singleElement().asString().startsWith("line 1: not a metric name");
  }

  @org.junit.jupiter.api.Test
  void dcgm_countersAndLabelsAsTheExporterWritesThem() throws IOException {
    Exposition e = PrometheusText.parse(resource("dcgm.txt"));
    MetricFamily energy = e.family("DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION").orElseThrow();
    assertThat(energy.type()).isEqualTo(MetricType.COUNTER);
    assertThat(energy.help()).isEqualTo("Total energy consumption since boot (in mJ).");
    Map<String, String> labels = energy.samples().get(1).labels().asMap();
    assertThat(labels).containsEntry("gpu", "1").containsEntry("modelName",
        "NVIDIA H100 80GB HBM3").containsEntry("Hostname", "dgx-h100-07");
    assertThat(energy.samples().get(1).value()).isEqualTo(8765432109876.0);
  }
}
