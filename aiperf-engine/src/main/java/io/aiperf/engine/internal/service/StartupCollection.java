package io.aiperf.engine.internal.service;

import io.aiperf.engine.internal.NanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One full collection after the start-up and before the clock starts, so that what the start-up
 * made and the run keeps (the tokenizer's tables, tens of MB for o200k_base; the dataset; the
 * warm-up's leftovers) sits in the old generation when the first request goes out.
 *
 * <p>Measured with G1, the JVM's default collector on a machine of two or more CPUs, which moves
 * every live object to old regions in a full collection. Without it, G1 copied that state from
 * survivor space to survivor space at each young collection of the run: 11-26 MB per
 * collection, 13-24 ms pauses on a two-core machine against the mock in another JVM (client TTFT
 * 10-14 ms over the mock's truth for every request whose first token arrived meanwhile, and a
 * first wave's requests arrive together). After it, the run's young collections copied only the
 * run's own objects: 3-6 ms. It costs 80-150 ms of start-up, outside any measured window.
 *
 * <p>{@value #PROPERTY}{@code =false} turns it off (an application that embeds the engine and
 * cannot afford a full collection); {@code -XX:+DisableExplicitGC} makes it a no-op.
 */
final class StartupCollection {
  /** System property that turns the collection off when {@code false}. */
  static final String PROPERTY = "aiperf.gcBeforeClock";
  private static final Logger log = LoggerFactory.getLogger(StartupCollection.class);

  private StartupCollection() {}

  /** Collects now, unless turned off; logs how long it took. */
  static void run(NanoClock clock) {
    if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
      return;
    }
    long start = clock.nanoTime();
    System.gc();
    log.debug("Collected the start-up's garbage before the clock in {} ms",
        (clock.nanoTime() - start) / 1_000_000);
  }
}
