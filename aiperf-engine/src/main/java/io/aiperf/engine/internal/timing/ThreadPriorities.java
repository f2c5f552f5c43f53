package io.aiperf.engine.internal.timing;

/**
 * Changes a thread's scheduling class: {@code chrt} in production ({@link #SYSTEM}), a record in
 * tests. Each call starts a process: never on a timing path.
 */
interface ThreadPriorities {
  /** The system's: {@link RealtimePriority#raise} and {@link RealtimePriority#lower}. */
  ThreadPriorities SYSTEM = new ThreadPriorities() {
    @Override
    public RealtimePriority.Grant raise(int tid, int priority) {
      return RealtimePriority.raise(tid, priority);
    }

    @Override
    public RealtimePriority.Grant lower(int tid) {
      return RealtimePriority.lower(tid);
    }
  };

  /** Makes a thread SCHED_FIFO at a priority, and says whether it took. */
  RealtimePriority.Grant raise(int tid, int priority);

  /** Makes a thread ordinary again. */
  RealtimePriority.Grant lower(int tid);
}
