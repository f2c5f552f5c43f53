package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

/**
 * The Kubernetes manifests in {@code deploy/k8s/} are well-formed and agree with the Dockerfile
 * and the CLI: one image tag, arguments the real {@code aiperf} command line accepts, workers
 * pointed at the controller's Service and port, as many workers as the controller waits for, and
 * every mounted volume, Secret item and ConfigMap key present.
 */
final class DeployManifestsTest {
  /** The tag the Dockerfile's build command and deploy/k8s/README.md give the image. */
  static final String IMAGE = "aiperf-java:0.1.0";

  private static final Pattern VAR = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_.-]*)\\)");
  private static final Pattern DNS_1123 = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Set<String> POD_KINDS = Set.of("Job", "Deployment", "StatefulSet", "Pod");

  /** A YAML document and the file it came from. */
  record Doc(Path file, int index, JsonNode node) {
    String kind() {
      return node.path("kind").asText();
    }

    String name() {
      return node.path("metadata").path("name").asText();
    }

    @Override
    public String toString() {
      return file.getFileName() + "#" + index + " (" + kind() + " " + name() + ")";
    }

    /** The pod spec of a workload. */
    JsonNode podSpec() {
      return kind().equals("Pod") ? node.path("spec") : node.path("spec").path("template")
          .path("spec");
    }

    /** The pod's labels. */
    JsonNode podLabels() {
      return kind().equals("Pod") ? node.path("metadata").path("labels")
          : node.path("spec").path("template").path("metadata").path("labels");
    }
  }

  private static Path root;
  private static List<Path> files;
  private static List<Doc> docs;

  @BeforeAll
  static void load() throws IOException {
    root = repositoryRoot();
    Path k8s = root.resolve("deploy").resolve("k8s");
    try (Stream<Path> walk = Files.walk(k8s)) {
      files = walk.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
          .sorted().toList();
    }
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    docs = new ArrayList<>();
    for (Path file : files) {
      int index = 0;
      try (MappingIterator<JsonNode> it = yaml.readerFor(JsonNode.class).readValues(file.toFile())) {
        while (it.hasNextValue()) {
          JsonNode node = it.nextValue();
          if (node != null && !node.isNull() && !node.isMissingNode()) {
            docs.add(new Doc(root.relativize(file), index, node));
          }
          index++;
        }
      }
    }
  }

  private static Path repositoryRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("META-INF-services-docs"))) {
      dir = dir.getParent();
    }
    assertThat(dir).as("a parent folder holding META-INF-services-docs").isNotNull();
    return dir;
  }

  @Test
  void everyDocument_isAWellFormedNamespaceAgnosticObject() {
    assertThat(files).as("YAML files in deploy/k8s").isNotEmpty();
    assertThat(docs.stream().map(Doc::kind)).as("kinds")
        .contains("Job", "Service", "ConfigMap", "PersistentVolumeClaim", "Secret");
    for (Doc d : docs) {
      assertThat(d.node().isObject()).as(d + " is a mapping").isTrue();
      assertThat(d.node().path("apiVersion").asText()).as(d + " apiVersion").isNotBlank();
      assertThat(d.kind()).as(d + " kind").isNotBlank();
      assertThat(d.name()).as(d + " metadata.name").matches(DNS_1123);
      assertThat(d.node().path("metadata").has("namespace"))
          .as(d + " names no namespace (kubectl apply -n chooses it)").isFalse();
    }
  }

  @Test
  void everyImage_isTheTagTheDockerfileBuilds() throws IOException {
    String dockerfile = Files.readString(root.resolve("deploy/Dockerfile"));
    assertThat(dockerfile)
        .contains("mvn -B package -DskipTests && docker build -f deploy/Dockerfile -t " + IMAGE + " .")
        .containsPattern("(?m)^FROM eclipse-temurin:17-jre\\s*$")
        .containsPattern("(?m)^USER 10001");
    Matcher copy = Pattern.compile("(?m)^COPY aiperf-cli/target/aiperf-cli-\\*-all\\.jar (\\S+)$")
        .matcher(dockerfile);
    assertThat(copy.find()).as("the Dockerfile copies the shaded CLI jar").isTrue();
    assertThat(dockerfile).as("the entrypoint runs the jar it copies")
        .contains("ENTRYPOINT [\"java\", \"-jar\", \"" + copy.group(1) + "\"]");
    assertThat(Files.readString(root.resolve("deploy/k8s/README.md"))).contains(IMAGE)
        .contains("docker build -f deploy/Dockerfile -t " + IMAGE);
    int containers = 0;
    for (Doc d : workloads()) {
      JsonNode spec = d.podSpec();
      assertThat(spec.path("securityContext").path("runAsNonRoot").asBoolean())
          .as(d + " runs as non-root").isTrue();
      assertThat(spec.path("securityContext").path("runAsUser").asInt())
          .as(d + " runs as the image's user").isEqualTo(10001);
      for (JsonNode c : containers(spec)) {
        assertThat(c.path("image").asText()).as(d + " container " + c.path("name")).isEqualTo(IMAGE);
        assertThat(c.path("imagePullPolicy").asText()).as(d + " pull policy (a loaded image)")
            .isEqualTo("IfNotPresent");
        containers++;
      }
    }
    assertThat(containers).isGreaterThanOrEqualTo(5);
  }

  @Test
  void everyCliContainer_hasArgumentsTheRealCliAccepts() {
    int parsed = 0;
    for (Doc d : workloads()) {
      for (JsonNode c : containers(d.podSpec())) {
        if (c.has("command")) {
          // Not the CLI (the artifacts reader's sleep): nothing to parse.
          assertThat(text(c.path("command"))).as(d + " command").doesNotContain("-jar");
          continue;
        }
        List<String> args = expandedArgs(d, c);
        assertThatCode(() -> parse(args)).as(d + " args " + args).doesNotThrowAnyException();
        parsed++;
      }
    }
    assertThat(parsed).as("CLI containers").isGreaterThanOrEqualTo(5);
  }

  @Test
  void workersJoinTheControllersServiceAndAreAsManyAsItWaitsFor() {
    Map<Path, List<Doc>> byFolder = new HashMap<>();
    for (Doc d : workloads()) {
      byFolder.computeIfAbsent(d.file().getParent(), k -> new ArrayList<>()).add(d);
    }
    int pairs = 0;
    for (Map.Entry<Path, List<Doc>> folder : byFolder.entrySet()) {
      List<Doc> controllers = new ArrayList<>();
      List<Doc> workers = new ArrayList<>();
      for (Doc d : folder.getValue()) {
        if (containers(d.podSpec()).stream().anyMatch(c -> c.has("command"))) {
          continue;
        }
        ParseResult sub = parse(expandedArgs(d, cli(d))).subcommand();
        String name = sub.commandSpec().name();
        if (name.equals("profile")) {
          controllers.add(d);
        } else if (name.equals("service")
            && sub.matchedOptionValue("--type", "worker").equals("worker")) {
          workers.add(d);
        }
      }
      if (controllers.isEmpty() && workers.isEmpty()) {
        continue;
      }
      assertThat(controllers).as("controllers in " + folder.getKey()).hasSize(1);
      assertThat(workers).as("workers in " + folder.getKey()).hasSize(1);
      Doc controller = controllers.get(0);
      Doc worker = workers.get(0);
      ParseResult profile = parse(expandedArgs(controller, cli(controller))).subcommand();
      ParseResult service = parse(expandedArgs(worker, cli(worker))).subcommand();

      assertThat(controller.kind()).as(controller + " runs once").isEqualTo("Job");
      assertThat(profile.<String>matchedOptionValue("--zmq-host", null))
          .as(controller + " --zmq-host: 127.0.0.1 would refuse every other pod")
          .isEqualTo("0.0.0.0");
      Integer zmqPort = profile.matchedOptionValue("--zmq-port", null);
      assertThat(zmqPort).as(controller + " --zmq-port: a fixed port for the Service").isNotNull();
      Integer remote = profile.matchedOptionValue("--workers-remote", null);
      assertThat(remote).as(controller + " --workers-remote").isNotNull().isPositive();
      assertThat(workerCount(worker)).as(worker + " workers vs the controller's --workers-remote")
          .isEqualTo(remote);

      JsonNode port = null;
      for (JsonNode p : cli(controller).path("ports")) {
        port = p.path("containerPort").asInt() == zmqPort ? p : port;
      }
      assertThat(port).as(controller + " declares its --zmq-port as a container port").isNotNull();

      assertThat(service.<String>matchedOptionValue("--type", null)).isEqualTo("worker");
      String address = service.matchedOptionValue("--controller", null);
      Matcher m = Pattern.compile("tcp://([^:/]+):(\\d+)").matcher(address);
      assertThat(m.matches()).as(worker + " --controller " + address).isTrue();
      Doc svc = only("Service", m.group(1));
      assertThat(selects(svc.node().path("spec").path("selector"), controller.podLabels()))
          .as(svc + " selects the controller's pod").isTrue();
      assertThat(selects(svc.node().path("spec").path("selector"), worker.podLabels()))
          .as(svc + " does not select the workers").isFalse();
      JsonNode svcPort = null;
      for (JsonNode p : svc.node().path("spec").path("ports")) {
        if (p.path("port").asInt() == Integer.parseInt(m.group(2))) {
          svcPort = p;
        }
      }
      assertThat(svcPort).as(svc + " has the port the workers connect to, " + m.group(2))
          .isNotNull();
      JsonNode target = svcPort.path("targetPort");
      int targetPort = target.isMissingNode() ? svcPort.path("port").asInt()
          : target.isInt() ? target.asInt()
          : port.path("name").asText().equals(target.asText()) ? port.path("containerPort").asInt()
          : -1;
      assertThat(targetPort).as(svc + " targetPort reaches the controller's --zmq-port")
          .isEqualTo(zmqPort);

      boolean curve = profile.hasMatchedOption("--curve-key-file");
      assertThat(service.hasMatchedOption("--curve-key-file"))
          .as(worker + " uses CURVE exactly when its controller does").isEqualTo(curve);
      assertThat(service.hasMatchedOption("--curve-server-key-file")).isEqualTo(curve);
      assertThat(profile.hasMatchedOption("--curve-authorized-keys")).isEqualTo(curve);
      pairs++;
    }
    assertThat(pairs).as("controller and worker pairs (plain and CURVE)").isEqualTo(2);
  }

  @Test
  void everyMountedVolumeSecretItemAndConfigMapKeyExists() {
    for (Doc d : workloads()) {
      JsonNode spec = d.podSpec();
      Map<String, JsonNode> volumes = new HashMap<>();
      for (JsonNode v : spec.path("volumes")) {
        assertThat(volumes.put(v.path("name").asText(), v)).as(d + " volume " + v.path("name")
            + " declared once").isNull();
      }
      for (JsonNode v : volumes.values()) {
        if (v.has("persistentVolumeClaim")) {
          only("PersistentVolumeClaim", v.path("persistentVolumeClaim").path("claimName").asText());
        }
        if (v.has("configMap")) {
          only("ConfigMap", v.path("configMap").path("name").asText());
        }
        if (v.has("secret")) {
          Doc secret = only("Secret", v.path("secret").path("secretName").asText());
          for (JsonNode item : v.path("secret").path("items")) {
            assertThat(secretKeys(secret)).as(d + " volume " + v.path("name") + " item")
                .contains(item.path("key").asText());
          }
        }
      }
      for (JsonNode c : containers(spec)) {
        Map<String, JsonNode> mounts = new HashMap<>();
        for (JsonNode m : c.path("volumeMounts")) {
          assertThat(volumes).as(d + " mount " + m.path("mountPath")).containsKey(
              m.path("name").asText());
          mounts.put(m.path("mountPath").asText(), volumes.get(m.path("name").asText()));
        }
        if (c.has("command")) {
          continue;
        }
        if (c.path("securityContext").path("readOnlyRootFilesystem").asBoolean()) {
          assertThat(mounts).as(d + " has a writable /tmp for the JVM").containsKey("/tmp");
        }
        checkFileArguments(d, expandedArgs(d, c), mounts);
      }
    }
  }

  /** Key files named in the arguments are items of a mounted Secret; exports go to a volume. */
  private static void checkFileArguments(Doc d, List<String> args, Map<String, JsonNode> mounts) {
    for (int i = 0; i + 1 < args.size(); i++) {
      String flag = args.get(i);
      String value = args.get(i + 1);
      if (flag.startsWith("--curve-")) {
        Path file = Path.of(value);
        JsonNode volume = mounts.get(value);
        if (volume != null) {
          // A folder (--curve-authorized-keys): a Secret volume of public certificates alone.
          assertThat(volume.has("secret")).as(d + " " + flag + " " + value).isTrue();
          for (JsonNode item : volume.path("secret").path("items")) {
            assertThat(item.path("path").asText()).as(d + " " + flag + " holds public keys only")
                .doesNotEndWith("_secret");
          }
          continue;
        }
        volume = mounts.get(file.getParent().toString());
        assertThat(volume).as(d + " " + flag + " " + value + " is in a mounted volume").isNotNull();
        assertThat(volume.has("secret")).as(d + " " + flag + " comes from a Secret").isTrue();
        List<String> paths = new ArrayList<>();
        volume.path("secret").path("items").forEach(it -> paths.add(it.path("path").asText()));
        assertThat(paths).as(d + " " + flag + " " + value).contains(file.getFileName().toString());
      }
      if (flag.equals("--artifact-dir")) {
        assertThat(mounts.entrySet().stream().anyMatch(e -> value.startsWith(e.getKey() + "/")
            && e.getValue().has("persistentVolumeClaim")))
            .as(d + " --artifact-dir " + value + " is on the artifacts volume").isTrue();
      }
    }
  }

  @Test
  void noRealCurveKeyIsCommitted() throws IOException {
    Pattern key = Pattern.compile("-key\\s*=\\s*\"[^\"]{40}\"");
    try (Stream<Path> walk = Files.walk(root.resolve("deploy"))) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        assertThat(key.matcher(Files.readString(f)).find()).as(f + " holds a 40-character key")
            .isFalse();
      }
    }
  }

  // ---------------------------------------------------------------------------------------------

  private static List<Doc> workloads() {
    List<Doc> w = docs.stream().filter(d -> POD_KINDS.contains(d.kind())).toList();
    assertThat(w).as("workloads").isNotEmpty();
    return w;
  }

  private static List<JsonNode> containers(JsonNode podSpec) {
    List<JsonNode> all = new ArrayList<>();
    podSpec.path("initContainers").forEach(all::add);
    podSpec.path("containers").forEach(all::add);
    assertThat(podSpec.path("containers").size()).as("containers").isPositive();
    return all;
  }

  /** The one container of a controller or worker pod. */
  private static JsonNode cli(Doc d) {
    List<JsonNode> c = containers(d.podSpec());
    assertThat(c).as(d + " containers").hasSize(1);
    return c.get(0);
  }

  private static Doc only(String kind, String name) {
    List<Doc> found = docs.stream().filter(d -> d.kind().equals(kind) && d.name().equals(name))
        .toList();
    assertThat(found).as(kind + " " + name).hasSize(1);
    return found.get(0);
  }

  private static Set<String> secretKeys(Doc secret) {
    Set<String> keys = new LinkedHashSet<>();
    secret.node().path("data").fieldNames().forEachRemaining(keys::add);
    secret.node().path("stringData").fieldNames().forEachRemaining(keys::add);
    return keys;
  }

  private static boolean selects(JsonNode selector, JsonNode labels) {
    if (!selector.isObject() || selector.isEmpty()) {
      return false;
    }
    for (var it = selector.fields(); it.hasNext(); ) {
      var e = it.next();
      if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
        return false;
      }
    }
    return true;
  }

  private static int workerCount(Doc worker) {
    JsonNode spec = worker.node().path("spec");
    if (worker.kind().equals("Job")) {
      assertThat(spec.path("completions").asInt())
          .as(worker + " completions: each worker serves the run once")
          .isEqualTo(spec.path("parallelism").asInt());
      assertThat(worker.podSpec().path("restartPolicy").asText())
          .as(worker + " restarts a worker that found no controller").isEqualTo("OnFailure");
      return spec.path("parallelism").asInt();
    }
    return spec.path("replicas").asInt(1);
  }

  /**
   * The container's args with {@code $(VAR)} replaced as the kubelet does: from its env values,
   * ConfigMap keys (which must exist) and the pod name.
   */
  private static List<String> expandedArgs(Doc d, JsonNode container) {
    Map<String, String> env = new HashMap<>();
    for (JsonNode e : container.path("env")) {
      String name = e.path("name").asText();
      JsonNode from = e.path("valueFrom");
      if (e.has("value")) {
        env.put(name, e.path("value").asText());
      } else if (from.has("configMapKeyRef")) {
        JsonNode ref = from.path("configMapKeyRef");
        JsonNode data = only("ConfigMap", ref.path("name").asText()).node().path("data");
        assertThat(data.has(ref.path("key").asText())).as(d + " env " + name + " key " + ref)
            .isTrue();
        env.put(name, data.path(ref.path("key").asText()).asText());
      } else if (from.path("fieldRef").path("fieldPath").asText().equals("metadata.name")) {
        env.put(name, d.name() + "-x7k2p");
      } else {
        throw new AssertionError(d + " env " + name + ": a source this test does not know");
      }
    }
    List<String> args = new ArrayList<>();
    for (JsonNode a : container.path("args")) {
      assertThat(a.isTextual()).as(d + " arg " + a + " is a string (quote numbers)").isTrue();
      Matcher m = VAR.matcher(a.asText());
      StringBuilder out = new StringBuilder();
      while (m.find()) {
        assertThat(env).as(d + " arg " + a + " refers to a defined env var").containsKey(
            m.group(1));
        m.appendReplacement(out, Matcher.quoteReplacement(env.get(m.group(1))));
      }
      m.appendTail(out);
      args.add(out.toString());
    }
    assertThat(args).as(d + " args").isNotEmpty();
    return args;
  }

  /** Parses as {@code aiperf} does (AiperfCommand.execute) without running anything. */
  private static ParseResult parse(List<String> args) {
    CommandLine cli = new CommandLine(new AiperfCommand());
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    ParseResult result = cli.parseArgs(args.toArray(String[]::new));
    assertThat(result.hasSubcommand()).as("a subcommand in " + args).isTrue();
    assertThat(result.subcommand().unmatched()).as("unmatched in " + args).isEmpty();
    return result;
  }

  private static List<String> text(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
