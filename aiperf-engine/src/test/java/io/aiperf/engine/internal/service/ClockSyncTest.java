package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.api.spi.BusConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.bus.InMemoryBusProvider;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A service whose clock runs off the controller's measures the offset over the bus, rebases its
 * stamps by it, follows a step, and reports what it measured.
 */
final class ClockSyncTest {
  private static final long SECOND = 1_000_000_000L;

  /** The service's clock: the controller's, moved by an offset that a test can step. */
  private static final class Offset implements NanoClock {
    final AtomicLong offset;

    Offset(long offset) {
      this.offset = new AtomicLong(offset);
    }

    @Override
    public long nanoTime() {
      return NanoClock.SYSTEM.nanoTime() + offset.get();
    }

    @Override
    public long wallNanos() {
      return NanoClock.SYSTEM.wallNanos();
    }
  }

  /** Events reach subscribers on the bus's own thread: wait for the first. */
  private static Messages.ClockReport first(List<Messages.ClockReport> reports) {
    await().atMost(Duration.ofSeconds(5)).until(() -> !reports.isEmpty());
    return reports.get(0);
  }

  @Test
  void aServiceBehindByThreeSeconds_putsItsStampsOnTheControllersClock() {
    try (MessageBus bus = new InMemoryBusProvider().create(BusConfig.of(64))) {
      bus.respond(Messages.CLOCK, ClockSync.answering(NanoClock.SYSTEM));
      List<Messages.ClockReport> reports = new CopyOnWriteArrayList<>();
      bus.subscribe(Messages.ClockReport.class, reports::add);
      // Three seconds behind and losing 80 ppm: a crystal well off, on another host.
      NanoClock local = NanoClock.skewed(NanoClock.SYSTEM, -3 * SECOND, -80);
      try (ClockSync sync = ClockSync.start(bus, "worker_r0", "host-a pid 1", local, true)) {
        long before = NanoClock.SYSTEM.nanoTime();
        long stamped = sync.toController(local.nanoTime());
        long after = NanoClock.SYSTEM.nanoTime();
        Messages.ClockReport first = first(reports);
        // The rebased stamp lies where the controller's clock was, within the uncertainty.
        assertThat(stamped).isBetween(before - first.uncertaintyNanos(),
            after + first.uncertaintyNanos());
        assertThat(first.offsetNanos()).isCloseTo(3 * SECOND,
            org.assertj.core.api.Assertions.within(first.uncertaintyNanos()));
        assertThat(first.samples()).isEqualTo(ClockSync.JOIN_PROBES);
        assertThat(first.corrected()).isTrue();
        assertThat(first.steps()).isZero();
        assertThat(sync.toController(0)).as("a step that never happened").isZero();
        // It keeps measuring: a report a second.
        await().atMost(Duration.ofSeconds(10)).until(() -> reports.size() >= 3);
        assertThat(reports.get(reports.size() - 1).samples())
            .isGreaterThan(ClockSync.JOIN_PROBES);
      }
    }
  }

  @Test
  void aClockStepDuringTheRun_isDetected_followed_andReported() {
    try (MessageBus bus = new InMemoryBusProvider().create(BusConfig.of(64))) {
      bus.respond(Messages.CLOCK, ClockSync.answering(NanoClock.SYSTEM));
      List<Messages.ClockReport> reports = new CopyOnWriteArrayList<>();
      bus.subscribe(Messages.ClockReport.class, reports::add);
      Offset local = new Offset(5 * SECOND);
      try (ClockSync sync = ClockSync.start(bus, "worker_r1", "host-b pid 2", local, true)) {
        assertThat(sync.appliedNanos()).isCloseTo(-5 * SECOND,
            org.assertj.core.api.Assertions.within(50_000_000L));
        local.offset.addAndGet(-1_500_000_000L); // set back by 1.5 s, as an operator might
        await().atMost(Duration.ofSeconds(10))
            .until(() -> reports.get(reports.size() - 1).steps() == 1);
        Messages.ClockReport last = reports.get(reports.size() - 1);
        assertThat(last.largestStepNanos()).isCloseTo(1_500_000_000L,
            org.assertj.core.api.Assertions.within(50_000_000L));
        assertThat(sync.appliedNanos()).isCloseTo(-3_500_000_000L,
            org.assertj.core.api.Assertions.within(50_000_000L));
      }
    }
  }

  @Test
  void withTheCorrectionOff_theOffsetIsMeasuredAndReported_butNotApplied() {
    try (MessageBus bus = new InMemoryBusProvider().create(BusConfig.of(64))) {
      bus.respond(Messages.CLOCK, ClockSync.answering(NanoClock.SYSTEM));
      List<Messages.ClockReport> reports = new CopyOnWriteArrayList<>();
      bus.subscribe(Messages.ClockReport.class, reports::add);
      NanoClock local = NanoClock.skewed(NanoClock.SYSTEM, 2 * SECOND, 0);
      try (ClockSync sync = ClockSync.start(bus, "worker_r2", "host-c pid 3", local, false)) {
        assertThat(sync.toController(123)).isEqualTo(123);
        assertThat(first(reports).offsetNanos()).isCloseTo(-2 * SECOND,
            org.assertj.core.api.Assertions.within(50_000_000L));
        assertThat(first(reports).corrected()).isFalse();
      }
    }
  }

  @Test
  void aControllerThatDoesNotAnswer_leavesTheStampsAsTheyAre_andSaysSo() {
    try (MessageBus bus = new InMemoryBusProvider().create(BusConfig.of(64))) {
      List<Messages.ClockReport> reports = new CopyOnWriteArrayList<>();
      bus.subscribe(Messages.ClockReport.class, reports::add);
      try (ClockSync sync = ClockSync.start(bus, "worker_r3", "host-d pid 4", NanoClock.SYSTEM,
          true)) {
        assertThat(sync.toController(777)).isEqualTo(777);
        assertThat(first(reports).samples()).isZero();
      }
    }
  }
}
