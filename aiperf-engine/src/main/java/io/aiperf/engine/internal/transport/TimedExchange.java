package io.aiperf.engine.internal.transport;

import io.aiperf.api.spi.TransportProvider;
import io.aiperf.api.spi.TransportProvider.ResponseListener;
import io.aiperf.engine.internal.NanoClock;
import io.netty.util.concurrent.ScheduledFuture;
import org.jspecify.annotations.Nullable;

/**
 * What every transport keeps of one request in flight: its listener, its end state and the stamps
 * its trace is made of. Lives on one event loop, so nothing here is synchronized.
 */
abstract class TimedExchange {
  final ResponseListener listener;
  /** Bounds the whole exchange, waiting for a connection included. */
  final long timeoutNanos;
  long acquireStartNanos;
  /** Null until the exchange is begun (HTTP/1.1: until it is written, for a retry). */
  @Nullable ScheduledFuture<?> timeoutTask;
  boolean responseStarted;
  boolean done;
  boolean reused;
  long connectStartNanos;
  /** The name lookup this exchange's new connection paid for; 0 when it needed none. */
  long dnsLookupNanos;
  long connectedNanos;
  /** 0 unless a TLS handshake was part of getting the connection. */
  long tlsDoneNanos;
  long queuedNanos;
  long writeStartNanos;
  long writeDoneNanos;
  long firstByteNanos;
  long lastByteNanos;
  long bytesReceived;
  long bytesSent;
  int reads;
  /** Buffers or frames the request went out in. */
  int writes;

  TimedExchange(ResponseListener listener, long timeoutNanos) {
    this.listener = listener;
    this.timeoutNanos = timeoutNanos;
  }

  /** The timings, with the phases that did not happen as 0. */
  final TransportProvider.HttpTrace trace() {
    long blocked = queuedNanos > 0 ? (connectStartNanos > 0 ? connectStartNanos
        : writeStartNanos) - queuedNanos : 0;
    long connecting = connectStartNanos > 0 && connectedNanos > 0
        ? connectedNanos - connectStartNanos : 0;
    long tls = tlsDoneNanos > 0 && connectedNanos > 0 ? tlsDoneNanos - connectedNanos : 0;
    long sending = writeDoneNanos > 0 ? writeDoneNanos - writeStartNanos : 0;
    long waiting = firstByteNanos > 0 && writeDoneNanos > 0
        ? Math.max(0, firstByteNanos - writeDoneNanos) : 0;
    long receiving = lastByteNanos > 0 ? lastByteNanos - firstByteNanos : 0;
    return new TransportProvider.HttpTrace(Math.max(0, blocked), connecting, tls, sending,
        waiting, receiving, reused, bytesSent, bytesReceived, reads,
        // The name is resolved once when the transport opens (Target), never on an event loop;
        // the first connection reports that lookup, as AIPerf's first (uncached) one.
        dnsLookupNanos, writes);
  }

  final void cancelTimeout() {
    ScheduledFuture<?> task = timeoutTask;
    if (task != null) {
      task.cancel(false);
    }
  }

  /** Ends the exchange with an error: the trace, then the error stamped now. */
  final void notifyError(String type, String message, NanoClock clock) {
    done = true;
    cancelTimeout();
    listener.onTrace(trace());
    listener.onError(type, message, clock.nanoTime());
  }

  /** Reports the end of a complete response, stamped at the read that carried its last byte. */
  final void notifyComplete(long nanos) {
    lastByteNanos = nanos;
    listener.onTrace(trace());
    listener.onComplete(nanos);
  }
}
