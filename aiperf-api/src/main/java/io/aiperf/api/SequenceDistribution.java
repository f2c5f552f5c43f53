package io.aiperf.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A mixture of (input length, output length) pairs, each request drawing one pair with its
 * probability, as AIPerf's {@code --seq-dist}. Written {@code "ISL,OSL:pct;..."}, each length
 * optionally with a standard deviation ({@code "ISL|sd,OSL|sd:pct"}), or in brackets
 * ({@code "[(256,128):40,(512,256):60]"}); the percentages add up to 100.
 *
 * <pre>{@code
 * SequenceDistribution d = SequenceDistribution.parse("256,128:40;1024|100,512:60");
 * }</pre>
 *
 * @param pairs the pairs, with probabilities that add up to 1
 * @since 0.1.0
 */
public record SequenceDistribution(List<Pair> pairs) {
  private static final String NUM = "\\s*(\\d+(?:\\.\\d+)?)\\s*";
  private static final Pattern PAIR = Pattern.compile("\\(?" + NUM + "(?:\\|" + NUM + ")?,"
      + NUM + "(?:\\|" + NUM + ")?\\)?:" + NUM);

  /**
   * One pair of the mixture.
   *
   * @param isl mean input tokens
   * @param islStddev input tokens standard deviation
   * @param osl mean output tokens
   * @param oslStddev output tokens standard deviation
   * @param probability the chance of this pair, in (0, 1]
   */
  public record Pair(double isl, double islStddev, double osl, double oslStddev,
      double probability) {}

  /**
   * Copies the list.
   *
   * @param pairs the pairs, with probabilities that add up to 1
   */
  public SequenceDistribution {
    pairs = List.copyOf(pairs);
  }

  /**
   * Parses AIPerf's {@code --seq-dist} syntax.
   *
   * @param spec e.g. {@code "256,128:40;512,256:60"}
   * @return the distribution
   * @throws IllegalArgumentException naming the part that does not parse, or when the
   *     percentages do not add up to 100
   */
  public static SequenceDistribution parse(String spec) {
    String s = Objects.requireNonNull(spec, "seq-dist").strip();
    if (s.startsWith("[") && s.endsWith("]")) {
      s = s.substring(1, s.length() - 1).replaceAll("\\)\\s*,\\s*\\(", ");(");
    }
    List<Pair> pairs = new ArrayList<>();
    double total = 0;
    for (String part : s.split(";")) {
      Matcher m = PAIR.matcher(part.strip());
      if (!m.matches()) {
        throw new IllegalArgumentException("seq-dist part was '" + part.strip()
            + "' but it must be 'ISL,OSL:percent' or 'ISL|stddev,OSL|stddev:percent',"
            + " e.g. 256,128:40;512,256:60");
      }
      double isl = Double.parseDouble(m.group(1));
      double osl = Double.parseDouble(m.group(3));
      double pct = Double.parseDouble(m.group(5));
      if (isl < 1 || osl < 1 || pct <= 0) {
        throw new IllegalArgumentException("seq-dist part was '" + part.strip()
            + "' but lengths must be at least 1 and the percentage > 0");
      }
      pairs.add(new Pair(isl, m.group(2) == null ? 0 : Double.parseDouble(m.group(2)), osl,
          m.group(4) == null ? 0 : Double.parseDouble(m.group(4)), pct));
      total += pct;
    }
    if (Math.abs(total - 100) > 1e-6) {
      throw new IllegalArgumentException(String.format(Locale.ROOT,
          "seq-dist was '%s' but its percentages add up to %s, not 100", spec, total));
    }
    List<Pair> normalized = new ArrayList<>();
    for (Pair p : pairs) {
      normalized.add(new Pair(p.isl(), p.islStddev(), p.osl(), p.oslStddev(),
          p.probability() / 100));
    }
    return new SequenceDistribution(normalized);
  }

  /**
   * Picks a pair for a uniform draw.
   *
   * @param uniform a number in [0, 1)
   * @return the pair whose cumulative probability first exceeds it
   */
  public Pair pick(double uniform) {
    double cumulative = 0;
    for (Pair p : pairs) {
      cumulative += p.probability();
      if (uniform < cumulative) {
        return p;
      }
    }
    return pairs.get(pairs.size() - 1);
  }
}
