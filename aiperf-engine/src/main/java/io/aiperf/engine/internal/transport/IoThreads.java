package io.aiperf.engine.internal.transport;

import io.aiperf.engine.internal.timing.RealtimeThreads;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The event loops of one transport and how its connections are opened on them. */
final class IoThreads {
  /**
   * Transports made in this JVM: each numbers its threads apart ({@code aiperf-io-2-1} is the
   * second transport's first loop), so two workers' loops do not share a name in a profile, a
   * thread dump or the real-time keeper's log.
   */
  private static final AtomicInteger TRANSPORTS = new AtomicInteger();

  private final EventLoopGroup group;
  private final Class<? extends SocketChannel> channelType;
  private final int threads;

  IoThreads(int ioThreads, String transportPrefix, boolean realtime) {
    this.threads = Math.max(1, ioThreads);
    String namePrefix = transportPrefix + "-" + TRANSPORTS.incrementAndGet();
    // Native epoll where available: fewer syscalls and copies per read than NIO.
    boolean epoll = Epoll.isAvailable();
    this.channelType = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    this.group = new MultiThreadIoEventLoopGroup(threads, realtime
        ? RealtimeThreads.factory(namePrefix) : new DaemonThreads(namePrefix),
        epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    if (realtime) {
      // Netty starts a loop's thread with its first connection, and real-time priority is asked
      // for by another thread, a few milliseconds after: start them now, before the run.
      group.forEach(loop -> loop.execute(() -> { }));
    }
  }

  List<EventLoop> eventLoops() {
    List<EventLoop> loops = new ArrayList<>(threads);
    for (var executor : group) {
      loops.add((EventLoop) executor);
    }
    return loops;
  }

  /** Each loop's share of a connection cap, rounded up and at least one. */
  int perLoop(int maxConnections) {
    return Math.max(1, (maxConnections + threads - 1) / threads);
  }

  /** A bootstrap for one loop's connections, which {@code initializer} sets up. */
  Bootstrap bootstrap(EventLoop eventLoop, Duration connectTimeout, ChannelHandler initializer) {
    return new Bootstrap()
        .group(eventLoop)
        .channel(channelType)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.SO_KEEPALIVE, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) Math.min(Integer.MAX_VALUE, connectTimeout.toMillis()))
        .handler(initializer);
  }

  void close() {
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  /** Creates daemon I/O threads so a forgotten transport never keeps the JVM alive. */
  private static final class DaemonThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

    DaemonThreads(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
      Thread t = new Thread(r, prefix + "-" + count.incrementAndGet());
      t.setDaemon(true);
      return t;
    }
  }
}
