package io.aiperf.mock;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.List;

/**
 * Tells HTTP/1.1 from HTTP/2 with prior knowledge (h2c) by the first bytes of a connection, so one
 * port serves both: a client speaking HTTP/2 starts with the preface {@code PRI * HTTP/2.0}, which
 * no HTTP/1.1 request line matches. It then replaces itself with the protocol's handlers.
 *
 * <p>Over HTTP/2 each stream gets a child channel whose pipeline turns frames into the same HTTP
 * objects HTTP/1.1 produces, so {@link MockHttpHandler} answers both with identical bodies and the
 * same TTFT/ITL schedule, one handler per stream. Over TLS, {@link AlpnSwitch} installs the same
 * handlers after the handshake instead.
 */
final class ProtocolSniffer extends ByteToMessageDecoder {

    /**
     * Streams one client connection may have open at once: enough that tens of thousands of
     * concurrent requests need only a few dozen connections.
     */
    static final int MAX_CONCURRENT_STREAMS = Integer.getInteger("aiperf.mock.h2.maxStreams", 1_000);

    /** Receive window per stream, for request bodies: a long prompt never waits for an update. */
    private static final int STREAM_WINDOW = 1 << 20;

    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();

    private final ServerState state;

    ProtocolSniffer(ServerState state) {
        this.state = state;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        for (int i = 0; i < n; i++) {
            if (in.getByte(in.readerIndex() + i) != PREFACE.getByte(i)) {
                http1(ctx.pipeline(), state);
                ctx.pipeline().remove(this); // hands the bytes read so far to the new handlers
                return;
            }
        }
        if (n == PREFACE.readableBytes()) {
            h2(ctx.pipeline(), state);
            ctx.pipeline().remove(this);
        }
        // Otherwise a prefix of the preface so far: wait for more bytes.
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof IdleStateEvent) {
            ctx.close(); // idle before its first byte: nothing is in progress
            return;
        }
        super.userEventTriggered(ctx, evt);
    }

    /** Adds the HTTP/1.1 handlers; also used over TLS when ALPN chose HTTP/1.1 (or nothing). */
    static void http1(ChannelPipeline p, ServerState state) {
        p.addLast("http-codec", new HttpServerCodec());
        p.addLast("http-aggregator", new HttpObjectAggregator(MockLlmServer.MAX_BODY_BYTES));
        p.addLast("mock-llm", new MockHttpHandler(state));
    }

    /** Adds the HTTP/2 handlers; also used over TLS when ALPN chose h2. */
    static void h2(ChannelPipeline p, ServerState state) {
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(Http2Settings.defaultSettings()
                        .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                        .initialWindowSize(STREAM_WINDOW))
                // A benchmark cancelling requests resets many streams on purpose; Netty's guard
                // against "rapid reset" floods would otherwise close the connection on it.
                .decoderEnforceMaxRstFramesPerWindow(0, 0)
                .build();
        p.addLast("h2-codec", codec);
        p.addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Http2StreamChannel>() {
            @Override
            protected void initChannel(Http2StreamChannel ch) {
                ch.pipeline().addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true));
                ch.pipeline().addLast("http-aggregator",
                        new HttpObjectAggregator(MockLlmServer.MAX_BODY_BYTES));
                ch.pipeline().addLast("mock-llm", new MockHttpHandler(state));
            }
        }));
        p.addLast("h2-idle", new IdleConnection(codec));
    }

    /** Closes an idle HTTP/2 connection only when no stream is open on it, as HTTP/1.1 does. */
    private static final class IdleConnection extends ChannelInboundHandlerAdapter {
        private final Http2FrameCodec codec;

        IdleConnection(Http2FrameCodec codec) {
            this.codec = codec;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
                if (codec.connection().numActiveStreams() == 0) {
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(evt);
        }
    }
}
