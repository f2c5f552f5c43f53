package io.aiperf.mock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

final class LifecycleTest {

    @Test
    void start_portZero_bindsAFreePort_andBaseUrlNamesIt() {
        try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0).build())) {
            assertThat(server.port()).isPositive();
            assertThat(server.baseUrl()).isEqualTo("http://127.0.0.1:" + server.port());
        }
    }

    @Test
    void close_releasesThePort() throws Exception {
        MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0).fast(true).build());
        int port = server.port();
        assertThat(TestHttp.get(server.baseUrl() + "/health").statusCode()).isEqualTo(200);

        server.close();
        server.close(); // idempotent

        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
        try (ServerSocket again = new ServerSocket(port, 50, InetAddress.getByName("127.0.0.1"))) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
        try (MockLlmServer restarted = MockLlmServer.start(MockServerOptions.builder().port(port).build())) {
            assertThat(restarted.port()).isEqualTo(port);
        }
    }

    @Test
    void start_portInUse_failsNamingHostAndPort() throws IOException {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> MockLlmServer.start(MockServerOptions.builder().port(port).build()))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("127.0.0.1:" + port);
        }
    }
}
