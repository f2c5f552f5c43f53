package io.aiperf.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * Checks the manifests of a distributed run before they are applied: what {@code kubectl}
 * cannot know. Every aiperf container's arguments parse as the CLI's; the controller is a Job
 * that binds its hub on all interfaces at a port it declares, and waits for as many workers as
 * the workers' Job runs; the workers join the controller's Service, which selects the
 * controller's pod (and not theirs) and reaches its hub port; both run one image; health probes
 * point at the worker's health port. Each problem is one line naming the object.
 */
final class KubeValidator {
  private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern CONTROLLER = Pattern.compile("tcp://([^:/]+):(\\d+)");
  private static final Set<String> WORKLOADS = Set.of("Job", "Deployment", "StatefulSet", "Pod");

  /** One document of a manifest file. */
  record Doc(String where, Map<String, Object> node) {
    String kind() {
      return str(node.get("kind"));
    }

    String name() {
      return str(map(node.get("metadata")).get("name"));
    }

    Map<String, Object> pod() {
      return kind().equals("Pod") ? node : map(map(node.get("spec")).get("template"));
    }

    Map<String, Object> podSpec() {
      return map(pod().get("spec"));
    }

    Map<String, Object> podLabels() {
      return map(map(pod().get("metadata")).get("labels"));
    }

    @Override
    public String toString() {
      return kind() + " " + name() + " (" + where + ")";
    }
  }

  private final List<Doc> docs = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();

  /**
   * Reads YAML files, or the {@code .yaml} and {@code .yml} files directly in a directory.
   *
   * @param paths the files and directories
   * @throws IOException if one cannot be read
   */
  void read(List<Path> paths) throws IOException {
    for (Path p : paths) {
      if (Files.isDirectory(p)) {
        try (var files = Files.list(p)) {
          for (Path f : files.filter(f -> f.toString().endsWith(".yaml")
              || f.toString().endsWith(".yml")).sorted().toList()) {
            read(f, Files.readString(f, StandardCharsets.UTF_8));
          }
        }
      } else {
        read(p, Files.readString(p, StandardCharsets.UTF_8));
      }
    }
  }

  void read(Path file, String text) {
    int i = 0;
    try {
      for (Object o : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(text)) {
        i++;
        if (o == null) {
          continue;
        }
        if (!(o instanceof Map<?, ?>)) {
          problems.add(file + " document " + i + " is not a Kubernetes object (a mapping)");
          continue;
        }
        docs.add(new Doc(file.getFileName() + "#" + i, map(o)));
      }
    } catch (RuntimeException e) {
      problems.add(file + " is not valid YAML: " + e.getMessage());
    }
  }

  /**
   * Checks what was read.
   *
   * @return the problems, empty when there is none
   */
  List<String> check() {
    if (docs.isEmpty()) {
      problems.add("No Kubernetes objects found");
      return problems;
    }
    List<Doc> controllers = new ArrayList<>();
    List<Doc> workers = new ArrayList<>();
    for (Doc d : docs) {
      if (str(d.node().get("apiVersion")).isEmpty() || d.kind().isEmpty()) {
        problems.add(d.where() + " has no apiVersion or kind");
        continue;
      }
      if (!DNS_1123.matcher(d.name()).matches()) {
        problems.add(d + ": metadata.name '" + d.name() + "' is not a valid Kubernetes name");
      }
      if (!WORKLOADS.contains(d.kind())) {
        continue;
      }
      for (Map<String, Object> c : containers(d)) {
        if (c.containsKey("command")) {
          continue; // not the aiperf CLI (the image's entrypoint is; its args are aiperf's)
        }
        List<String> args = strings(c.get("args"));
        ParseResult parsed = parse(d, args);
        if (parsed == null || parsed.subcommand() == null) {
          continue;
        }
        ParseResult sub = Objects.requireNonNull(parsed.subcommand());
        String command = sub.commandSpec().name();
        if (command.equals("profile") && sub.hasMatchedOption("--workers-remote")) {
          controllers.add(d);
        } else if (command.equals("service")
            && sub.matchedOptionValue("--type", "worker").equals("worker")) {
          workers.add(d);
        }
        checkEnv(d, c, args);
      }
    }
    if (controllers.size() != 1) {
      problems.add("Expected one controller ('aiperf profile ... --workers-remote N') but found "
          + controllers.size() + (controllers.isEmpty() ? "" : ": " + controllers));
    }
    if (workers.size() != 1) {
      problems.add("Expected one workload of workers ('aiperf service --type worker') but"
          + " found " + workers.size() + (workers.isEmpty() ? "" : ": " + workers));
    }
    if (controllers.size() == 1 && workers.size() == 1) {
      pair(controllers.get(0), workers.get(0));
    }
    return problems;
  }

  private void pair(Doc controller, Doc worker) {
    Map<String, Object> cc = cli(controller);
    Map<String, Object> wc = cli(worker);
    ParseResult profile = Objects.requireNonNull(parse(controller, strings(cc.get("args"))))
        .subcommand();
    ParseResult service = Objects.requireNonNull(parse(worker, strings(wc.get("args"))))
        .subcommand();
    if (profile == null || service == null) {
      return;
    }
    if (!controller.kind().equals("Job")) {
      problems.add(controller + ": the controller runs once: make it a Job, not a "
          + controller.kind());
    } else if (!str(controller.podSpec().get("restartPolicy")).equals("Never")) {
      problems.add(controller + ": restartPolicy must be Never (a restarted controller starts"
          + " the benchmark again)");
    }
    if (urls(profile).contains("mock")) {
      problems.add(controller + ": --url mock serves on the controller's loopback, which the"
          + " workers cannot reach: run a mock server as its own pod");
    }
    String zmqHost = profile.matchedOptionValue("--zmq-host", "127.0.0.1");
    if (!zmqHost.equals("0.0.0.0")) {
      problems.add(controller + ": --zmq-host was '" + zmqHost + "' but it must be 0.0.0.0:"
          + " any other address refuses the worker pods");
    }
    Integer zmqPort = profile.matchedOptionValue("--zmq-port", null);
    if (zmqPort == null) {
      problems.add(controller + ": --zmq-port is missing: the Service needs a fixed port");
    }
    int remote = profile.matchedOptionValue("--workers-remote", 0);
    int count = workerCount(worker);
    if (count != remote) {
      problems.add(worker + " runs " + count + " workers but " + controller + " waits for"
          + " --workers-remote " + remote);
    }
    if (!str(cc.get("image")).equals(str(wc.get("image")))) {
      problems.add(worker + " runs image '" + str(wc.get("image")) + "' but " + controller
          + " runs '" + str(cc.get("image")) + "': one run, one version");
    }
    Map<String, Object> zmqContainerPort = null;
    for (Map<String, Object> p : maps(cc.get("ports"))) {
      if (zmqPort != null && num(p.get("containerPort")) == zmqPort) {
        zmqContainerPort = p;
      }
    }
    if (zmqPort != null && zmqContainerPort == null) {
      problems.add(controller + " does not declare its --zmq-port " + zmqPort
          + " as a container port");
    }
    String address = service.matchedOptionValue("--controller", "");
    Matcher m = CONTROLLER.matcher(address);
    if (!m.matches()) {
      problems.add(worker + ": --controller was '" + address + "' but it must be"
          + " tcp://SERVICE:PORT");
    } else {
      checkService(controller, worker, m.group(1), Integer.parseInt(m.group(2)), zmqPort,
          zmqContainerPort);
    }
    boolean curve = profile.hasMatchedOption("--curve-key-file");
    if (service.hasMatchedOption("--curve-key-file") != curve
        || service.hasMatchedOption("--curve-server-key-file") != curve) {
      problems.add(worker + " must use CURVE (--curve-key-file and --curve-server-key-file)"
          + " exactly when " + controller + " does (--curve-key-file)");
    }
    checkProbes(worker, wc, service);
  }

  private void checkService(Doc controller, Doc worker, String name, int port,
      @Nullable Integer zmqPort, @Nullable Map<String, Object> zmqContainerPort) {
    Doc svc = docs.stream().filter(d -> d.kind().equals("Service") && d.name().equals(name))
        .findFirst().orElse(null);
    if (svc == null) {
      problems.add(worker + " joins tcp://" + name + ":" + port + " but there is no Service '"
          + name + "'");
      return;
    }
    Map<String, Object> spec = map(svc.node().get("spec"));
    Map<String, Object> selector = map(spec.get("selector"));
    if (selector.isEmpty() || !selects(selector, controller.podLabels())) {
      problems.add(svc + ": its selector " + selector + " does not select the controller's pod "
          + controller.podLabels());
    } else if (selects(selector, worker.podLabels())) {
      problems.add(svc + ": its selector " + selector + " also selects the workers' pods");
    }
    Map<String, Object> svcPort = null;
    for (Map<String, Object> p : maps(spec.get("ports"))) {
      if (num(p.get("port")) == port) {
        svcPort = p;
      }
    }
    if (svcPort == null) {
      problems.add(svc + " has no port " + port + ", which " + worker + " joins");
      return;
    }
    Object target = svcPort.getOrDefault("targetPort", svcPort.get("port"));
    int targetPort = target instanceof Number n ? n.intValue()
        : zmqContainerPort != null && str(zmqContainerPort.get("name")).equals(str(target))
            ? num(zmqContainerPort.get("containerPort")) : -1;
    if (zmqPort != null && targetPort != zmqPort) {
      problems.add(svc + ": port " + port + " targets '" + target + "', not the controller's"
          + " --zmq-port " + zmqPort);
    }
  }

  private void checkProbes(Doc worker, Map<String, Object> c, ParseResult service) {
    Integer health = service.matchedOptionValue("--health-port", null);
    for (String probe : List.of("livenessProbe", "readinessProbe")) {
      Map<String, Object> get = map(map(c.get(probe)).get("httpGet"));
      if (get.isEmpty()) {
        continue;
      }
      String path = probe.equals("livenessProbe") ? "/healthz" : "/readyz";
      if (!str(get.get("path")).equals(path)) {
        problems.add(worker + ": " + probe + " asks " + str(get.get("path")) + "; the worker"
            + " serves " + path);
      }
      if (health == null) {
        problems.add(worker + ": " + probe + " needs the worker's --health-port");
        continue;
      }
      Object port = get.get("port");
      int resolved = port instanceof Number n ? n.intValue() : -1;
      for (Map<String, Object> p : maps(c.get("ports"))) {
        if (str(p.get("name")).equals(str(port))) {
          resolved = num(p.get("containerPort"));
        }
      }
      if (resolved != health) {
        problems.add(worker + ": " + probe + " port '" + port + "' is not --health-port "
            + health);
      }
      if (!service.matchedOptionValue("--health-host", "127.0.0.1").equals("0.0.0.0")) {
        problems.add(worker + ": " + probe + " comes from the kubelet: --health-host must be"
            + " 0.0.0.0");
      }
    }
  }

  /** $(VAR) in args must be defined in the container's env, or Kubernetes passes it as is. */
  private void checkEnv(Doc d, Map<String, Object> c, List<String> args) {
    Set<String> defined = new HashSet<>();
    for (Map<String, Object> e : maps(c.get("env"))) {
      defined.add(str(e.get("name")));
    }
    Matcher var = Pattern.compile("(?<!\\$)\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)").matcher(
        String.join(" ", args));
    while (var.find()) {
      if (!defined.contains(var.group(1))) {
        problems.add(d + ": args use $(" + var.group(1) + ") but the container's env does not"
            + " define it");
      }
    }
  }

  private @Nullable ParseResult parse(Doc d, List<String> args) {
    StringWriter sink = new StringWriter();
    CommandLine cli = AiperfCommand.configure(new CommandLine(new AiperfCommand()),
        new PrintWriter(sink), new PrintWriter(sink));
    try {
      return cli.parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      problems.add(d + ": its args are not a valid aiperf command line: " + e.getMessage());
      return null;
    }
  }

  /** The values of --url (one option that may be given several times). */
  static List<String> urls(ParseResult profile) {
    CommandLine.Model.OptionSpec url = profile.matchedOption("--url");
    Object value = url == null ? null : url.getValue();
    return value instanceof List<?> l ? l.stream().map(KubeValidator::str).toList()
        : value == null ? List.of() : List.of(str(value));
  }

  private static int workerCount(Doc d) {
    Map<String, Object> spec = map(d.node().get("spec"));
    return switch (d.kind()) {
      case "Job" -> Math.min(num(spec.getOrDefault("parallelism", 1)),
          num(spec.getOrDefault("completions", 1)));
      case "Deployment", "StatefulSet" -> num(spec.getOrDefault("replicas", 1));
      default -> 1;
    };
  }

  private static Map<String, Object> cli(Doc d) {
    return containers(d).stream().filter(c -> !c.containsKey("command")).findFirst()
        .orElse(Map.of());
  }

  private static List<Map<String, Object>> containers(Doc d) {
    return maps(d.podSpec().get("containers"));
  }

  private static boolean selects(Map<String, Object> selector, Map<String, Object> labels) {
    return selector.entrySet().stream().allMatch(e -> str(e.getValue())
        .equals(str(labels.get(e.getKey()))));
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(@Nullable Object o) {
    return o instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<Map<String, Object>> maps(@Nullable Object o) {
    List<Map<String, Object>> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      l.forEach(e -> out.add(map(e)));
    }
    return out;
  }

  private static List<String> strings(@Nullable Object o) {
    List<String> out = new ArrayList<>();
    if (o instanceof List<?> l) {
      l.forEach(e -> out.add(str(e)));
    }
    return out;
  }

  static String str(@Nullable Object o) {
    return o == null ? "" : o.toString();
  }

  private static int num(@Nullable Object o) {
    if (o instanceof Number n) {
      return n.intValue();
    }
    try {
      return Integer.parseInt(str(o));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
