package io.aiperf.cli;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Headless Chromium (the Debian package; {@code .ci/run} installs it) for tests that open the HTML
 * report as a user would: offline (every host name fails to resolve), with its console logged.
 */
final class Chromium {
  private static final String[] NAMES = {"chromium", "chromium-browser", "google-chrome"};

  private Chromium() {}

  /** The browser on the PATH, or null. */
  static @Nullable Path find() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String name : NAMES) {
      for (String dir : path.split(File.pathSeparator)) {
        Path p = Path.of(dir, name);
        if (Files.isExecutable(p)) {
          return p;
        }
      }
    }
    return null;
  }

  /** What one browser run printed. */
  record Result(int exitCode, String stdout, String stderr) {
    /** The page's console messages (Chromium logs them as INFO:CONSOLE lines). */
    List<String> consoleLines() {
      return stderr.lines().filter(l -> l.contains(":CONSOLE")).toList();
    }
  }

  /** Loads {@code page} and prints its DOM once it has loaded and its timers have run. */
  static Result dumpDom(Path browser, Path page, Path work) throws IOException,
      InterruptedException {
    return run(browser, work, List.of("--dump-dom", page.toUri().toString()));
  }

  /** Loads {@code page} and saves a screenshot of the window's size. */
  static Result screenshot(Path browser, Path page, Path png, int height, Path work)
      throws IOException, InterruptedException {
    return run(browser, work, List.of("--screenshot=" + png.toAbsolutePath(),
        "--window-size=1400," + height, page.toUri().toString()));
  }

  private static Result run(Path browser, Path work, List<String> args) throws IOException,
      InterruptedException {
    Files.createDirectories(work);
    List<String> cmd = new ArrayList<>(List.of(browser.toString(), "--headless", "--disable-gpu",
        "--no-sandbox", "--hide-scrollbars", "--no-first-run", "--disable-extensions",
        "--enable-logging=stderr", "--v=0", "--virtual-time-budget=15000",
        "--host-resolver-rules=MAP * ~NOTFOUND", "--window-size=1400,1000",
        "--user-data-dir=" + work.resolve("profile").toAbsolutePath()));
    cmd.addAll(args);
    Path out = work.resolve("stdout.txt");
    Path err = work.resolve("stderr.txt");
    Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile())
        .start();
    try {
      if (!p.waitFor(180, TimeUnit.SECONDS)) {
        throw new IllegalStateException("chromium did not finish within 180 s: " + cmd);
      }
      return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }
}
