package io.aiperf.zmq.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@link Ticks} is the module's one clock: no other main source reads the system's directly. */
final class TicksTest {
  @Test
  void nanoTime_isCalledOnlyByTicks() throws IOException {
    Path main = Path.of("src", "main", "java"); // surefire runs in the module's directory
    assertThat(main).isDirectory();
    List<String> callers;
    try (Stream<Path> files = Files.walk(main)) {
      callers = files.filter(p -> p.toString().endsWith(".java"))
          .filter(p -> read(p).contains("System.nanoTime()"))
          .map(p -> p.getFileName().toString())
          .collect(Collectors.toList());
    }
    assertThat(callers).containsExactly("Ticks.java");
  }

  @Test
  void nanos_isMonotonic() {
    long first = Ticks.nanos();
    assertThat(Ticks.nanos() - first).isGreaterThanOrEqualTo(0);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
