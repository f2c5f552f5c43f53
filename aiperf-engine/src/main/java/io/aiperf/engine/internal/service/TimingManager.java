package io.aiperf.engine.internal.service;

import io.aiperf.api.BenchmarkConfig;
import io.aiperf.api.spi.MessageBus;
import io.aiperf.engine.internal.NanoClock;
import io.aiperf.engine.internal.service.Messages.Credit;
import io.aiperf.engine.internal.service.Messages.CreditReturn;
import io.aiperf.engine.internal.service.Messages.CreditsComplete;
import io.aiperf.engine.internal.service.Messages.DatasetReady;
import io.aiperf.engine.internal.service.Messages.ProfileCancel;
import io.aiperf.engine.internal.service.Messages.ProfileStart;
import java.util.SplittableRandom;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decides when each request is sent, by issuing credits. In concurrency mode a credit goes out as
 * soon as a slot is free, so exactly {@code concurrency} requests are in flight until the count is
 * reached. The limit lives here, not in the workers.
 */
final class TimingManager extends AbstractService {
  private final NanoClock clock;
  private final Semaphore slots;
  private final AtomicLong returned = new AtomicLong();
  private final AtomicBoolean completed = new AtomicBoolean();
  private volatile boolean cancelled;
  private volatile long sent = -1;
  private volatile int[] order;

  TimingManager(String id, MessageBus bus, BenchmarkConfig config, NanoClock clock) {
    super(id, bus, config);
    this.clock = clock;
    this.slots = new Semaphore(config.concurrency());
  }

  @Override
  void onInitialize() {
    track(bus.subscribe(DatasetReady.class, this::onDataset));
    track(bus.subscribe(ProfileStart.class, m -> startIssuing()));
    track(bus.subscribe(ProfileCancel.class, m -> cancel()));
    track(bus.consume(Messages.CREDIT_RETURNS, Runnable::run, m -> onReturn((CreditReturn) m)));
  }

  private void onDataset(DatasetReady ready) {
    // Sampling order: shuffled by the seed (AIPerf's default for synthetic data), then cycled.
    int n = ready.conversations().size();
    int[] o = new int[n];
    for (int i = 0; i < n; i++) {
      o[i] = i;
    }
    SplittableRandom random = new SplittableRandom(ready.seed() ^ 0x9E3779B97F4A7C15L);
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = o[i];
      o[i] = o[j];
      o[j] = t;
    }
    order = o;
  }

  private void startIssuing() {
    Thread timingThread = new Thread(this::issue, "aiperf-timing");
    timingThread.setDaemon(true);
    timingThread.setPriority(Thread.MAX_PRIORITY);
    timingThread.start();
  }

  private void issue() {
    int[] o = order;
    long count = config.requestCount();
    long issued = 0;
    try {
      while (issued < count && !cancelled) {
        slots.acquire();
        if (cancelled) {
          slots.release();
          break;
        }
        bus.send(Messages.CREDITS, new Credit(issued, o[(int) (issued % o.length)], 0,
            clock.nanoTime()));
        issued++;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      fail("Issuing credits failed: " + e.getMessage(), e);
    }
    sent = issued;
    maybeComplete();
  }

  private void onReturn(CreditReturn r) {
    returned.incrementAndGet();
    slots.release();
    maybeComplete();
  }

  private void maybeComplete() {
    long s = sent;
    if (s >= 0 && returned.get() >= s && completed.compareAndSet(false, true)) {
      bus.publish(new CreditsComplete(s, cancelled));
    }
  }

  /**
   * Stops issuing. A flag and free slots wake the timing thread; an interrupt could land inside a
   * bus send and turn a clean cancel into a failure.
   */
  private void cancel() {
    cancelled = true;
    slots.release(config.concurrency());
  }

  @Override
  void onStop() {
    cancel();
  }
}
