package io.aiperf.engine.internal.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.service.HeldCredits.Outcome;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.Phase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A remote worker's held credits: each goes at its intended time read on this host's clock,
 * which here runs 7 s behind the controller's; the earliest first, whatever order they came in;
 * and a cancel gives back what was not sent, which then never is.
 */
final class HeldCreditsTest {
  private static final long MS = 1_000_000L;
  /** The controller's clock minus this host's. */
  private static final long OFFSET = 7_000 * MS;

  private record Sent(Credit credit, long localNanos) {}

  private final NanoClock local = NanoClock.SYSTEM;
  private final List<Sent> sent = new CopyOnWriteArrayList<>();
  private final HeldCredits held = new HeldCredits("held-test", local, c -> c - OFFSET,
      c -> sent.add(new Sent(c, local.nanoTime())));

  @AfterEach
  void close() {
    held.close();
  }

  /** A credit meant for this long from now on the controller's clock. */
  private static Credit inMillis(long id, long millis, NanoClock local) {
    long intended = local.nanoTime() + OFFSET + millis * MS;
    return new Credit(id, Phase.PROFILING, id, 0, 0, intended, intended, -1, true);
  }

  @Test
  void aHeldCredit_goesAtItsIntendedTime_onThisHostsClock() {
    held.start();
    Credit c = inMillis(1, 150, local);
    assertThat(held.hold(c)).isEqualTo(Outcome.HELD);
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
    // Never before its time; how soon after is the pacing's business, measured by the ITs.
    assertThat(sent.get(0).localNanos()).isGreaterThanOrEqualTo(c.intendedNanos() - OFFSET);
    assertThat(sent.get(0).credit()).isEqualTo(c);
  }

  @Test
  void anEarlierCredit_thatComesLater_goesFirst() {
    held.start();
    Credit late = inMillis(1, 2_000, local);
    Credit early = inMillis(2, 100, local);
    assertThat(held.hold(late)).isEqualTo(Outcome.HELD);
    assertThat(held.hold(early)).isEqualTo(Outcome.HELD);
    await().atMost(Duration.ofSeconds(10)).until(() -> sent.size() == 2);
    assertThat(sent).extracting(Sent::credit).containsExactly(early, late);
    // The thread was parked for the later one: the earlier one must have woken it.
    assertThat(sent.get(0).localNanos()).isLessThan(late.intendedNanos() - OFFSET);
    for (Sent s : sent) {
      assertThat(s.localNanos()).isGreaterThanOrEqualTo(s.credit().intendedNanos() - OFFSET);
    }
  }

  @Test
  void aCreditAlreadyDue_isTheCallersToSend() {
    held.start();
    assertThat(held.hold(inMillis(1, -5, local))).isEqualTo(Outcome.DUE);
    assertThat(held.size()).isZero();
  }

  @Test
  void cancel_givesBackWhatWasNotSent_andRefusesWhatComesAfter() throws Exception {
    held.start();
    Credit soon = inMillis(1, 50, local);
    Credit later = inMillis(2, 400, local);
    Credit latest = inMillis(3, 500, local);
    held.hold(soon);
    held.hold(later);
    held.hold(latest);
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);

    assertThat(held.cancel()).containsExactly(later, latest);
    assertThat(held.hold(inMillis(4, 100, local))).isEqualTo(Outcome.REFUSED);
    Thread.sleep(700); // past every intended time: nothing given back may go out
    assertThat(sent).extracting(Sent::credit).containsExactly(soon);
  }

  @Test
  void drain_givesBackWhatWasNotSent_andHoldsTheNextPhasesCredits() {
    held.start();
    Credit c = inMillis(1, 5_000, local);
    held.hold(c);
    assertThat(held.drain()).containsExactly(c);
    Credit next = inMillis(2, 100, local);
    assertThat(held.hold(next)).isEqualTo(Outcome.HELD);
    await().atMost(Duration.ofSeconds(5)).until(() -> sent.size() == 1);
    assertThat(sent.get(0).credit()).isEqualTo(next);
  }
}
