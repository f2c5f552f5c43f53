package io.aiperf.engine.internal.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

final class PrometheusTextTest {
  private static MetricFamily only(Exposition e) {
    assertThat(e.families()).hasSize(1);
    return e.families().get(0);
  }

  @Test
  void classicCounter_familyIsNamedWithoutTotal_helpBeforeOrAfterType() {
    Exposition e = PrometheusText.parse("""
        # HELP vllm:prompt_tokens_total Number of prefill tokens processed.
        # TYPE vllm:prompt_tokens_total counter
        vllm:prompt_tokens_total{engine="0",model_name="m"} 1234.0
        # TYPE x_total counter
        # HELP x_total Things.
        x_total 5
        """);
    assertThat(e.families()).extracting(MetricFamily::name)
        .containsExactly("vllm:prompt_tokens", "x");
    MetricFamily f = e.families().get(0);
    assertThat(f.type()).isEqualTo(MetricType.COUNTER);
    assertThat(f.help()).isEqualTo("Number of prefill tokens processed.");
    assertThat(f.samples()).containsExactly(new Sample("vllm:prompt_tokens_total",
        Labels.of("model_name", "m", "engine", "0"), 1234.0));
    assertThat(e.families().get(1).help()).isEqualTo("Things.");
    assertThat(e.skippedLines()).isZero();
  }

  @Test
  void histogram_bucketsSumAndCountStayInOneFamily() {
    Exposition e = PrometheusText.parse("""
        # TYPE ttft_seconds histogram
        ttft_seconds_bucket{le="0.1"} 1
        ttft_seconds_bucket{le="+Inf"} 3
        ttft_seconds_sum 0.9
        ttft_seconds_count 3
        """);
    MetricFamily f = only(e);
    assertThat(f.type()).isEqualTo(MetricType.HISTOGRAM);
    assertThat(f.samples()).extracting(Sample::name).containsExactly("ttft_seconds_bucket",
        "ttft_seconds_bucket", "ttft_seconds_sum", "ttft_seconds_count");
    assertThat(f.samples().get(1).labels().get("le")).isEqualTo("+Inf");
    assertThat(f.samples().get(1).value()).isEqualTo(3.0);
  }

  @Test
  void sampleWithoutType_opensAnUntypedFamilyOfItsOwn() {
    Exposition e = PrometheusText.parse("""
        # TYPE g gauge
        g 1
        g_other 2
        """);
    assertThat(e.families()).extracting(MetricFamily::name, MetricFamily::type)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("g", MetricType.GAUGE),
            org.assertj.core.groups.Tuple.tuple("g_other", MetricType.UNKNOWN));
  }

  @Test
  void labelEscapes_andQuotedUtf8Names_areRead() {
    Exposition e = PrometheusText.parse("""
        m{path="C:\\\\dir\\"x\\"",text="a\\nb"} 1
        {"my.metric", "label.with.dots"="v"} 2
        # HELP h line one\\nline two \\\\ done
        # TYPE h gauge
        h 3
        """);
    assertThat(e.families()).hasSize(3);
    assertThat(e.families().get(0).samples().get(0).labels().asMap())
        .containsEntry("path", "C:\\dir\"x\"").containsEntry("text", "a\nb");
    Sample dotted = e.families().get(1).samples().get(0);
    assertThat(dotted.name()).isEqualTo("my.metric");
    assertThat(dotted.labels().get("label.with.dots")).isEqualTo("v");
    assertThat(e.families().get(2).help()).isEqualTo("line one\nline two \\ done");
  }

  @Test
  void specialValues_timestamps_exemplars_crlf() {
    Exposition e = PrometheusText.parse("a NaN\r\nb +Inf 1712345678000\r\nc -Inf\r\n"
        + "d_bucket{le=\"1\"} 4 # {trace_id=\"abc\"} 0.5 1.7e9\r\ne 1.5e3\r\n");
    assertThat(e.skippedLines()).isZero();
    assertThat(e.families()).extracting(f -> f.samples().get(0).value())
        .containsExactly(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 4.0,
            1500.0);
  }

  @Test
  void malformedLines_areSkippedCountedAndNamed_theRestIsKept() {
    Exposition e = PrometheusText.parse("""
        # TYPE ok gauge
        ok 1
        ok{a="x" 2
        ok{a="y"} twelve
        9lives 3
        ok{a="z"} 4 5 6
        # TYPE ok2 nonsense
        ok{b="w"} 7
        """);
    assertThat(e.sampleLines()).isEqualTo(2);
    assertThat(e.skippedLines()).isEqualTo(5);
    assertThat(e.problems()).hasSize(5);
    assertThat(e.problems().get(0)).startsWith("line 3: ");
    assertThat(e.problems().get(1)).contains("value 'twelve' is not a number");
    assertThat(e.problems().get(3)).contains("line 6").contains("text after the timestamp");
    assertThat(e.family("ok").orElseThrow().samples()).extracting(Sample::value)
        .containsExactly(1.0, 7.0);
    assertThat(e.notPrometheus()).isFalse();
    assertThat(e.lines()).isEqualTo(e.blankLines() + e.commentLines() + e.metadataLines()
        + e.sampleLines() + e.skippedLines());
  }

  @Test
  void htmlOrJson_isNotPrometheus() {
    assertThat(PrometheusText.parse("<html><body><h1>404 Not Found</h1></body></html>\n")
        .notPrometheus()).isTrue();
    assertThat(PrometheusText.parse("[{\"iter\":1523,\"gpuMemUsage\":40351203328}]")
        .notPrometheus()).isTrue();
    assertThat(PrometheusText.parse("").notPrometheus()).isFalse();
    assertThat(PrometheusText.parse("# just a comment\n").families()).isEmpty();
  }

  @Test
  void textAfterOpenMetricsEof_isSkipped() {
    Exposition e = PrometheusText.parse("a 1\n# EOF\nb 2\n");
    assertThat(e.families()).extracting(MetricFamily::name).containsExactly("a");
    assertThat(e.skippedLines()).isEqualTo(1);
  }

  @Test
  void splitFamily_samplesFindTheirEarlierFamily() {
    Exposition e = PrometheusText.parse("""
        # TYPE h histogram
        h_bucket{le="1"} 1
        # TYPE g gauge
        g 2
        h_count 1
        """);
    assertThat(e.family("h").orElseThrow().samples()).extracting(Sample::name)
        .containsExactly("h_bucket", "h_count");
    assertThat(e.families()).hasSize(2);
  }

  @Test
  void duplicateLabelName_isMalformed() {
    Exposition e = PrometheusText.parse("m{a=\"1\",a=\"2\"} 1\n");
    assertThat(e.skippedLines()).isEqualTo(1);
    assertThat(e.problems()).singleElement().asString().contains("label 'a' was given twice");
  }

  @Test
  void labels_sortAndCompareByValue() {
    assertThat(Labels.of("b", "2", "a", "1")).isEqualTo(Labels.of(List.of("a", "1", "b", "2")));
    assertThat(Labels.of("a", "1", "le", "0.5").without("le")).isEqualTo(Labels.of("a", "1"));
    assertThat(Labels.of("b", "2", "a", "1").toString()).isEqualTo("{a=\"1\",b=\"2\"}");
  }
}
