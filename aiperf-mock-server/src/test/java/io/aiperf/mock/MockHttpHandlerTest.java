package io.aiperf.mock;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Drives the handler on an {@link EmbeddedChannel} to see its timers, which a socket test cannot. */
final class MockHttpHandlerTest {

    private static EmbeddedChannel channel(Duration ttft) {
        ServerState state = new ServerState(MockServerOptions.builder().ttft(ttft).itl(Duration.ofMillis(5)).build());
        return new EmbeddedChannel(new MockHttpHandler(state));
    }

    private static FullHttpRequest chat(boolean stream) {
        String body = TestHttp.chatBody("hello", stream, 1000, false);
        return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/v1/chat/completions",
                Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
    }

    @Test
    void disconnectMidStream_cancelsPendingTimer_andReleasesRequest() {
        EmbeddedChannel ch = channel(Duration.ofSeconds(30));
        FullHttpRequest req = chat(true);

        ch.writeInbound(req);
        Object headers = ch.readOutbound();
        assertThat(headers).isInstanceOf(HttpResponse.class);
        assertThat(req.refCnt()).isZero();
        assertThat(ch.runScheduledPendingTasks()).as("next timer").isPositive();

        ch.close();

        assertThat(ch.runScheduledPendingTasks()).as("no timer left").isEqualTo(-1);
        drainOutbound(ch);
    }

    @Test
    void disconnectWhileNonStreamingAnswerWaits_cancelsTimer() {
        EmbeddedChannel ch = channel(Duration.ofSeconds(30));

        ch.writeInbound(chat(false));
        Object written = ch.readOutbound();
        assertThat(written).as("nothing before the answer is due").isNull();
        assertThat(ch.runScheduledPendingTasks()).isPositive();

        ch.close();

        assertThat(ch.runScheduledPendingTasks()).isEqualTo(-1);
    }

    @Test
    void pipelinedRequestWhileStreaming_isQueuedThenReleasedOnDisconnect() {
        EmbeddedChannel ch = channel(Duration.ofSeconds(30));
        FullHttpRequest second = chat(false);

        ch.writeInbound(chat(true));
        ch.writeInbound(second);

        assertThat(second.refCnt()).as("held until the stream ends").isEqualTo(1);
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.close();
        assertThat(second.refCnt()).isZero();
        drainOutbound(ch);
    }

    private static void drainOutbound(EmbeddedChannel ch) {
        Object o;
        while ((o = ch.readOutbound()) != null) {
            ReferenceCountUtil.release(o);
        }
    }
}
