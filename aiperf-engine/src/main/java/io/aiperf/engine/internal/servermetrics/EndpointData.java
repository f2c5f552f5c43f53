package io.aiperf.engine.internal.servermetrics;

import io.aiperf.engine.internal.prometheus.Labels;
import io.aiperf.engine.internal.prometheus.MetricType;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything scraped from one endpoint: each family's series, and the bookkeeping AIPerf exports
 * about the endpoint itself (fetches, their latency, the scrapes whose page changed).
 */
public final class EndpointData {
  /** One family: its type and HELP text as last seen, and its series by label set. */
  public static final class Family {
    MetricType type;
    String help;
    final Map<Labels, SeriesData> series = new LinkedHashMap<>();

    Family(MetricType type, String help) {
      this.type = type;
      this.help = help;
    }

    /**
     * The family's type.
     *
     * @return the type
     */
    public MetricType type() {
      return type;
    }

    /**
     * The family's HELP text.
     *
     * @return the text
     */
    public String help() {
      return help;
    }

    /**
     * The family's series.
     *
     * @return label set to points
     */
    public Map<Labels, SeriesData> series() {
      return series;
    }
  }

  private final String url;
  private final Map<String, Family> families = new LinkedHashMap<>();
  private long[] fetchNanos = new long[64];
  private long[] fetchLatency = new long[64];
  private int fetches;
  private long[] updateNanos = new long[64];
  private int updates;
  private int lastHash;
  private int lastLength = -1;
  private long skippedLines;
  private long dropped;

  /**
   * An endpoint with nothing scraped yet.
   *
   * @param url its URL
   */
  public EndpointData(String url) {
    this.url = url;
  }

  /**
   * Adds a scrape.
   *
   * @param nanos when the page was made (its first byte's arrival)
   * @param latencyNanos the fetch's round trip
   * @param body the page's text, to tell an unchanged page
   * @param snapshot the page's points
   * @param skipped malformed lines the page had
   * @return true when the page differed from the one before (its points are kept either way)
   */
  public boolean add(long nanos, long latencyNanos, String body, Snapshot snapshot, int skipped) {
    if (fetches == fetchNanos.length) {
      fetchNanos = Arrays.copyOf(fetchNanos, fetches * 2);
      fetchLatency = Arrays.copyOf(fetchLatency, fetches * 2);
    }
    fetchNanos[fetches] = nanos;
    fetchLatency[fetches++] = latencyNanos;
    skippedLines += skipped;
    int hash = body.hashCode();
    boolean changed = hash != lastHash || body.length() != lastLength;
    lastHash = hash;
    lastLength = body.length();
    if (changed) {
      if (updates == updateNanos.length) {
        updateNanos = Arrays.copyOf(updateNanos, updates * 2);
      }
      updateNanos[updates++] = nanos;
      dropped += snapshot.dropped();
    }
    // An unchanged page still says its gauges held their values at this time: every scrape is a
    // point (sharing the objects of the one before), so a gauge that did not move is still
    // sampled in the window.
    for (Snapshot.Family f : snapshot.families()) {
      Family family = families.computeIfAbsent(f.name(), k -> new Family(f.type(), f.help()));
      family.type = f.type();
      if (!f.help().isEmpty()) {
        family.help = f.help();
      }
      f.points().forEach((labels, point) -> {
        SeriesData s = family.series.computeIfAbsent(labels, k -> new SeriesData());
        s.add(nanos, shared(s, point));
      });
    }
    return changed;
  }

  /**
   * The series' last point when this one is the same, else this one with the last point's
   * bucket bounds when those are the same (as they nearly always are): a long run keeps little
   * more than a reference per scrape for what did not change.
   */
  private static Point shared(SeriesData s, Point p) {
    if (s.size() == 0) {
      return p;
    }
    Point last = s.point(s.size() - 1);
    if (p instanceof Point.Scalar v && last instanceof Point.Scalar l
        && Double.compare(v.value(), l.value()) == 0) {
      return last;
    }
    if (p instanceof Point.Histogram h && last instanceof Point.Histogram l
        && Arrays.equals(l.les(), h.les())) {
      if (Arrays.equals(l.cumulative(), h.cumulative()) && l.sum() == h.sum()
          && l.count() == h.count()) {
        return last;
      }
      return new Point.Histogram(l.les(), l.bounds(), h.cumulative(), h.sum(), h.count());
    }
    return p;
  }

  /**
   * The endpoint's URL.
   *
   * @return the URL
   */
  public String url() {
    return url;
  }

  /**
   * The families scraped, in first-seen order.
   *
   * @return name to family
   */
  public Map<String, Family> families() {
    return families;
  }

  /**
   * Scrapes that returned a page.
   *
   * @return the count
   */
  public int fetches() {
    return fetches;
  }

  /**
   * Malformed lines skipped over every scrape.
   *
   * @return the count
   */
  public long skippedLines() {
    return skippedLines;
  }

  /**
   * Samples dropped for a value that was not finite.
   *
   * @return the count
   */
  public long dropped() {
    return dropped;
  }

  /**
   * AIPerf's {@code ServerMetricsEndpointInfo} over a window, fetches and unique updates in it.
   *
   * @param from the window's start, inclusive
   * @param to its end, inclusive
   * @param toWall engine nanoseconds to wall-clock nanoseconds
   * @return the fields in AIPerf's order; {@code median_update_interval_ms} only with two
   *     updates or more
   */
  public Map<String, Object> info(long from, long to, java.util.function.LongUnaryOperator toWall) {
    long first = 0;
    long last = 0;
    int count = 0;
    double latency = 0;
    for (int i = 0; i < fetches; i++) {
      if (fetchNanos[i] >= from && fetchNanos[i] <= to) {
        first = count == 0 ? fetchNanos[i] : Math.min(first, fetchNanos[i]);
        last = Math.max(last, fetchNanos[i]);
        latency += fetchLatency[i];
        count++;
      }
    }
    long[] inWindow = Arrays.stream(updateNanos, 0, updates).filter(t -> t >= from && t <= to)
        .sorted().toArray();
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("total_fetches", count);
    info.put("first_fetch_ns", count == 0 ? 0 : toWall.applyAsLong(first));
    info.put("last_fetch_ns", count == 0 ? 0 : toWall.applyAsLong(last));
    info.put("avg_fetch_latency_ms", count == 0 ? 0.0 : latency / count / 1e6);
    int u = inWindow.length;
    info.put("unique_updates", u);
    info.put("first_update_ns", u == 0 ? 0 : toWall.applyAsLong(inWindow[0]));
    info.put("last_update_ns", u == 0 ? 0 : toWall.applyAsLong(inWindow[u - 1]));
    double duration = u == 0 ? 0 : (inWindow[u - 1] - inWindow[0]) / 1e9;
    info.put("duration_seconds", duration);
    info.put("avg_update_interval_ms", u > 1 ? duration * 1000 / (u - 1) : 0.0);
    if (u > 1) {
      double[] gaps = new double[u - 1];
      for (int i = 1; i < u; i++) {
        gaps[i - 1] = inWindow[i] - inWindow[i - 1];
      }
      Arrays.sort(gaps);
      double median = gaps.length % 2 == 1 ? gaps[gaps.length / 2]
          : (gaps[gaps.length / 2 - 1] + gaps[gaps.length / 2]) / 2;
      info.put("median_update_interval_ms", median / 1e6);
    }
    return info;
  }
}
