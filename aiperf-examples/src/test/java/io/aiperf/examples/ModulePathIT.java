package io.aiperf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The modules as named modules, the way a user on the module path gets them: exactly the
 * examples' runtime dependencies (target/runtime-module-path.txt, written by the build) on
 * {@code --module-path}, nothing on the class path.
 */
final class ModulePathIT {
  private static final Path TARGET = Path.of("target");

  /**
   * The quickstart runs a real benchmark against the mock: the engine is found through its
   * {@code provides} clauses, Jackson reaches the opened packages, the example metric joins in
   * through this module's own {@code provides}, and DJL (optional) is absent.
   */
  @Test
  void quickstart_runsWithEveryModuleOnTheModulePath() throws Exception {
    String modulePath = modulePath();
    assertThat(modulePath).doesNotContain("tokenizers-"); // DJL stays optional
    Path log = Files.createTempFile(TARGET, "module-path-run", ".log");
    Process p = new ProcessBuilder(javaBinary(), "--module-path", modulePath,
        "-m", "io.aiperf.examples/io.aiperf.examples.Quickstart")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("the run ends").isTrue();
    } finally {
      p.destroyForcibly();
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(output).isZero();
    assertThat(output).contains("over 200 requests")
        .contains("Time to First Token")
        .contains("Decode Duration");
  }

  /** A module that reads the engine cannot import its internals: the compiler says so. */
  @Test
  void importOfAnEngineInternal_isRejectedByTheCompiler(@TempDir Path dir) throws IOException {
    Path src = dir.resolve("src/probe");
    Files.createDirectories(src.resolve("probe"));
    Files.writeString(src.resolve("module-info.java"),
        "module probe { requires io.aiperf.engine; }\n");
    Files.writeString(src.resolve("probe/Probe.java"), "package probe;\n"
        + "public class Probe { io.aiperf.engine.internal.NanoClock clock; }\n");
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    boolean ok;
    try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT,
        StandardCharsets.UTF_8)) {
      // An empty class path: javac would otherwise see the test JVM's, engine included.
      List<String> options = List.of("--module-path", modulePath(),
          "--class-path", dir.toString(), "-d", dir.resolve("out").toString());
      ok = javac.getTask(new StringWriter(), files, diagnostics, options, null,
          files.getJavaFileObjects(src.resolve("module-info.java"),
              src.resolve("probe/Probe.java"))).call();
    }
    List<String> messages = new ArrayList<>();
    diagnostics.getDiagnostics().forEach(d -> messages.add(d.getMessage(Locale.ROOT)));
    assertThat(ok).as(String.join("\n", messages)).isFalse();
    assertThat(String.join("\n", messages))
        .contains("package io.aiperf.engine.internal is not visible")
        .contains("declared in module io.aiperf.engine, which does not export it");
  }

  private static String modulePath() throws IOException {
    Path deps = TARGET.resolve("runtime-module-path.txt");
    assertThat(deps).as("written by maven-dependency-plugin in generate-test-resources")
        .exists();
    String own = TARGET.resolve("classes").toAbsolutePath().toString();
    return own + File.pathSeparator + Files.readString(deps, StandardCharsets.UTF_8).strip();
  }

  private static String javaBinary() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }
}
