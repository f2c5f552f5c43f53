package io.aiperf.engine.internal.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.aiperf.engine.internal.NanoClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

final class HandoffTest {
  private final List<Handoff<?>> opened = new ArrayList<>();
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void close() {
    release.countDown();
    opened.forEach(h -> h.close(Duration.ofSeconds(10)));
  }

  private <T> Handoff<T> handoff(long budget, Consumer<T> action) {
    Handoff<T> h = new Handoff<>("test-handoff", budget, t -> 100, action, NanoClock.SYSTEM);
    opened.add(h);
    return h;
  }

  private void waitForRelease() {
    try {
      release.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void itemsAreHandledInOrder_onTheHandoffsOwnThread() {
    List<Integer> got = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    Handoff<Integer> h = handoff(Long.MAX_VALUE, i -> {
      got.add(i);
      threads.add(Thread.currentThread());
    });
    for (int i = 0; i < 1000; i++) {
      h.offer(i);
      if (i % 100 == 0) {
        // Let it fall asleep now and then: an offer must wake it.
        await().atMost(Duration.ofSeconds(10)).until(h::isIdle);
      }
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> got.size() == 1000);
    assertThat(got).isSorted().doesNotHaveDuplicates();
    assertThat(threads).containsOnly(h.thread());
    assertThat(h.heldBytes()).isZero();
  }

  @Test
  void anOfferNeverWaits_whileTheActionIsStuck_andTheBytesHeldAreCounted() throws Exception {
    Handoff<Integer> h = handoff(1_000, i -> waitForRelease());
    CompletableFuture<Void> offers = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < 10_000; i++) {
        h.offer(i);
      }
    });
    offers.get(30, TimeUnit.SECONDS);
    assertThat(h.heldBytes()).isEqualTo(10_000 * 100L);
    release.countDown();
    await().atMost(Duration.ofSeconds(30)).until(h::isIdle);
  }

  @Test
  void awaitRoom_waitsWhileOverBudget_exceptOnItsOwnThread() throws Exception {
    List<Long> waitedInside = new CopyOnWriteArrayList<>();
    AtomicReference<Handoff<Integer>> self = new AtomicReference<>();
    Handoff<Integer> h = handoff(150, i -> {
      waitForRelease();
      waitedInside.add(self.get().awaitRoom());
    });
    self.set(h);
    assertThat(h.awaitRoom()).isZero();
    h.offer(1);
    h.offer(2);
    CompletableFuture<Long> waiter = CompletableFuture.supplyAsync(h::awaitRoom);
    Thread.sleep(200);
    assertThat(waiter).isNotDone();
    release.countDown();
    assertThat(waiter.get(10, TimeUnit.SECONDS)).isPositive();
    await().atMost(Duration.ofSeconds(10)).until(h::isIdle);
    assertThat(waitedInside).containsExactly(0L, 0L);
  }

  @Test
  void aFailingItemCostsThatItemOnly() {
    List<Integer> got = new CopyOnWriteArrayList<>();
    Handoff<Integer> h = handoff(Long.MAX_VALUE, i -> {
      if (i == 1) {
        throw new IllegalStateException("boom");
      }
      got.add(i);
    });
    h.offer(0);
    h.offer(1);
    h.offer(2);
    await().atMost(Duration.ofSeconds(10)).until(h::isIdle);
    assertThat(got).containsExactly(0, 2);
  }

  @Test
  void close_handlesWhatWasOfferedBefore() {
    List<Integer> got = new CopyOnWriteArrayList<>();
    Handoff<Integer> h = handoff(Long.MAX_VALUE, i -> {
      waitForRelease();
      got.add(i);
    });
    for (int i = 0; i < 100; i++) {
      h.offer(i);
    }
    release.countDown();
    assertThat(h.close(Duration.ofSeconds(10))).isTrue();
    assertThat(got).hasSize(100);
    assertThat(h.thread().isAlive()).isFalse();
  }
}
