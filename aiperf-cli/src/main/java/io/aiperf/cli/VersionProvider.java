package io.aiperf.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Properties;
import picocli.CommandLine;

/**
 * {@code aiperf --version}: the version, the git commit it was built from and the JDK it runs on,
 * what a bug report needs. The first two come from {@code version.properties}, which the build
 * writes (Maven resource filtering); a build from a source tarball, without {@code .git}, has no
 * commit and says {@code unknown}.
 */
final class VersionProvider implements CommandLine.IVersionProvider {
  static final String RESOURCE = "version.properties";
  static final String UNKNOWN = "unknown";

  @Override
  public String[] getVersion() {
    return lines(load(), Runtime.version().toString(), System.getProperty("java.vendor", ""),
        System.getProperty("java.vm.name", ""), System.getProperty("os.name", ""),
        System.getProperty("os.arch", ""));
  }

  static String[] lines(Properties build, String jdk, String vendor, String vm, String os,
      String arch) {
    String commit = value(build, "commit");
    if (!commit.equals(UNKNOWN) && value(build, "dirty").equals("true")) {
      commit += " (with uncommitted changes)";
    }
    return new String[] {
        "aiperf-java " + value(build, "version"),
        "commit " + commit,
        "JDK " + jdk + " (" + vendor + ", " + vm + ")",
        "OS " + os.toLowerCase(Locale.ROOT) + " " + arch};
  }

  /** A value, or "unknown" when missing or left unfiltered (a placeholder the build did not set). */
  private static String value(Properties build, String key) {
    String v = build.getProperty(key, "").strip();
    return v.isEmpty() || v.startsWith("${") ? UNKNOWN : v;
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream(RESOURCE)) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE + " from the aiperf jar", e);
    }
    return p;
  }
}
