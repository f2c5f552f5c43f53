package io.aiperf.report.internal;

import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One chart, independent of how it is drawn: the PNG writer and the HTML report draw the same
 * list, so the page shows interactive versions of the PNG files.
 *
 * @param id a file-name-safe identifier, e.g. {@code request_timeline}
 * @param title the title
 * @param description one sentence on what the chart shows
 * @param xLabel the x axis' label
 * @param yLabel the (left) y axis' label
 * @param y2Label the right y axis' label, or null when no series uses it
 * @param series the series, drawn in order
 * @param note how the data was reduced for the HTML report, or an empty string
 */
record Chart(String id, String title, String description, String xLabel, String yLabel,
    @Nullable String y2Label, List<Series> series, String note) {

  Chart {
    series = List.copyOf(series);
  }

  /** Whether any series has a finite point to draw. */
  boolean hasData() {
    return series.stream().anyMatch(Series::hasData);
  }

  Chart withId(String prefix) {
    return new Chart(prefix + id, title, description, xLabel, yLabel, y2Label, series, note);
  }

  /** How a series is drawn. */
  enum Style {
    /** A line through the points. */
    LINE,
    /** A line in steps (a value that holds until the next point). */
    STEP,
    /** Points only (one per request, scatter). */
    POINTS,
    /** Crosses only, for errors. */
    CROSSES,
    /** Bars (histograms). */
    BARS,
    /** A line with a shaded band between {@link Series#lo} and {@link Series#hi}. */
    BAND,
    /** A line through the points with a vertical bar from {@link Series#lo} to {@link Series#hi}. */
    ERROR_BARS
  }

  /**
   * One series.
   *
   * @param label its legend entry
   * @param x the x values
   * @param y the y values (NaN where there is none)
   * @param lo the band's or error bars' lower edge (BAND, ERROR_BARS only)
   * @param hi the band's or error bars' upper edge (BAND, ERROR_BARS only)
   * @param style how it is drawn
   * @param color its colour, 0xRRGGBB
   * @param rightAxis whether it is read on the right y axis
   */
  record Series(String label, double[] x, double[] y, double @Nullable [] lo,
      double @Nullable [] hi, Style style, int color, boolean rightAxis) {

    static Series of(String label, double[] x, double[] y, Style style, int color) {
      return new Series(label, x, y, null, null, style, color, false);
    }

    Series onRightAxis() {
      return new Series(label, x, y, lo, hi, style, color, true);
    }

    int size() {
      return x.length;
    }

    boolean hasData() {
      for (int i = 0; i < x.length; i++) {
        if (Double.isFinite(x[i]) && Double.isFinite(y[i])) {
          return true;
        }
      }
      return false;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Series s && label.equals(s.label) && Arrays.equals(x, s.x)
          && Arrays.equals(y, s.y) && style == s.style;
    }

    @Override
    public int hashCode() {
      return label.hashCode() * 31 + Arrays.hashCode(y);
    }

    @Override
    public String toString() {
      return "Series[" + label + ", " + style + ", " + x.length + " points]";
    }
  }

  /** A palette that stays readable for the colour-blind (Okabe and Ito), then a few more. */
  static final int[] COLORS = {0x0072B2, 0xE69F00, 0x009E73, 0xCC79A7, 0x56B4E9, 0xD55E00,
      0xF0E442, 0x000000, 0x7F7F7F, 0x8C564B};
  static final int ERROR_COLOR = 0xD62728;

  static int color(int i) {
    return COLORS[Math.floorMod(i, COLORS.length)];
  }
}
