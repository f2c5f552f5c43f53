package io.aiperf.mock;

/**
 * A Prometheus histogram with fixed upper bounds. Observations take its lock, so a scrape reads
 * buckets, count and sum that agree with each other.
 */
final class MockHistogram {

    private final double[] bounds;
    /** Per bucket (not cumulative); the last is +Inf. */
    private final long[] counts;
    private long count;
    private double sum;

    MockHistogram(double[] bounds) {
        this.bounds = bounds.clone();
        this.counts = new long[bounds.length + 1];
    }

    /** Adds {@code weight} observations of {@code value}. */
    synchronized void observe(double value, long weight) {
        int i = 0;
        while (i < bounds.length && value > bounds[i]) {
            i++;
        }
        counts[i] += weight;
        count += weight;
        sum += value * weight;
    }

    /** Appends the histogram's samples: cumulative buckets, then sum and count. */
    void render(StringBuilder out, String name, String labels) {
        long[] snapshot;
        long n;
        double s;
        synchronized (this) {
            snapshot = counts.clone();
            n = count;
            s = sum;
        }
        long cumulative = 0;
        for (int i = 0; i <= bounds.length; i++) {
            cumulative += snapshot[i];
            String le = i == bounds.length ? "+Inf" : MetricsPages.number(bounds[i]);
            out.append(name).append("_bucket{").append(labels).append(",le=\"").append(le)
                    .append("\"} ").append(MetricsPages.number(cumulative)).append('\n');
        }
        out.append(name).append("_count{").append(labels).append("} ")
                .append(MetricsPages.number(n)).append('\n');
        out.append(name).append("_sum{").append(labels).append("} ")
                .append(MetricsPages.number(s)).append('\n');
    }
}
