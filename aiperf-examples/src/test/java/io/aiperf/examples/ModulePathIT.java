package io.aiperf.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReader;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
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

  /**
   * Every provider is declared twice, in module-info ({@code provides}, read on the module path)
   * and in META-INF/services (read on the class path): the two lists must be the same, or a
   * plugin silently disappears on one of the paths.
   */
  @Test
  void providers_areTheSameInModuleInfoAndInMetaInfServices() throws IOException {
    int checked = 0;
    for (String entry : modulePath().split(File.pathSeparator)) {
      Path path = Path.of(entry);
      if (!path.getFileName().toString().startsWith("aiperf-") && !entry.contains("/aiperf-")) {
        continue;
      }
      for (ModuleReference ref : ModuleFinder.of(path).findAll()) {
        Map<String, Set<String>> declared = new TreeMap<>();
        for (ModuleDescriptor.Provides p : ref.descriptor().provides()) {
          Set<String> classes = new TreeSet<>();
          p.providers().forEach(c -> classes.add(c.replace('$', '.')));
          declared.put(p.service(), classes);
        }
        Map<String, Set<String>> listed = new TreeMap<>();
        try (ModuleReader reader = ref.open()) {
          for (String name : reader.list().filter(n -> n.startsWith("META-INF/services/")
              && !n.endsWith("/")).toList()) {
            Set<String> classes = new TreeSet<>();
            try (var in = reader.open(name).orElseThrow()) {
              for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8)
                  .split("\n")) {
                String c = line.replaceAll("#.*", "").strip();
                if (!c.isEmpty()) {
                  classes.add(c.replace('$', '.'));
                }
              }
            }
            listed.put(name.substring("META-INF/services/".length()), classes);
          }
        }
        assertThat(listed).as(ref.descriptor().name()).isEqualTo(declared);
        checked++;
      }
    }
    assertThat(checked).as("aiperf modules on the module path").isGreaterThanOrEqualTo(4);
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
