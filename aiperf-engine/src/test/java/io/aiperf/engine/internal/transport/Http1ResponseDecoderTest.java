package io.aiperf.engine.internal.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

final class Http1ResponseDecoderTest {
  private static final String OK_5 = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
      + "Content-Length: 5\r\n\r\nhello";
  private static final String CHUNKED = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
      + "Transfer-Encoding: chunked\r\n\r\n"
      + "9\r\ndata: a\n\n\r\n" + "B;name=value;q=\"x\\\"y\"\r\ndata: bcd\n\n\r\n"
      + "0\r\nX-T: 1\r\n\r\n";

  /** What the transport sees of a response: one line per event, adjacent body bytes merged. */
  private static final class Transcript implements Http1ResponseDecoder.Events {
    final List<String> lines = new ArrayList<>();

    @Override
    public void onInterim(int status) {
      lines.add("interim " + status);
    }

    @Override
    public void onResponse(int status, String contentType, boolean keepAlive) {
      lines.add("response " + status + " [" + contentType + "] keepAlive=" + keepAlive);
    }

    @Override
    public void onBody(ByteBuffer data) {
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      body(new String(bytes, StandardCharsets.ISO_8859_1));
    }

    void body(String text) {
      int last = lines.size() - 1;
      if (last >= 0 && lines.get(last).startsWith("body ")) {
        lines.set(last, lines.get(last) + text);
      } else {
        lines.add("body " + text);
      }
    }

    @Override
    public void onEnd() {
      lines.add("end");
    }

    @Override
    public void onMalformed(String message) {
      lines.add("malformed " + message);
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Decodes the input cut at the given offsets, then closes the connection if asked. */
  private static List<String> decode(String input, boolean close, int... cuts) {
    Transcript t = new Transcript();
    Http1ResponseDecoder decoder = new Http1ResponseDecoder(t);
    byte[] all = bytes(input);
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : all.length;
      ByteBuffer read = ByteBuffer.allocateDirect(to - from + 8);
      read.position(4); // the read's bytes need not start at 0
      read.put(all, from, to - from);
      read.limit(read.position()).position(4);
      decoder.decode(read);
      assertThat(read.position()).isEqualTo(read.limit());
      from = to;
    }
    if (close) {
      decoder.endOfInput();
    }
    return t.lines;
  }

  private static List<String> decode(String input) {
    return decode(input, false);
  }

  /**
   * The same input through Netty's HttpResponseDecoder and the handler the transport had behind
   * it: what the transport accepted and rejected, and how it worded it, before this decoder. The
   * connection closes at the end.
   */
  private static List<String> netty(String input, int... cuts) {
    Transcript t = new Transcript();
    EmbeddedChannel channel = new EmbeddedChannel(new HttpResponseDecoder(),
        new ChannelInboundHandlerAdapter() {
          boolean skippingInterim;

          @Override
          public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
              read(msg);
            } finally {
              ReferenceCountUtil.release(msg);
            }
          }

          private void read(Object msg) {
            if (msg instanceof HttpObject http && http.decoderResult().isFailure()) {
              t.onMalformed(ErrorMapping.describe(http.decoderResult().cause()));
              return;
            }
            if (msg instanceof HttpResponse response) {
              int status = response.status().code();
              if (status >= 100 && status < 200 && status != 101) {
                t.onInterim(status);
                skippingInterim = !(msg instanceof LastHttpContent);
                return;
              }
              t.onResponse(status, response.headers().get(HttpHeaderNames.CONTENT_TYPE, ""),
                  HttpUtil.isKeepAlive(response));
            } else if (skippingInterim) {
              skippingInterim = !(msg instanceof LastHttpContent);
              return;
            }
            if (msg instanceof HttpContent content) {
              if (content.content().isReadable()) {
                t.body(content.content().toString(StandardCharsets.ISO_8859_1));
              }
              if (msg instanceof LastHttpContent) {
                t.onEnd();
              }
            }
          }
        });
    byte[] all = bytes(input);
    int from = 0;
    for (int i = 0; i <= cuts.length; i++) {
      int to = i < cuts.length ? cuts[i] : all.length;
      channel.writeInbound(Unpooled.wrappedBuffer(all, from, to - from));
      from = to;
    }
    channel.finishAndReleaseAll();
    return t.lines;
  }

  // --- framings -------------------------------------------------------------------------------

  @Test
  void contentLength_bodyThenEnd() {
    assertThat(decode(OK_5)).containsExactly(
        "response 200 [application/json] keepAlive=true", "body hello", "end");
  }

  @Test
  void chunked_extensionsAndTrailersAreNotBody() {
    assertThat(decode(CHUNKED)).containsExactly(
        "response 200 [text/event-stream] keepAlive=true", "body data: a\n\ndata: bcd\n\n", "end");
  }

  @Test
  void noLengthNoChunks_bodyEndsWithTheConnection() {
    String response = "HTTP/1.1 200 OK\r\n\r\nuntil the end";
    assertThat(decode(response)).containsExactly("response 200 [] keepAlive=true",
        "body until the end");
    assertThat(decode(response, true)).endsWith("end");
  }

  @Test
  void interimResponses_comeBeforeTheResponse() {
    assertThat(decode("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
        + OK_5)).containsExactly("interim 100", "interim 103",
            "response 200 [application/json] keepAlive=true", "body hello", "end");
  }

  @Test
  void noContentAndNotModified_haveNoBody_evenWithALength() {
    assertThat(decode("HTTP/1.1 204 No Content\r\nContent-Length: 3\r\n\r\n"
        + "HTTP/1.1 304 Not Modified\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"))
        .containsExactly("response 204 [] keepAlive=true", "end",
            "response 304 [] keepAlive=true", "end", "response 200 [] keepAlive=true", "end");
  }

  @Test
  void switchingProtocols_endsTheResponse_andTheConnection() {
    assertThat(decode("HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\n\r\nnot http"))
        .containsExactly("response 101 [] keepAlive=false", "end");
  }

  @Test
  void keepAlive_followsConnectionAndVersion() {
    assertThat(decode("HTTP/1.1 200 OK\r\nConnection: foo, Close\r\nContent-Length: 0\r\n\r\n"
        + "HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n"
        + "HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n"))
        .containsExactly("response 200 [] keepAlive=false", "end",
            "response 200 [] keepAlive=false", "end", "response 200 [] keepAlive=true", "end");
  }

  @Test
  void contentType_isTheFirstOne_andLineBreaksBeforeAResponseAreSkipped() {
    assertThat(decode("\r\n\r\nHTTP/1.1 200 OK\r\ncontent-type: a/b\r\nContent-Type: c/d\r\n"
        + "Content-Length: 0\r\n\r\n")).containsExactly("response 200 [a/b] keepAlive=true", "end");
  }

  @Test
  void closedInTheHeaders_isMalformed_closedInTheBody_isLeftToTheCaller() {
    assertThat(decode("HTTP/1.1 200 OK\r\nContent-Le", true))
        .containsExactly("malformed Connection closed before received headers");
    assertThat(decode("HTTP/1.1 200 O", true)).isEmpty();
    assertThat(decode("HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nhel", true))
        .containsExactly("response 200 [] keepAlive=true", "body hel");
    assertThat(decode(CHUNKED.substring(0, CHUNKED.length() - 3), true))
        .doesNotContain("end");
  }

  @Test
  void afterAMalformedResponse_nothingIsDecoded() {
    assertThat(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n" + OK_5))
        .containsExactly("response 200 [] keepAlive=true",
            "malformed Invalid character in chunk size");
  }

  // --- reads cut anywhere ---------------------------------------------------------------------

  static Stream<String> smallResponses() {
    return Stream.of(OK_5, CHUNKED, "HTTP/1.1 100 Continue\r\n\r\n" + OK_5,
        "\r\nHTTP/1.1 200 OK\r\n\r\nuntil close", OK_5 + CHUNKED,
        "HTTP/1.1 200 OK\r\nX: a\r\n  b \r\nContent-Length: 1\r\n\r\nx",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXY");
  }

  @ParameterizedTest
  @MethodSource("smallResponses")
  void everyCut_decodesLikeOneRead(String response) {
    List<String> whole = decode(response, true);
    int n = bytes(response).length;
    for (int cut = 1; cut < n; cut++) {
      assertThat(decode(response, true, cut)).as("cut at %d", cut).isEqualTo(whole);
    }
    int[] everyByte = new int[n - 1];
    for (int i = 0; i < everyByte.length; i++) {
      everyByte[i] = i + 1;
    }
    assertThat(decode(response, true, everyByte)).as("a byte per read").isEqualTo(whole);
    assertThat(whole).isEqualTo(netty(response));
  }

  @Test
  void aByteBuf_isDecodedWhereItIs_andNeitherMovedNorReleased() {
    Transcript t = new Transcript();
    Http1ResponseDecoder decoder = new Http1ResponseDecoder(t);
    byte[] all = bytes(OK_5);
    CompositeByteBuf read = Unpooled.compositeBuffer();
    read.addComponents(true, Unpooled.wrappedBuffer(all, 0, 20),
        Unpooled.directBuffer().writeBytes(all, 20, all.length - 20));
    ByteBuf direct = Unpooled.directBuffer().writeBytes(bytes("xx" + OK_5)).skipBytes(2);
    decoder.decode(read);
    decoder.decode(direct);
    assertThat(t.lines).containsExactly("response 200 [application/json] keepAlive=true",
        "body hello", "end", "response 200 [application/json] keepAlive=true", "body hello",
        "end");
    assertThat(read.readerIndex()).isZero();
    assertThat(direct.readerIndex()).isEqualTo(2);
    assertThat(read.refCnt()).isOne();
    assertThat(direct.refCnt()).isOne();
    read.release();
    direct.release();
  }

  // --- malformed responses: rejected as Netty rejected them, with its words --------------------

  static Stream<String> malformed() {
    String h = "HTTP/1.1 200 OK\r\n";
    String c = h + "Transfer-Encoding: chunked\r\n\r\n";
    return Stream.of(
        // status line
        "HTTP/1.x 200 OK\r\n\r\n", "HTTQ/1.1 200 OK\r\n\r\n", "FOO 200 OK\r\n\r\n",
        "HTTP/11 200 OK\r\n\r\n", "   \r\n\r\n", "HTTP/1.1 2x0 OK\r\n\r\n",
        "HTTP/1.1 -1 Minus\r\n\r\n", "HTTP/1.1\r\n\r\n", "HTTP/1.1 200 O\rK\r\n\r\n",
        "HTTP/1.1 200 OK\u0001\r\n\r\n", "HTTP/1.1\u001c200 OK\r\n\r\n",
        "HTTP/1.1 200 OK\nContent-Length: 0\n\n", "\u0001HTTP/1.1 200 OK\r\n\r\n",
        "http/1.1 200 OK\r\nContent-Length: 1\r\n\r\nx", "HTTP/1.1 2000000000000 OK\r\n\r\n",
        "HTTP/1.1 +200 OK\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 999 Odd\r\n\r\nbody",
        // header fields
        h + "Foo\r\n\r\n", h + "Foo bar\r\nContent-Length: 0\r\n\r\n", h + " lead: x\r\n\r\n",
        h + "Fo@o: x\r\n\r\n", h + "X: a\u0001b\r\n\r\n", h + "X:\u000bvalue\r\n\r\n",
        h + "X:\r\n b\r\n\r\n", h + ": empty\r\n\r\n", h + "X: a\r\nY: b\n\r\n",
        h + "X: \u00e9t\u00e9\r\nContent-Length: 0\r\n\r\n", h + "X: a\u007f\r\n\r\n",
        // Content-Length
        h + "Content-Length: abc\r\n\r\n", h + "Content-Length: 5, 5\r\n\r\nhello",
        h + "Content-Length: 5\r\ncontent-length: 5\r\n\r\nhello", h + "Content-Length: +5\r\n\r\n",
        h + "Content-Length: 99999999999999999999\r\n\r\n", h + "Content-Length:\r\n\r\n",
        "HTTP/1.0 200 OK\r\nContent-Length: 5, 5\r\n\r\nhello",
        "HTTP/1.0 200 OK\r\nContent-Length: 2\r\nContent-Length: 5\r\n\r\nhello",
        "HTTP/1.1 204 No Content\r\nContent-Length: x\r\n\r\n",
        // Transfer-Encoding
        h + "Transfer-Encoding: gzip, chunked\r\n\r\n1\r\nx\r\n0\r\n\r\n",
        h + "Transfer-Encoding: chunked, gzip\r\n\r\n",
        h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        h + "Transfer-Encoding: gzip\r\n\r\nuntil close", h + "Transfer-Encoding: Chunked \r\n"
            + "\r\n0\r\n\r\n", h + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
        h + "Transfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc",
        "HTTP/1.0 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
        "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
        // chunk sizes and extensions
        c + "zz\r\n", c + "\r\n", c + " 5\r\nhello\r\n0\r\n\r\n", c + "5 \r\nhello\r\n",
        c + "5 ;ext\r\nhello\r\n0\r\n\r\n", c + "5;e=v;f=\"q\\\"x\"\r\nhello\r\n0\r\n\r\n",
        c + "5;=x\r\nhello\r\n0\r\n\r\n", c + "5;e=\r\nhello\r\n", c + "5;e@=1\r\nhello\r\n",
        c + "5;e=\"open\r\nhello\r\n", c + "5;e=a\"b\r\nhello\r\n0\r\n\r\n", c + ";e\r\n",
        c + "5 x\r\n", c + "FFFFFFFFFF\r\n", c + "FFFFFFFFFF;e\r\n", c + "5\nhello\r\n",
        c + "0005\r\nhello\r\n0\r\n\r\n", c + "5\r\nhelloXY0\r\n\r\n", c + "5\r\nhello\r0\r\n\r\n",
        c + "5;e\u0001\r\n",
        // trailers
        c + "0\r\nX-T: v\r\nY: w\r\n\r\n", c + "0\r\nContent-Length: 5\r\nTrailer:\u0001\r\n\r\n",
        c + "0\r\nbad@: v\r\n\r\n", c + "0\r\nno colon\r\n\r\n" + OK_5,
        c + "0\r\nX: a\u0001\r\n\r\n", c + "0\r\nX: a\r\n b\r\n\r\n", c + "0\r\nX: a\n\r\n");
  }

  @ParameterizedTest
  @MethodSource("malformed")
  void oddAndMalformedResponses_areDecodedAsNettyDecodedThem(String response) {
    List<String> expected = netty(response);
    assertThat(decode(response, true)).isEqualTo(expected);
    int n = bytes(response).length;
    for (int cut = 1; cut < n; cut++) {
      assertThat(decode(response, true, cut)).as("cut at %d", cut).isEqualTo(expected);
    }
  }

  @Test
  void malformedMessages_areNettys() {
    assertThat(decode("HTTP/1.x 200 OK\r\n\r\n")).containsExactly("malformed Invalid version"
        + " number, only 0-9 (0x30-0x39) allowed, but received a 'X' (0x58)");
    assertThat(decode("HTTP/1.1 2x0 OK\r\n\r\n"))
        .containsExactly("malformed For input string: \"2x0\"");
    assertThat(decode("HTTP/1.1 200 OK\nX: y\n\n")).containsExactly("malformed Line Feed must be"
        + " preceded by Carriage Return when terminating HTTP start- and header field-lines");
    assertThat(decode("HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n"))
        .containsExactly("malformed Multiple Content-Length values found: [1, 2]");
    assertThat(decode("HTTP/1.1 200 OK\r\nFo@o: x\r\n\r\n")).containsExactly("malformed a header"
        + " name can only contain \"token\" characters, but found invalid character 0x40 at"
        + " index 2 of header 'Fo@o'.");
    assertThat(decode("HTTP/1.1 200 OK\r\nX: a\u0001\r\n\r\n"))
        .containsExactly("malformed Validation failed for header 'X'");
    assertThat(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXY"))
        .containsExactly("response 200 [] keepAlive=true", "body hello",
            "malformed Chunk data sections must be terminated by a CR LF octet pair");
    assertThat(decode("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFF\r\n"))
        .containsExactly("response 200 [] keepAlive=true",
            "malformed Chunk size overflow: 4294967295");
  }

  @Test
  void longLines_areRejected_byTheLimitsNettyHad() {
    String a4096 = "A".repeat(4096);
    for (String response : List.of("HTTP/1.1 200 " + "A".repeat(4090) + "\r\n\r\n",
        "HTTP/1.1 200 " + "A".repeat(4084) + "\r\n\r\n", "\r\n".repeat(2049) + OK_5,
        "\r\n".repeat(2047) + OK_5,
        "HTTP/1.1 200 OK\r\nX: " + "v".repeat(8189) + "\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: " + "v".repeat(8188) + "\r\nContent-Length: 0\r\n\r\n",
        "HTTP/1.1 200 OK\r\nX: " + "v".repeat(4000) + "\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "0\r\nY: " + "v".repeat(4200) + "\r\n\r\n",
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" + a4096 + "\r\n")) {
      // Where a read ends matters here (line breaks before a response count per read), so each
      // cut is compared with Netty's decoding of the same reads.
      int n = bytes(response).length;
      for (int cut : new int[] {1, 100, 4096, 4097, 4099, n / 2, n - 3, n - 1}) {
        assertThat(decode(response, true, cut)).as("cut at %d", cut)
            .isEqualTo(netty(response, cut));
      }
      assertThat(decode(response, true)).isEqualTo(netty(response));
    }
    assertThat(decode("HTTP/1.1 200 " + "A".repeat(5000)))
        .containsExactly("malformed An HTTP line is larger than 4096 bytes.");
    assertThat(decode("HTTP/1.1 200 OK\r\nX: " + "v".repeat(9000)))
        .containsExactly("malformed HTTP header is larger than 8192 bytes.");
  }
}
