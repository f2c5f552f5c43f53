package io.aiperf.cli.dashboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.EnumSet;
import org.jline.terminal.Attributes;
import org.jline.terminal.Attributes.ControlChar;
import org.jline.terminal.Attributes.InputFlag;
import org.jline.terminal.Attributes.LocalFlag;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.terminal.spi.SystemStream;
import org.jline.terminal.spi.TerminalProvider;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import org.jline.utils.InfoCmp.Capability;
import org.jline.utils.NonBlockingReader;
import org.jline.utils.ShutdownHooks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The terminal while the dashboard is up: raw mode (no echo, no line editing; Ctrl-C still
 * signals), the alternate screen, the cursor hidden, and JLine's {@link Display}, which repaints
 * only what changed. Closing undoes each of these, whatever failed before.
 */
final class Screen implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Screen.class);

  /** Why the screen could not be opened, in words for the user. */
  static final class UnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    UnavailableException(String message) {
      super(message);
    }
  }

  private final Terminal terminal;
  private final Attributes saved;
  private final Display display;
  private int columns;
  private int rows;
  private volatile boolean closed;
  private final Thread keys;

  private Screen(Terminal terminal, Size size) {
    this.terminal = terminal;
    this.saved = terminal.getAttributes();
    terminal.setAttributes(raw(saved));
    terminal.puts(Capability.enter_ca_mode);
    terminal.puts(Capability.cursor_invisible);
    terminal.flush();
    this.display = new Display(terminal, true);
    this.columns = size.getColumns();
    this.rows = size.getRows();
    display.resize(rows, columns);
    display.clear();
    // Keys typed meanwhile are read and dropped: they would otherwise reach the shell after
    // the run. Ctrl-C does not come through here: the terminal turns it into SIGINT.
    this.keys = new Thread(this::drainKeys, "aiperf-dashboard-keys");
    keys.setDaemon(true);
    keys.start();
  }

  /**
   * Raw mode as JLine's, except that the terminal still turns Ctrl-C into SIGINT (JLine's
   * raw mode would deliver it as a key): the CLI's interrupt handler keeps working as without
   * the dashboard.
   */
  private static Attributes raw(Attributes saved) {
    Attributes raw = new Attributes(saved);
    raw.setLocalFlags(EnumSet.of(LocalFlag.ICANON, LocalFlag.ECHO, LocalFlag.IEXTEN), false);
    raw.setLocalFlag(LocalFlag.ISIG, true);
    raw.setInputFlags(EnumSet.of(InputFlag.IXON, InputFlag.ICRNL, InputFlag.INLCR), false);
    raw.setControlChar(ControlChar.VMIN, 0);
    raw.setControlChar(ControlChar.VTIME, 1);
    return raw;
  }

  /**
   * Whether standard output is a terminal, as AIPerf decides its default display.
   *
   * @return true for a terminal; false for a pipe, a file, or when it cannot be told
   */
  static boolean stdoutIsTerminal() {
    return isTerminal(SystemStream.Output);
  }

  private static boolean isTerminal(SystemStream stream) {
    try {
      return TerminalProvider.load("jni").isSystemStream(stream);
    } catch (IOException | RuntimeException | LinkageError e) {
      log.debug("Cannot ask the terminal through JNI ({}); asking the JDK", e.toString());
      return System.console() != null; // true only when both stdin and stdout are terminals
    }
  }

  /**
   * Takes the terminal on standard output.
   *
   * @param minColumns the narrowest screen the caller can draw on
   * @param minRows the shortest one
   * @return the screen, on the alternate screen already
   * @throws UnavailableException when there is no terminal, it cannot address the cursor, or
   *     it is smaller than asked
   */
  static Screen open(int minColumns, int minRows) throws UnavailableException {
    if (!isTerminal(SystemStream.Input)) {
      // JLine sets the terminal's modes through standard input.
      throw new UnavailableException("standard input is not the terminal (redirected?), and the"
          + " dashboard needs it to set the terminal's modes");
    }
    // The dashboard's own shutdown hook gives the terminal back (normal screen, cursor, modes).
    // JLine's would run beside it and close the terminal first, leaving the alternate screen up
    // after SIGTERM; this process has no other JLine terminal. A user's -D setting wins.
    if (System.getProperty(ShutdownHooks.PROP_DISABLE_SHUTDOWN_HOOK) == null) {
      System.setProperty(ShutdownHooks.PROP_DISABLE_SHUTDOWN_HOOK, "true");
    }
    Terminal terminal;
    try {
      // nativeSignals(false): JLine leaves the JVM's SIGINT handler (the CLI's) alone.
      terminal = TerminalBuilder.builder().system(true)
          .systemOutput(TerminalBuilder.SystemOutput.SysOut).providers("jni,exec")
          .dumb(false).nativeSignals(false).build();
    } catch (IOException | RuntimeException | LinkageError e) {
      throw new UnavailableException("no terminal to draw on (" + e.getMessage() + ")");
    }
    try {
      Size size = terminal.getSize();
      if (size.getColumns() < minColumns || size.getRows() < minRows) {
        throw new UnavailableException(String.format(Locale.ROOT, "the terminal is %dx%d and"
            + " the dashboard needs at least %dx%d", size.getColumns(), size.getRows(),
            minColumns, minRows));
      }
      if (terminal.getStringCapability(Capability.cursor_address) == null
          || terminal.getStringCapability(Capability.enter_ca_mode) == null) {
        throw new UnavailableException("the terminal type '" + terminal.getType()
            + "' has no cursor addressing or alternate screen");
      }
      return new Screen(terminal, size);
    } catch (UnavailableException e) {
      closeQuietly(terminal);
      throw e;
    } catch (RuntimeException e) {
      closeQuietly(terminal);
      throw new UnavailableException("the terminal could not be set up (" + e + ")");
    }
  }

  private static void closeQuietly(Terminal terminal) {
    try {
      terminal.close();
    } catch (IOException | RuntimeException e) {
      log.debug("Closing the terminal: {}", e.toString());
    }
  }

  /** Whether box-drawing characters will show (the terminal takes UTF-8). */
  boolean unicode() {
    return StandardCharsets.UTF_8.equals(terminal.encoding());
  }

  /** The current size (it changes when the window is resized). */
  Size size() {
    return terminal.getSize();
  }

  /**
   * Shows these lines, repainting what changed since the last call (everything after a resize).
   *
   * @param lines one per row, none wider than the screen
   * @param size the size they were laid out for
   */
  synchronized void draw(List<AttributedString> lines, Size size) {
    if (closed) {
      return;
    }
    if (size.getColumns() != columns || size.getRows() != rows) {
      columns = size.getColumns();
      rows = size.getRows();
      display.resize(rows, columns);
      display.clear();
    }
    display.update(lines, 0);
    terminal.flush();
  }

  private void drainKeys() {
    try {
      NonBlockingReader reader = terminal.reader();
      while (!closed) {
        if (reader.read(200) == NonBlockingReader.EOF) {
          return;
        }
      }
    } catch (IOException | RuntimeException e) {
      log.debug("Reading keys stopped: {}", e.toString());
    }
  }

  /** Leaves the alternate screen, shows the cursor, restores the terminal's modes. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      terminal.puts(Capability.cursor_normal); // terminfo cnorm; cursor_visible is cvvis
      terminal.puts(Capability.exit_ca_mode);
      terminal.flush();
    } catch (RuntimeException e) {
      log.debug("Leaving the alternate screen: {}", e.toString());
    }
    try {
      terminal.setAttributes(saved);
    } catch (RuntimeException e) {
      log.debug("Restoring the terminal modes: {}", e.toString());
    }
    closeQuietly(terminal);
  }
}
