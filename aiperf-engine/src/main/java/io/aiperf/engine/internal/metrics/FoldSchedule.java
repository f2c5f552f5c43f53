package io.aiperf.engine.internal.metrics;

/**
 * When {@link RequestSpans} folds, and up to where: about every {@code foldEvents} events (a
 * request counts 16, a chunk 1), up to a watermark that trails the latest end seen by twice the
 * farthest back a request has reached behind it. Apart from the folding itself because this is the
 * policy (how often, how far behind) and that the mechanism; a watermark too close to the latest
 * end costs rewinds, never a wrong curve.
 */
final class FoldSchedule {
  private final int foldEvents;
  private double latestEnd = Double.NEGATIVE_INFINITY;
  /**
   * The farthest back from the latest end a request has had an event on arrival, since the last
   * fold and in the fold before: the watermark trails the latest end by twice it, so that a
   * straggler (a request far longer or far later than the others) holds folding back for two
   * folds, not for the rest of the run.
   */
  private double reachNow;
  private double reachBefore;
  private long sinceFold;

  /**
   * Folds about every {@code foldEvents} events.
   *
   * @param foldEvents about how many events between two folds
   */
  FoldSchedule(int foldEvents) {
    this.foldEvents = foldEvents;
  }

  /**
   * Notes an arrived request and says whether to fold now. When it says so, the fold is taken as
   * done: the count starts again and the reach of this fold becomes the one before.
   *
   * @param end its end, in the curves' time
   * @param earliest its earliest event
   * @param chunkCount its chunk gaps
   * @param frontier where the last fold stopped
   * @return the watermark to fold up to, past the frontier; NaN for not now
   */
  double arrived(double end, double earliest, int chunkCount, double frontier) {
    latestEnd = Math.max(latestEnd, end);
    reachNow = Math.max(reachNow, latestEnd - earliest);
    sinceFold += 16 + chunkCount;
    if (sinceFold >= foldEvents) {
      double watermark = latestEnd - 2 * Math.max(reachNow, reachBefore);
      if (watermark > frontier) {
        sinceFold = 0;
        reachBefore = reachNow;
        reachNow = 0;
        return watermark;
      }
    }
    return Double.NaN;
  }
}
