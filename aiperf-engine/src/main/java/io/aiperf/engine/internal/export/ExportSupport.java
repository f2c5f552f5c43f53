package io.aiperf.engine.internal.export;

import io.aiperf.api.BenchmarkResult;
import io.aiperf.api.MetricResult;
import io.aiperf.api.Statistic;
import io.aiperf.api.spi.MetricInfo;
import io.aiperf.api.spi.MetricProvider;
import io.aiperf.api.spi.Plugins;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What the exporters share: file names, metric descriptions and AIPerf's number formats. */
public final class ExportSupport {
  /** AIPerf's summary JSON file name. */
  public static final String JSON_FILE = "profile_export_aiperf.json";
  /** AIPerf's summary CSV file name. */
  public static final String CSV_FILE = "profile_export_aiperf.csv";
  /**
   * AIPerf's {@code STAT_KEYS} (common/constants.py), in its order: the summary CSV's columns and
   * the timeslice CSV's rows per metric.
   */
  static final List<Statistic> STAT_KEYS = List.of(Statistic.AVG, Statistic.MIN, Statistic.MAX,
      Statistic.SUM, Statistic.P1, Statistic.P5, Statistic.P10, Statistic.P25, Statistic.P50,
      Statistic.P75, Statistic.P90, Statistic.P95, Statistic.P99, Statistic.STD);

  private ExportSupport() {}

  /**
   * Describes every metric the installed providers define, by tag.
   *
   * @return the descriptions
   */
  public static Map<String, MetricInfo> metricInfos() {
    Map<String, MetricInfo> infos = new HashMap<>();
    for (MetricProvider p : Plugins.all(MetricProvider.class)) {
      p.recordMetrics().forEach(m -> infos.put(m.info().tag(), m.info()));
      p.derivedMetrics().forEach(m -> infos.put(m.info().tag(), m.info()));
    }
    return infos;
  }

  /**
   * Where an exporter's file goes, if the run writes files and that exporter runs.
   *
   * @param result the result
   * @param exporter the exporter name
   * @param file the file name
   * @return the path
   */
  static Optional<Path> fileOf(BenchmarkResult result, String exporter, String file) {
    if (!result.config().exporters().contains(exporter)) {
      return Optional.empty();
    }
    return result.artifactDir().map(d -> d.resolve(fileName(result.config(), file))
        .toAbsolutePath());
  }

  /**
   * An export file's name: AIPerf's default, or {@code <prefix>.<extension>} with a prefix.
   *
   * @param config the run's configuration
   * @param defaultName AIPerf's default name
   * @return the name
   */
  public static String fileName(io.aiperf.api.BenchmarkConfig config, String defaultName) {
    return config.exportPrefix()
        .map(p -> p + defaultName.substring(defaultName.lastIndexOf('.')))
        .orElse(defaultName);
  }

  /**
   * Python's {@code f"{v:,.2f}"}: rounding of the exact binary value, half to even, with thousands
   * separators when asked.
   *
   * @param value the value
   * @param grouping whether to add commas
   * @return the text
   */
  static String twoDecimals(double value, boolean grouping) {
    if (!Double.isFinite(value)) {
      return Double.isNaN(value) ? "nan" : value > 0 ? "inf" : "-inf";
    }
    BigDecimal rounded = new BigDecimal(value).setScale(2, RoundingMode.HALF_EVEN);
    // Python keeps the sign of a negative value that rounds to zero (and of -0.0): "-0.00".
    String sign = value < 0 || (value == 0 && 1 / value < 0) ? "-" : "";
    if (!grouping) {
      return sign + rounded.abs().toPlainString();
    }
    String plain = rounded.abs().toPlainString();
    int dot = plain.indexOf('.');
    StringBuilder sb = new StringBuilder();
    String whole = plain.substring(0, dot);
    for (int i = 0; i < whole.length(); i++) {
      if (i > 0 && (whole.length() - i) % 3 == 0) {
        sb.append(',');
      }
      sb.append(whole.charAt(i));
    }
    sb.append(plain, dot, plain.length());
    return sign + sb;
  }

  /**
   * A statistic as AIPerf's CSV exporters write it ({@code _format_number}): {@code %.2f}, and an
   * empty cell for a statistic AIPerf does not have (aiperf-java keeps those as NaN or infinity,
   * e.g. the tail of an error-adjusted distribution). AIPerf would write a Python int without
   * decimals, but every statistic reaching its CSVs is a float (numpy), as in its own files.
   *
   * @param value the value
   * @return the cell
   */
  static String csvNumber(double value) {
    return Double.isFinite(value) ? twoDecimals(value, false) : "";
  }

  /**
   * Whether AIPerf's CSV puts a metric in the statistics section: it has a percentile.
   *
   * @param m the metric
   * @return false for scalars, which go to the {@code Metric,Value} section
   */
  static boolean hasPercentiles(MetricResult m) {
    if (m.scalar()) {
      return false;
    }
    for (Statistic s : STAT_KEYS) {
      if (s.key().startsWith("p") && Double.isFinite(m.get(s))) {
        return true;
      }
    }
    return false;
  }

  /**
   * Quotes a CSV cell only when needed, as Python's csv module does by default.
   *
   * @param s the text
   * @return the cell
   */
  static String csvCell(String s) {
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0
        || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  /**
   * A double as AIPerf's JSON writes it: shortest round-trip digits, {@code .0} on whole numbers,
   * plain between 1e-5 and 1e16 and scientific outside.
   *
   * @param value a finite value
   * @return the text
   */
  static String jsonNumber(double value) {
    if (value == 0) {
      return 1 / value < 0 ? "-0.0" : "0.0";
    }
    BigDecimal bd = shortest(value);
    String digits = bd.unscaledValue().abs().toString();
    int exponent = digits.length() - 1 - bd.scale();
    String sign = value < 0 ? "-" : "";
    if (exponent < -5 || exponent >= 16) {
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      return sign + mantissa + "e" + (exponent < 0 ? "-" : "+") + Math.abs(exponent);
    }
    String plain = bd.abs().toPlainString();
    return sign + (plain.contains(".") ? plain : plain + ".0");
  }

  /**
   * The fewest significant digits that read back as the same double, correctly rounded, as Python's
   * repr gives. JDK 17's Double.toString sometimes prints one digit more (fixed only in JDK 19).
   */
  private static BigDecimal shortest(double value) {
    BigDecimal exact = new BigDecimal(value);
    for (int digits = 1; digits < 17; digits++) {
      BigDecimal candidate = exact.round(new java.math.MathContext(digits, RoundingMode.HALF_EVEN));
      if (candidate.doubleValue() == value) {
        return candidate.stripTrailingZeros();
      }
    }
    return exact.round(new java.math.MathContext(17, RoundingMode.HALF_EVEN)).stripTrailingZeros();
  }

  /**
   * A time as AIPerf writes it: local, no zone, microseconds, the fraction left out when zero.
   *
   * @param instant the time
   * @return the text
   */
  static String isoLocal(Instant instant) {
    LocalDateTime t = LocalDateTime.ofInstant(instant, ZoneId.systemDefault());
    String base = String.format(java.util.Locale.ROOT, "%04d-%02d-%02dT%02d:%02d:%02d",
        t.getYear(), t.getMonthValue(), t.getDayOfMonth(), t.getHour(), t.getMinute(),
        t.getSecond());
    int micros = t.getNano() / 1000;
    return micros == 0 ? base : base + String.format(java.util.Locale.ROOT, ".%06d", micros);
  }

  /**
   * The command line as AIPerf prints it: values single-quoted, flags bare.
   *
   * @param args the arguments
   * @return the command, starting with {@code aiperf}
   */
  static String commandLine(List<String> args) {
    StringBuilder sb = new StringBuilder("aiperf");
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      boolean bare = a.startsWith("-") || (i == 0 && a.matches("[a-z-]+"));
      sb.append(' ').append(bare ? a : "'" + a.replace("'", "'\\''") + "'");
    }
    return sb.toString();
  }
}
