package io.aiperf.engine.internal.servermetrics;

import java.util.Arrays;

/** One series' points in scrape order, each with the time its page was made. */
public final class SeriesData {
  private long[] times = new long[16];
  private Point[] points = new Point[16];
  private int size;

  /**
   * Adds a point.
   *
   * @param nanos when it was made
   * @param point the point
   */
  public void add(long nanos, Point point) {
    if (size == times.length) {
      times = Arrays.copyOf(times, size * 2);
      points = Arrays.copyOf(points, size * 2);
    }
    // Scrapes of one endpoint are stored in order; a late one goes where it belongs.
    int at = size;
    while (at > 0 && times[at - 1] > nanos) {
      at--;
    }
    System.arraycopy(times, at, times, at + 1, size - at);
    System.arraycopy(points, at, points, at + 1, size - at);
    times[at] = nanos;
    points[at] = point;
    size++;
  }

  /**
   * How many points there are.
   *
   * @return the count
   */
  public int size() {
    return size;
  }

  /**
   * A point's time.
   *
   * @param i its index
   * @return nanoseconds on the engine's clock
   */
  public long time(int i) {
    return times[i];
  }

  /**
   * A point.
   *
   * @param i its index
   * @return the point
   */
  public Point point(int i) {
    return points[i];
  }

  /**
   * The last point made before a time: the reference a window's increases count from.
   *
   * @param nanos the window's start
   * @return its index, -1 when there is none
   */
  public int lastBefore(long nanos) {
    int lo = 0;
    int hi = size;
    while (lo < hi) { // first index with time >= nanos
      int mid = (lo + hi) >>> 1;
      if (times[mid] < nanos) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo - 1;
  }
}
