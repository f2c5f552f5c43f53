package io.aiperf.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A tmux server of a test's own (its own socket, no user configuration) with one window of a
 * given size running a plain shell: a real terminal to run the CLI in, type into and read back.
 * Every call is bounded in time; {@link #close()} kills the server.
 */
final class Tmux implements AutoCloseable {
  /** The shell's prompt, to tell when a command has returned to it. */
  static final String PROMPT = "READY$ ";
  private static final String SESSION = "it";
  private final String socket;

  private Tmux(String socket) {
    this.socket = socket;
  }

  /** Whether tmux can be run here. */
  static boolean available() {
    try {
      Process p = new ProcessBuilder("tmux", "-V").redirectErrorStream(true).start();
      return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Starts a server and a window of this size in this directory.
   *
   * @param columns window width
   * @param rows window height
   * @param dir the shell's working directory
   * @return the server
   */
  static Tmux start(int columns, int rows, Path dir) throws Exception {
    Tmux t = new Tmux("aiperf-it-" + ProcessHandle.current().pid() + "-" + System.identityHashCode(
        dir));
    t.run("-f", "/dev/null", "new-session", "-d", "-s", SESSION, "-x", String.valueOf(columns),
        "-y", String.valueOf(rows), "-c", dir.toString(), "-e", "LANG=C.UTF-8",
        "env PS1='" + PROMPT + "' bash --norc --noprofile");
    return t;
  }

  /** Types a line and presses Enter. */
  void typeLine(String line) throws Exception {
    run("send-keys", "-t", SESSION, "-l", line);
    run("send-keys", "-t", SESSION, "Enter");
  }

  /** Presses a key by tmux's name for it, e.g. {@code C-c}. */
  void press(String key) throws Exception {
    run("send-keys", "-t", SESSION, key);
  }

  /** The screen as text, wrapped lines joined, trailing blanks trimmed. */
  String capture() throws Exception {
    return run("capture-pane", "-p", "-J", "-t", SESSION);
  }

  /** The screen and the lines scrolled off it, wrapped lines joined. */
  String captureWithHistory() throws Exception {
    return run("capture-pane", "-p", "-J", "-S", "-", "-t", SESSION);
  }

  /** The screen with its colours, as escape sequences (for a picture of it). */
  String captureWithColours() throws Exception {
    return run("capture-pane", "-p", "-e", "-t", SESSION);
  }

  /** Whether the program in the window is on the alternate screen. */
  boolean alternateScreen() throws Exception {
    return run("display", "-p", "-t", SESSION, "#{alternate_on}").trim().equals("1");
  }

  /** Whether the cursor is shown. */
  boolean cursorShown() throws Exception {
    return run("display", "-p", "-t", SESSION, "#{cursor_flag}").trim().equals("1");
  }

  private String run(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("tmux", "-L", socket));
    command.addAll(List.of(args));
    // Through a file: a pipe left unread could block tmux, and a read could outlast the bound.
    Path output = java.nio.file.Files.createTempFile("tmux", ".out");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
          .redirectOutput(output.toFile());
      pb.environment().remove("TMUX"); // a test run from inside tmux still gets its own server
      Process p = pb.start();
      if (!p.waitFor(20, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException("tmux did not answer within 20 s: " + command);
      }
      String out = java.nio.file.Files.readString(output, StandardCharsets.UTF_8);
      if (p.exitValue() != 0) {
        throw new IllegalStateException("tmux failed (" + p.exitValue() + "): " + command + ": "
            + out);
      }
      return out;
    } finally {
      java.nio.file.Files.deleteIfExists(output);
    }
  }

  /** Kills the server and everything running in it. */
  @Override
  public void close() {
    try {
      run("kill-server");
    } catch (Exception e) {
      // Already gone.
    }
  }
}
