package io.aiperf.engine;

import io.aiperf.engine.internal.timing.RealtimeThreads;
import java.util.concurrent.ThreadFactory;

/**
 * Threads for a server or client event loop that run at Linux real-time priority while they are
 * mostly idle, as the client's own I/O threads do (see
 * {@code Benchmark.Builder.realtimeIo(boolean)}): a thread woken by a readable socket then runs at
 * once instead of waiting for the scheduler, and the times it stamps are not late by that wait on
 * a busy machine. A keeper thread takes the priority back from a thread that works most of a core
 * (or while this JVM's real-time threads together do) and gives it again once it is mostly idle,
 * so that they never starve ordinary threads. Where Linux refuses the priority (not root, no
 * {@code CAP_SYS_NICE}, no {@code ulimit -r}), they are ordinary threads and the log says so once.
 *
 * <pre>{@code
 * MockServerOptions.builder().ioThreadFactory(RealtimeIoThreads.serverFactory("mock-llm-io"))
 * }</pre>
 *
 * @since 0.1.0
 */
public final class RealtimeIoThreads {
  private RealtimeIoThreads() {}

  /**
   * Daemon threads named {@code <prefix>-1}, {@code <prefix>-2}, ... that ask for real-time
   * priority as they start.
   *
   * @param prefix the threads' name prefix
   * @return the factory
   */
  public static ThreadFactory factory(String prefix) {
    return RealtimeThreads.factory(prefix);
  }

  /**
   * As {@link #factory(String)}, for a server that may share the machine with the client that
   * measures it (the mock): real time as well, one level below the client's I/O threads, so
   * that the server working off a burst never holds back the client's stamps.
   *
   * @param prefix the threads' name prefix
   * @return the factory
   * @since 0.1.0
   */
  public static ThreadFactory serverFactory(String prefix) {
    return RealtimeThreads.factory(prefix, RealtimeThreads.SERVER_PRIORITY);
  }
}
