package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.engine.internal.NanoClock;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the start-up made and the run keeps is out of the young generation when the clock
 * starts, so no young collection of the run copies it.
 */
final class StartupCollectionTest {
  /**
   * Kept state in small objects: little enough to stay in the young generation until a
   * collection moves it (the tokenizer's tables and a dataset are tens of MB of such objects).
   */
  private static final int KEPT_MB = 4;

  @Test
  void startUpState_leavesTheYoungGeneration() {
    List<MemoryPoolMXBean> young = youngPools();
    // G1 (the JVM's default with 2 CPUs and 2 GB or more) moves every live object to old
    // regions in a full collection; Serial and Parallel leave what does not fit the old
    // generation's current size in the young one.
    Assumptions.assumeTrue(young.stream().anyMatch(p -> p.getName().startsWith("G1 ")),
        "measured with G1");
    List<byte[]> kept = startUpState();
    StartupCollection.run(NanoClock.SYSTEM);
    assertThat(used(young)).as("bytes left in %s", names(young))
        .isLessThan(KEPT_MB * 1024L * 1024L / 4);
    assertThat(kept).hasSize(KEPT_MB * 64);
  }

  @Test
  void turnedOff_collectsNothing() {
    Assumptions.assumeFalse(youngPools().isEmpty(), "this collector has no young generation");
    String before = System.getProperty(StartupCollection.PROPERTY);
    System.setProperty(StartupCollection.PROPERTY, "false");
    try {
      long fullCollections = fullCollections();
      StartupCollection.run(NanoClock.SYSTEM);
      assertThat(fullCollections()).isEqualTo(fullCollections);
      System.clearProperty(StartupCollection.PROPERTY);
      StartupCollection.run(NanoClock.SYSTEM);
      assertThat(fullCollections()).isGreaterThan(fullCollections);
    } finally {
      if (before == null) {
        System.clearProperty(StartupCollection.PROPERTY);
      } else {
        System.setProperty(StartupCollection.PROPERTY, before);
      }
    }
  }

  /** The collections of the old generation's collector (G1, Parallel, Serial name it so). */
  private static long fullCollections() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .filter(c -> c.getName().contains("Old") || c.getName().contains("MarkSweep"))
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount).sum();
  }

  /** 16 KB pieces: small enough to be young objects, not humongous ones. */
  private static List<byte[]> startUpState() {
    List<byte[]> kept = new ArrayList<>();
    for (int i = 0; i < KEPT_MB * 64; i++) {
      kept.add(new byte[16 * 1024]);
    }
    return kept;
  }

  private static List<MemoryPoolMXBean> youngPools() {
    return ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(p -> p.getType() == MemoryType.HEAP)
        .filter(p -> p.getName().contains("Eden") || p.getName().contains("Survivor"))
        .toList();
  }

  private static long used(List<MemoryPoolMXBean> pools) {
    return pools.stream().mapToLong(p -> p.getUsage().getUsed()).sum();
  }

  private static List<String> names(List<MemoryPoolMXBean> pools) {
    return pools.stream().map(MemoryPoolMXBean::getName).toList();
  }
}
