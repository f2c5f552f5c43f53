package io.aiperf.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code aiperf kube}: the Kubernetes manifests of a distributed run. {@code generate} writes
 * them for a run given as {@code aiperf profile} flags; {@code validate} checks manifests (made
 * by it or by hand, e.g. {@code deploy/k8s/}) before {@code kubectl apply}.
 */
@Command(name = "kube", mixinStandardHelpOptions = true,
    description = "Kubernetes manifests of a run whose workers are pods of their own.",
    subcommands = {KubeCommand.Generate.class, KubeCommand.Validate.class})
final class KubeCommand implements Runnable {
  @Spec
  @SuppressWarnings("NullAway.Init") // picocli injects the spec before run()
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code aiperf kube generate}. */
  @Command(name = "generate", mixinStandardHelpOptions = true,
      description = {"Write the manifests of one run: the controller's Service and volume, the"
          + " controller Job and the workers' Job (with /healthz and /readyz probes).",
          "Every option that is not one of these is an 'aiperf profile' flag of the run, e.g.:",
          "  aiperf kube generate --workers 4 --url http://vllm:8000 -m llama --streaming"
              + " --concurrency 256 --request-count 10000 > run.yaml"})
  static final class Generate implements Callable<Integer> {
    /** Set here, from the options above: a flag of the run may not set them too. */
    private static final Set<String> OWN = Set.of("--workers-remote", "--zmq-host",
        "--zmq-port", "--artifact-dir", "--ui", "--message-bus");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

    @Spec
    @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
    CommandSpec spec;

    @Option(names = "--workers", required = true,
        description = "Worker pods (the controller's --workers-remote).")
    int workers;

    @Option(names = "--name", defaultValue = "aiperf",
        description = "Prefix of the objects' names (default ${DEFAULT-VALUE}): NAME-controller,"
            + " NAME-workers, NAME-artifacts.")
    @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
    String name;

    @Option(names = "--namespace", description = "The objects' namespace (default: none; pick"
        + " one with kubectl -n).")
    @Nullable String namespace;

    @Option(names = "--image", defaultValue = "aiperf-java:0.1.0",
        description = "The aiperf-java image (default ${DEFAULT-VALUE}, as deploy/Dockerfile"
            + " builds it).")
    @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
    String image;

    @Option(names = "--port", defaultValue = "5557",
        description = "The controller's ZeroMQ hub port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--output", description = "A directory to write common.yaml,"
        + " controller-job.yaml and worker-job.yaml to; default: all to standard output.")
    @Nullable Path output;

    @CommandLine.Unmatched
    List<String> profileArgs = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      List<String> problems = new ArrayList<>();
      if (workers < 1) {
        problems.add("--workers was '" + workers + "' but it must be at least 1");
      }
      if (port < 1 || port > 65_535) {
        problems.add("--port was '" + port + "' but it must be a port from 1 to 65535");
      }
      if (name.length() > 50 || !NAME.matcher(name).matches()) {
        problems.add("--name was '" + name + "' but it must be a Kubernetes name: lower-case"
            + " letters, digits and '-', at most 50 characters");
      }
      if (namespace != null && !NAME.matcher(namespace).matches()) {
        problems.add("--namespace was '" + namespace + "' but it must be a Kubernetes name");
      }
      for (String a : profileArgs) {
        String flag = a.contains("=") ? a.substring(0, a.indexOf('=')) : a;
        if (OWN.contains(flag)) {
          problems.add(flag + " is set by 'aiperf kube generate' (--workers, --port; exports"
              + " go to the NAME-artifacts volume): leave it out");
        }
      }
      // The run's flags must be ones 'aiperf profile' takes.
      List<String> profile = new ArrayList<>(List.of("profile"));
      profile.addAll(profileArgs);
      StringWriter sink = new StringWriter();
      CommandLine cli = AiperfCommand.configure(new CommandLine(new AiperfCommand()),
          new PrintWriter(sink), new PrintWriter(sink));
      try {
        CommandLine.ParseResult parsed = cli.parseArgs(profile.toArray(String[]::new))
            .subcommand();
        if (parsed != null && KubeValidator.urls(parsed).contains("mock")) {
          problems.add("--url mock serves on the controller's loopback, which worker pods"
              + " cannot reach: deploy a mock server (deploy/k8s/extras/mock-server.yaml) and"
              + " give its URL");
        }
        if (parsed != null && !parsed.hasMatchedOption("--url")) {
          problems.add("--url is missing: the server the workers send to, as they reach it");
        }
      } catch (CommandLine.ParameterException e) {
        problems.add("the run's flags are not valid 'aiperf profile' flags: " + e.getMessage());
      }
      if (!problems.isEmpty()) {
        problems.forEach(p -> err.println("Error: " + p));
        return AiperfCommand.EXIT_USAGE;
      }
      KubeManifests.Run run = new KubeManifests.Run(name, namespace == null ? "" : namespace,
          image, workers, port, profileArgs);
      Path out = output;
      if (out == null) {
        spec.commandLine().getOut().print(KubeManifests.all(run));
        spec.commandLine().getOut().flush();
      } else {
        Files.createDirectories(out);
        Files.writeString(out.resolve("common.yaml"), KubeManifests.common(run),
            StandardCharsets.UTF_8);
        Files.writeString(out.resolve("controller-job.yaml"), KubeManifests.controller(run),
            StandardCharsets.UTF_8);
        Files.writeString(out.resolve("worker-job.yaml"), KubeManifests.workers(run),
            StandardCharsets.UTF_8);
        err.println("Wrote " + out.resolve("common.yaml") + ", controller-job.yaml and"
            + " worker-job.yaml; check them with 'aiperf kube validate " + out + "', apply with"
            + " 'kubectl apply -f " + out + "'");
      }
      return 0;
    }
  }

  /** {@code aiperf kube validate}. */
  @Command(name = "validate", mixinStandardHelpOptions = true,
      description = "Check a run's manifests before applying them: the arguments are aiperf's,"
          + " the controller binds 0.0.0.0 at a declared port and waits for as many workers as"
          + " run, the workers join a Service that reaches it, one image, probes on the health"
          + " port. Exit 0 when all hold, 1 with one line per problem.")
  static final class Validate implements Callable<Integer> {
    @Spec
    @SuppressWarnings("NullAway.Init") // picocli injects the spec before call()
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "PATH",
        description = "YAML files, or directories of them (their .yaml/.yml files), read as one"
            + " run's manifests.")
    List<Path> paths = new ArrayList<>();

    @Override
    public Integer call() throws Exception {
      PrintWriter err = spec.commandLine().getErr();
      for (Path p : paths) {
        if (!Files.exists(p)) {
          err.println("Error: " + p + " does not exist");
          return AiperfCommand.EXIT_USAGE;
        }
      }
      KubeValidator validator = new KubeValidator();
      validator.read(paths);
      List<String> problems = validator.check();
      if (problems.isEmpty()) {
        spec.commandLine().getOut().println("OK: " + paths + " describe one run: its"
            + " controller and workers agree.");
        return 0;
      }
      problems.forEach(p -> err.println("Problem: " + p));
      return AiperfCommand.EXIT_FAILED;
    }
  }
}
