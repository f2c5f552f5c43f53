package io.aiperf.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code aiperf kube generate} writes manifests {@code aiperf kube validate} accepts. */
final class KubeCommandTest {
  private record Run(int code, String out, String err) {}

  private static Run aiperf(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = AiperfCommand.execute(args, new PrintWriter(out, true), new PrintWriter(err,
        true));
    return new Run(code, out.toString(), err.toString());
  }

  private static Path repositoryRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.isDirectory(p.resolve("deploy").resolve("k8s"))) {
      p = p.getParent();
    }
    return p;
  }

  @Test
  void generatedManifests_validate_andCarryTheRun(@TempDir Path dir) throws Exception {
    Run gen = aiperf("kube", "generate", "--workers", "3", "--name", "bench-a", "--output",
        dir.toString(), "--url", "http://vllm.llm.svc:8000", "-m", "llama", "--streaming",
        "--concurrency", "96", "--request-count", "5000", "--osl", "128");
    assertThat(gen.code()).as(gen.err()).isZero();
    String controller = Files.readString(dir.resolve("controller-job.yaml"));
    assertThat(controller).contains("\"--url\"", "\"http://vllm.llm.svc:8000\"",
        "\"--concurrency\"", "\"96\"", "\"--workers-remote\"", "\"3\"", "\"0.0.0.0\"",
        "name: bench-a-controller", "claimName: bench-a-artifacts");
    String workers = Files.readString(dir.resolve("worker-job.yaml"));
    assertThat(workers).contains("parallelism: 3", "completions: 3",
        "\"tcp://bench-a-controller:5557\"", "path: /healthz", "path: /readyz");

    Run check = aiperf("kube", "validate", dir.toString());
    assertThat(check.code()).as(check.err()).isZero();
    assertThat(check.out()).contains("OK");

    // One stream on standard output: the same objects.
    Run stdout = aiperf("kube", "generate", "--workers", "2", "--namespace", "bench", "--url",
        "http://vllm:8000", "-m", "llama");
    assertThat(stdout.code()).as(stdout.err()).isZero();
    Path all = dir.resolve("all.yaml");
    Files.writeString(all, stdout.out());
    assertThat(stdout.out()).contains("namespace: bench", "parallelism: 2");
    assertThat(aiperf("kube", "validate", all.toString()).code()).isZero();
  }

  @Test
  void theManifestsInDeploy_validate() {
    Path k8s = repositoryRoot().resolve("deploy").resolve("k8s");
    Run plain = aiperf("kube", "validate", k8s.toString());
    assertThat(plain.code()).as(plain.err()).isZero();
    Run curve = aiperf("kube", "validate", k8s.resolve("common.yaml").toString(),
        k8s.resolve("curve").toString());
    assertThat(curve.code()).as(curve.err()).isZero();
  }

  @Test
  void brokenManifests_areNamedOneProblemALine(@TempDir Path dir) throws Exception {
    assertThat(aiperf("kube", "generate", "--workers", "2", "--output", dir.toString(),
        "--url", "http://vllm:8000", "-m", "llama").code()).isZero();
    Path controller = dir.resolve("controller-job.yaml");
    Path workers = dir.resolve("worker-job.yaml");
    String c = Files.readString(controller);
    String w = Files.readString(workers);
    List<String[]> cases = new ArrayList<>();
    cases.add(new String[] {"worker-job.yaml", w.replace("parallelism: 2", "parallelism: 5")
        .replace("completions: 2", "completions: 5"), "runs 5 workers but"});
    cases.add(new String[] {"controller-job.yaml", c.replace("\"0.0.0.0\"", "\"127.0.0.1\""),
        "--zmq-host was '127.0.0.1'"});
    cases.add(new String[] {"worker-job.yaml", w.replace("tcp://aiperf-controller:5557",
        "tcp://elsewhere:5557"), "no Service 'elsewhere'"});
    cases.add(new String[] {"worker-job.yaml", w.replace("tcp://aiperf-controller:5557",
        "tcp://aiperf-controller:6000"), "has no port 6000"});
    cases.add(new String[] {"controller-job.yaml", c.replace("\"--streaming\"",
        "\"--no-such-flag\"").replace("\"profile\"", "\"profile\"\n            - \"--bogus\""),
        "not a valid aiperf command line"});
    cases.add(new String[] {"worker-job.yaml", w.replace("port: health\n            periodSeconds:"
        + " 10", "port: 9999\n            periodSeconds: 10"), "livenessProbe port '9999'"});
    cases.add(new String[] {"worker-job.yaml", w.replace("image: \"aiperf-java:0.1.0\"",
        "image: \"aiperf-java:0.0.9\""), "one run, one version"});
    for (String[] k : cases) {
      Path file = dir.resolve(k[0]);
      String original = Files.readString(file);
      Files.writeString(file, k[1]);
      try {
        Run r = aiperf("kube", "validate", dir.toString());
        assertThat(r.code()).as(k[2] + ": " + r.err()).isEqualTo(AiperfCommand.EXIT_FAILED);
        assertThat(r.err()).contains("Problem: ").contains(k[2]);
      } finally {
        Files.writeString(file, original);
      }
    }
  }

  @Test
  void generate_refusesWhatItSetsItself_andRunsWorkerPodsCannotServe() {
    Run own = aiperf("kube", "generate", "--workers", "2", "--url", "http://vllm:8000", "-m",
        "m", "--workers-remote", "4", "--zmq-host", "0.0.0.0");
    assertThat(own.code()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(own.err()).contains("--workers-remote is set by 'aiperf kube generate'",
        "--zmq-host is set by");
    Run mock = aiperf("kube", "generate", "--workers", "2", "--url", "mock", "-m", "m");
    assertThat(mock.code()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(mock.err()).contains("--url mock");
    Run bad = aiperf("kube", "generate", "--workers", "0", "--url", "http://x:1", "-m", "m",
        "--concurency", "4");
    assertThat(bad.code()).isEqualTo(AiperfCommand.EXIT_USAGE);
    assertThat(bad.err()).contains("--workers was '0'", "not valid 'aiperf profile' flags");
    Run missing = aiperf("kube", "validate", "/no/such/dir");
    assertThat(missing.code()).isEqualTo(AiperfCommand.EXIT_USAGE);
  }
}
