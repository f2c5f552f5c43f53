package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ServiceProvider;
import io.aiperf.api.spi.TokenizerProvider;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every start-up step ends within its timeout with a message naming the step, in a real CLI
 * process: a hang there is what users of other tools meet first, with nothing on the screen.
 */
final class StartupTimeoutIT {
  /** Far above the 2 s step timeouts used here, far below "hung". */
  private static final long CHILD_BOUND_SECONDS = 45;

  @TempDir
  Path dir;

  private record Exit(int code, String output) {}

  private Exit aiperf(Path extraClassPath, List<String> jvmArgs, String... args)
      throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmArgs);
    command.add("-cp");
    command.add((extraClassPath == null ? "" : extraClassPath + File.pathSeparator)
        + System.getProperty("java.class.path"));
    command.add(AiperfCommand.class.getName());
    command.add("profile");
    command.addAll(List.of("-m", "demo", "--request-count", "5", "--osl", "4", "--isl", "8",
        "--startup-timeout", "2", "--artifact-dir", dir.resolve("out").toString()));
    command.addAll(List.of(args));
    Path log = dir.resolve("child.log");
    Process child = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    try {
      assertThat(child.waitFor(CHILD_BOUND_SECONDS, TimeUnit.SECONDS))
          .as("the CLI ends on its own instead of hanging").isTrue();
      return new Exit(child.exitValue(), Files.readString(log));
    } finally {
      child.destroyForcibly();
    }
  }

  /** A class-path folder whose services files register the given providers. */
  private Path plugins(Class<?> spi, Class<?> provider) throws Exception {
    Path root = dir.resolve("plugins-" + spi.getSimpleName());
    Path services = root.resolve("META-INF/services");
    Files.createDirectories(services);
    Files.writeString(services.resolve(spi.getName()), provider.getName() + "\n");
    return root;
  }

  @Test
  void pluginLoading_thatHangs_isNamedWithTheProvider() throws Exception {
    Exit exit = aiperf(plugins(EndpointProvider.class,
            StallingPlugins.HangingEndpointProvider.class),
        List.of("-D" + io.aiperf.api.spi.Plugins.LOAD_TIMEOUT_PROPERTY + "=2"), "--url", "mock");
    assertThat(exit.code()).as(exit.output()).isEqualTo(1);
    assertThat(exit.output()).contains("Start-up step 'loading plugins' did not finish within 2 s")
        .contains(StallingPlugins.HangingEndpointProvider.class.getName());
  }

  @Test
  void tokenizerLoading_thatHangs_isNamed() throws Exception {
    Exit exit = aiperf(plugins(TokenizerProvider.class,
            StallingPlugins.HangingTokenizerProvider.class), List.of(),
        "--url", "mock", "--tokenizer", "hanging");
    assertThat(exit.code()).as(exit.output()).isEqualTo(1);
    assertThat(exit.output())
        .contains("Start-up step 'loading the tokenizer' did not finish within 2 s");
  }

  @Test
  void serverReachability_whenConnectsHang_isNamed() throws Exception {
    InetAddress loopback = InetAddress.getLoopbackAddress();
    // A server that never accepts: once its accept queue is full, connects get no answer.
    try (ServerSocket server = new ServerSocket(0, 1, loopback)) {
      List<Socket> queued = new ArrayList<>();
      try {
        for (int i = 0; i < 16; i++) {
          Socket s = new Socket();
          queued.add(s);
          try {
            s.connect(new InetSocketAddress(loopback, server.getLocalPort()), 300);
          } catch (SocketTimeoutException full) {
            break;
          }
        }
        Exit exit = aiperf(null, List.of(),
            "--url", "http://127.0.0.1:" + server.getLocalPort());
        assertThat(exit.code()).as(exit.output()).isEqualTo(1);
        assertThat(exit.output())
            .contains("Start-up step 'server reachability' did not finish within 2.0 s");
      } finally {
        for (Socket s : queued) {
          s.close();
        }
      }
    }
  }

  @Test
  void workerRegistration_thatNeverHappens_isNamed() throws Exception {
    Exit exit = aiperf(plugins(ServiceProvider.class, StallingPlugins.SilentWorkerProvider.class),
        List.of(), "--url", "mock");
    assertThat(exit.code()).as(exit.output()).isEqualTo(1);
    assertThat(exit.output())
        .contains("Start-up step 'worker registration' did not finish within 2 s");
  }

  @Test
  void datasetLoad_fromAFileThatNeverDelivers_isNamed() throws Exception {
    // A named pipe nobody writes to: opening it blocks, as a stalled network mount does.
    Path fifo = dir.resolve("prompts.jsonl");
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(mkfifo.waitFor(10, TimeUnit.SECONDS) && mkfifo.exitValue() == 0)
        .as("mkfifo").isTrue();
    Exit exit = aiperf(null, List.of(), "--url", "mock", "--input-file", fifo.toString(),
        "--custom-dataset-type", "single_turn");
    assertThat(exit.code()).as(exit.output()).isEqualTo(1);
    assertThat(exit.output()).contains("Start-up step 'dataset load' did not finish within 2 s");
  }
}
