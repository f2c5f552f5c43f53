package io.aiperf.engine.internal.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * The parser on generated input. Whatever a server sends, it never throws and every line is
 * accounted for: a sample, metadata, a comment, a blank, or a counted skip. Pages written from
 * generated families read back exactly, and garbage lines between them cost only themselves.
 */
final class PrometheusTextPropertiesTest {
  @Property(tries = 3_000)
  void anyText_neverThrows_everyLineAccountedFor(@ForAll("exposition-ish") String text) {
    Exposition e = PrometheusText.parse(text);
    assertThat(e.lines()).isEqualTo(e.blankLines() + e.commentLines() + e.metadataLines()
        + e.sampleLines() + e.skippedLines());
    long samples = e.families().stream().mapToLong(f -> f.samples().size()).sum();
    assertThat(samples).isEqualTo(e.sampleLines());
    assertThat(e.problems()).hasSizeLessThanOrEqualTo(Math.min(5, e.skippedLines()));
  }

  @Property(tries = 1_000)
  void anyUnicode_neverThrows(@ForAll String text) {
    Exposition e = PrometheusText.parse(text);
    assertThat(e.lines()).isEqualTo(e.blankLines() + e.commentLines() + e.metadataLines()
        + e.sampleLines() + e.skippedLines());
  }

  record Series(String name, List<String> labels, double value) {}

  @Property(tries = 1_000)
  void writtenPage_readsBackExactly(@ForAll("series") @Size(max = 30) List<Series> series,
      @ForAll boolean crlf) {
    StringBuilder page = new StringBuilder();
    for (Series s : series) {
      page.append("# TYPE ").append(s.name).append(" gauge").append(crlf ? "\r\n" : "\n");
      page.append(line(s)).append(crlf ? "\r\n" : "\n");
    }
    Exposition e = PrometheusText.parse(page.toString());
    assertThat(e.skippedLines()).as("%s", e.problems()).isZero();
    List<Sample> read = e.families().stream().flatMap(f -> f.samples().stream()).toList();
    List<Sample> expected = new ArrayList<>();
    // A name written twice adds its second block to the first family.
    java.util.Map<String, List<Sample>> byName = new java.util.LinkedHashMap<>();
    for (Series s : series) {
      byName.computeIfAbsent(s.name, k -> new ArrayList<>())
          .add(new Sample(s.name, Labels.of(s.labels), s.value));
    }
    byName.values().forEach(expected::addAll);
    assertThat(read).usingRecursiveComparison()
        .withComparatorForType(Double::compare, Double.class).isEqualTo(expected);
  }

  @Property(tries = 1_000)
  void garbageLines_areSkippedOneEach_andCostNoSample(
      @ForAll("series") @Size(min = 1, max = 20) List<Series> series,
      @ForAll("garbage") @Size(max = 10) List<String> garbage) {
    StringBuilder page = new StringBuilder();
    int g = 0;
    for (int i = 0; i < series.size(); i++) {
      page.append(line(series.get(i))).append('\n');
      if (g < garbage.size() && i % 2 == 0) {
        page.append(garbage.get(g++)).append('\n');
      }
    }
    while (g < garbage.size()) {
      page.append(garbage.get(g++)).append('\n');
    }
    Exposition e = PrometheusText.parse(page.toString());
    assertThat(e.sampleLines()).isEqualTo(series.size());
    assertThat(e.skippedLines()).isEqualTo(garbage.size());
  }

  private static String line(Series s) {
    StringBuilder sb = new StringBuilder(s.name);
    if (!s.labels.isEmpty()) {
      sb.append('{');
      for (int i = 0; i < s.labels.size(); i += 2) {
        if (i > 0) {
          sb.append(',');
        }
        sb.append(s.labels.get(i)).append("=\"").append(s.labels.get(i + 1)
            .replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")).append('"');
      }
      sb.append('}');
    }
    double v = s.value;
    String value = Double.isNaN(v) ? "NaN" : v == Double.POSITIVE_INFINITY ? "+Inf"
        : v == Double.NEGATIVE_INFINITY ? "-Inf" : Double.toString(v);
    return sb.append(' ').append(value).toString();
  }

  @Provide
  Arbitrary<List<Series>> series() {
    Arbitrary<String> name = Arbitraries.strings().withCharRange('a', 'z').withChars('_', ':')
        .ofMinLength(1).ofMaxLength(12)
        .map(s -> s.toLowerCase(Locale.ROOT)).filter(s -> Character.isLetter(s.charAt(0)));
    Arbitrary<String> labelName = Arbitraries.strings().withCharRange('a', 'e').ofMinLength(1)
        .ofMaxLength(3);
    Arbitrary<String> labelValue = Arbitraries.strings().all().ofMaxLength(8)
        .filter(v -> v.indexOf('\r') < 0 && v.chars().noneMatch(c -> Character.isSurrogate((char) c)));
    Arbitrary<List<String>> labels = Combinators.combine(labelName, labelValue)
        .as((n, v) -> List.of(n, v)).list().ofMaxSize(4)
        .map(pairs -> {
          List<String> flat = new ArrayList<>();
          java.util.Set<String> seen = new java.util.HashSet<>();
          for (List<String> p : pairs) {
            if (seen.add(p.get(0))) {
              flat.addAll(p);
            }
          }
          return flat;
        });
    Arbitrary<Double> value = Arbitraries.oneOf(Arbitraries.doubles(),
        Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0,
            -0.0, 1e-300, 1.7976931348623157e308));
    return Combinators.combine(name, labels, value).as(Series::new).list();
  }

  @Provide
  Arbitrary<List<String>> garbage() {
    return Arbitraries.oneOf(
        Arbitraries.of("<html>", "{\"json\": true}", "metric{a=\"1\" 1", "metric 1 2 3",
            "9starts_with_digit 1", "name value", "name{a=\"1\"}", "name{=\"x\"} 1",
            "name 0x1p3", "name 1d", "# TYPE bad nonsense", "# HELP"),
        Arbitraries.strings().withChars('<', '>', '[', ']', '/', '-', '.', '9')
            .ofMinLength(1).ofMaxLength(10)).list();
  }

  @Provide("exposition-ish")
  Arbitrary<String> expositionIsh() {
    Arbitrary<String> token = Arbitraries.oneOf(
        Arbitraries.of("# HELP ", "# TYPE ", "# UNIT ", "# EOF", "counter", "gauge", "histogram",
            "summary", "untyped", "_total", "_bucket", "_sum", "_count", "{", "}", "=", "\"", ",",
            "\\", "\\\"", "\\n", "le", "quantile", " ", "\t", "\n", "\r\n", "NaN", "+Inf", "-1.5e3",
            "42", "metric", "m:x", "#", "{\"utf.name\""),
        Arbitraries.strings().ofMaxLength(4));
    return token.list().ofMaxSize(60).map(l -> String.join("", l));
  }
}
