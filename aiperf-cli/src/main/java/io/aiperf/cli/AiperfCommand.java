package io.aiperf.cli;

import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code aiperf}: benchmark LLM inference servers from the command line, with AIPerf's flags.
 *
 * <p>Exit codes: 0 success, 1 the run failed (server unreachable, no request succeeded, a service
 * failed), 2 bad usage (unknown flag, invalid value, conflicting options), 3 an SLO was broken,
 * 130 the run was interrupted (Ctrl-C; its exports are still written, marked cancelled),
 * 143 the process was stopped by SIGTERM (it stops sending and writes its exports first, for up
 * to 60 s; they are marked cancelled).
 */
@Command(
    name = "aiperf",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Benchmark LLM inference servers: TTFT, ITL, latency, throughput, errors.",
    subcommands = {ProfileCommand.class, MockServerCommand.class, MergeCommand.class,
        PlotCommand.class, ReportCommand.class, PluginsCommand.class, CalibrateCommand.class,
        ServiceCommand.class, KubeCommand.class, ConfigCommand.class,
        CompletionCommand.Print.class,
        CompletionCommand.Install.class, CommandLine.HelpCommand.class})
public final class AiperfCommand implements Runnable {
  /** Exit code of a run that failed. */
  public static final int EXIT_FAILED = 1;
  /** Exit code of bad usage. */
  public static final int EXIT_USAGE = 2;
  /** Exit code of a run that completed but broke an SLO ({@code --slo}). */
  public static final int EXIT_SLO = 3;

  @CommandLine.Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before run()
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /**
   * Runs the CLI and exits the JVM with its exit code.
   *
   * @param args the arguments
   */
  public static void main(String[] args) {
    // The console's charset, stated rather than implied.
    Charset console = Charset.defaultCharset();
    System.exit(execute(args, new PrintWriter(new OutputStreamWriter(System.out, console), true),
        new PrintWriter(new OutputStreamWriter(System.err, console), true)));
  }

  /**
   * Runs the CLI without exiting, for tests and embedding.
   *
   * @param args the arguments
   * @param out standard output
   * @param err standard error
   * @return the exit code
   */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    return configure(new CommandLine(new AiperfCommand()), out, err).execute(args);
  }

  /** Output, error handlers and parsing rules shared by every command line aiperf parses. */
  static CommandLine configure(CommandLine cli, PrintWriter out, PrintWriter err) {
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setParameterExceptionHandler((ex, a) -> {
      CommandLine c = ex.getCommandLine();
      // An option's setter that rejects its value says why, naming the flag; picocli's wrapper
      // ("Could not invoke void ...concurrency(String) with ...") would only hide that.
      Throwable cause = ex.getCause();
      String message = ex.getMessage();
      if (message != null && message.startsWith("Could not invoke ")
          && cause instanceof IllegalArgumentException && cause.getMessage() != null) {
        message = cause.getMessage();
      }
      c.getErr().println("Error: " + message);
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, c.getErr());
      c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for the options.");
      return EXIT_USAGE;
    });
    cli.setExecutionExceptionHandler((ex, c, parsed) -> {
      c.getErr().println("Error: " + (ex.getMessage() == null ? ex.toString() : ex.getMessage()));
      return EXIT_FAILED;
    });
    return cli;
  }
}
