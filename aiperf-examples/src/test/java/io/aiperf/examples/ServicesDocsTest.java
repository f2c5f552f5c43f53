package io.aiperf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every provider registered in a {@code META-INF/services} file of any module's main code is
 * documented in {@code META-INF-services-docs/}, and so is every SPI it implements.
 */
final class ServicesDocsTest {
  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("META-INF-services-docs"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a parent folder holding META-INF-services-docs").isNotNull();
    return dir;
  }

  @Test
  void everyRegisteredProvider_isDocumented() throws IOException {
    Path root = repositoryRoot();
    StringBuilder docs = new StringBuilder();
    try (Stream<Path> pages = Files.list(root.resolve("META-INF-services-docs"))) {
      for (Path page : pages.filter(p -> p.toString().endsWith(".md")).toList()) {
        docs.append(Files.readString(page));
      }
    }
    List<Path> servicesFiles;
    try (Stream<Path> files = Files.walk(root)) {
      servicesFiles = files.filter(p -> p.getParent() != null
              && p.getParent().endsWith(Path.of("META-INF", "services"))
              // Shipped plugins only: test sources register test-only JUnit extensions.
              && p.toString().contains(Path.of("src", "main").toString())
              && Files.isRegularFile(p))
          .toList();
    }
    assertThat(servicesFiles).as("services files in the repository").isNotEmpty();
    List<String> undocumented = new ArrayList<>();
    for (Path file : servicesFiles) {
      String spi = file.getFileName().toString();
      if (!docs.toString().contains(spi)) {
        undocumented.add("SPI " + spi + " (" + root.relativize(file) + ")");
      }
      for (String line : Files.readAllLines(file)) {
        String provider = line.replaceAll("#.*", "").strip();
        if (!provider.isEmpty() && !docs.toString().contains(provider)) {
          undocumented.add(provider + " (" + root.relativize(file) + ")");
        }
      }
    }
    assertThat(undocumented).as("providers missing from META-INF-services-docs/").isEmpty();
  }
}
