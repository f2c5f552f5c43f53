package io.aiperf.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Parameters;

/** The finished runs {@code aiperf plot} and {@code aiperf report} read: their directories. */
final class RunDirectories {
  @Parameters(arity = "1..*", paramLabel = "DIR", description = "Run directories (each holds a"
      + " run's profile_export_aiperf.json and profile_export.jsonl).")
  @SuppressWarnings("NullAway.Init") // required: picocli sets it before call()
  List<Path> runs;
}
