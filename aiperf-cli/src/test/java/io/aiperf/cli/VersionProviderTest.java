package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** {@code aiperf --version}: what the build recorded, and "unknown" where it recorded nothing. */
final class VersionProviderTest {

  @Test
  void version_printsTheBuildsVersionCommitAndTheRunningJdk() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AiperfCommand.execute(new String[] {"--version"}, new PrintWriter(out, true),
        new PrintWriter(err, true));

    assertThat(code).as(err.toString()).isZero();
    String[] lines = out.toString().split("\\R");
    // The POM passes the version and the commit its build saw (see aiperf-cli/pom.xml).
    assertThat(lines[0]).isEqualTo("aiperf-java " + System.getProperty("aiperf.expectedVersion"));
    String commit = System.getProperty("aiperf.expectedCommit", "");
    if (commit.isBlank() || commit.startsWith("${")) {
      assertThat(lines[1]).isEqualTo("commit unknown");
    } else {
      assertThat(commit).matches("[0-9a-f]{40}");
      assertThat(lines[1]).startsWith("commit " + commit);
    }
    assertThat(lines[2]).startsWith("JDK " + Runtime.version() + " (");
  }

  @Test
  void aBuildWithoutGitOrFilteringSaysUnknown() {
    Properties fromTarball = new Properties();
    fromTarball.setProperty("version", "1.2.3");
    fromTarball.setProperty("commit", "${git.commit.id.full}");
    fromTarball.setProperty("dirty", "${git.dirty}");

    String[] lines = VersionProvider.lines(fromTarball, "17.0.9+9", "Eclipse Adoptium",
        "OpenJDK 64-Bit Server VM", "Linux", "amd64");

    assertThat(lines).containsExactly("aiperf-java 1.2.3", "commit unknown",
        "JDK 17.0.9+9 (Eclipse Adoptium, OpenJDK 64-Bit Server VM)", "OS linux amd64");
    assertThat(VersionProvider.lines(new Properties(), "17", "v", "vm", "os", "a")[0])
        .isEqualTo("aiperf-java unknown");
  }

  @Test
  void uncommittedChangesAreNamed() {
    Properties dirty = new Properties();
    dirty.setProperty("version", "1.2.3");
    dirty.setProperty("commit", "0123456789abcdef0123456789abcdef01234567");
    dirty.setProperty("dirty", "true");

    assertThat(VersionProvider.lines(dirty, "17", "v", "vm", "os", "a")[1])
        .isEqualTo("commit 0123456789abcdef0123456789abcdef01234567 (with uncommitted changes)");
  }
}
