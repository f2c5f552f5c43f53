package io.aiperf.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The Kubernetes manifests of one distributed run, as {@code deploy/k8s/} has them: a Service
 * for the controller's ZeroMQ hub, a volume for its exports, the controller Job ({@code aiperf
 * profile ... --workers-remote N}) and the workers' Job ({@code aiperf service}, N pods, with
 * liveness and readiness probes on {@code /healthz} and {@code /readyz}). Written as text, so
 * each object keeps the comments that say why it is so.
 */
final class KubeManifests {
  /** The port of the workers' health server in the pod. */
  static final int HEALTH_PORT = 8080;

  private KubeManifests() {}

  /**
   * What the manifests are made of.
   *
   * @param name the prefix of every object's name, and the {@code app.kubernetes.io/instance}
   * @param namespace the namespace, or empty for none (pick one with {@code kubectl -n})
   * @param image the aiperf-java image
   * @param workers how many workers (the controller's {@code --workers-remote})
   * @param zmqPort the controller's hub port
   * @param profileArgs {@code aiperf profile} arguments, without the ones set here
   */
  record Run(String name, String namespace, String image, int workers, int zmqPort,
      List<String> profileArgs) {}

  /** Every object, as documents of one YAML stream. */
  static String all(Run run) {
    return common(run) + "---\n" + controller(run) + "---\n" + workers(run);
  }

  static String common(Run run) {
    return "# The controller's ZeroMQ hub, which the workers join: tcp://" + run.name()
        + "-controller:" + run.zmqPort() + ".\n"
        + "# A ClusterIP Service (not headless), so the name resolves before the controller"
        + " pod is up.\n"
        + "apiVersion: v1\nkind: Service\nmetadata:\n  name: " + run.name() + "-controller\n"
        + namespace(run) + labels(run, "controller", "  ")
        + "spec:\n  type: ClusterIP\n  selector:\n" + selector(run, "controller", "    ")
        + "  ports:\n    - name: zmq\n      protocol: TCP\n      port: " + run.zmqPort()
        + "\n      targetPort: zmq\n"
        + "---\n"
        + "# The controller's exports, one folder per controller pod: /artifacts/<pod name>/.\n"
        + "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: " + run.name()
        + "-artifacts\n" + namespace(run) + labels(run, null, "  ")
        + "spec:\n  accessModes:\n    - ReadWriteOnce\n  resources:\n    requests:\n"
        + "      storage: 1Gi\n";
  }

  static String controller(Run run) {
    List<String> args = new ArrayList<>();
    args.add("profile");
    args.addAll(run.profileArgs());
    args.addAll(List.of("--workers-remote", String.valueOf(run.workers()), "--zmq-host",
        "0.0.0.0", "--zmq-port", String.valueOf(run.zmqPort()), "--artifact-dir",
        "/artifacts/$(POD_NAME)", "--ui", "none"));
    return "# The controller: holds the dataset, hands out credits, merges every record, writes"
        + " the exports\n"
        + "# and exits (0 done, 1 failed, 2 bad usage, 3 SLO broken). Made by 'aiperf kube"
        + " generate'.\n"
        + "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + run.name() + "-controller\n"
        + namespace(run) + labels(run, "controller", "  ")
        + "spec:\n  # A benchmark is measured once: a failed run is looked at, not repeated.\n"
        + "  backoffLimit: 0\n  template:\n    metadata:\n"
        + labels(run, "controller", "      ")
        + "    spec:\n      restartPolicy: Never\n" + podSecurity()
        + "      containers:\n        - name: aiperf\n          image: " + quote(run.image())
        + "\n          imagePullPolicy: IfNotPresent\n"
        + "          # The image's entrypoint is the CLI: args are 'aiperf' arguments.\n"
        + "          args:\n" + list(args, "            ", true)
        + "          env:\n            - name: POD_NAME\n              valueFrom:\n"
        + "                fieldRef:\n                  fieldPath: metadata.name\n"
        + "          ports:\n            - name: zmq\n              containerPort: "
        + run.zmqPort() + "\n              protocol: TCP\n"
        + "          resources:\n            requests:\n              cpu: \"2\"\n"
        + "              memory: 2Gi\n            limits:\n              memory: 4Gi\n"
        + containerSecurity()
        + "          volumeMounts:\n            - name: artifacts\n"
        + "              mountPath: /artifacts\n            - name: tmp\n"
        + "              mountPath: /tmp\n"
        + "      volumes:\n        - name: artifacts\n          persistentVolumeClaim:\n"
        + "            claimName: " + run.name() + "-artifacts\n"
        + "        - name: tmp\n          emptyDir: {}\n";
  }

  static String workers(Run run) {
    List<String> args = List.of("service", "--type", "worker", "--controller",
        "tcp://" + run.name() + "-controller:" + run.zmqPort(), "--join-timeout", "120",
        "--health-port", String.valueOf(HEALTH_PORT), "--health-host", "0.0.0.0");
    return "# The workers: 'aiperf service', one per pod, as many as the controller's"
        + " --workers-remote.\n"
        + "# Each exits 0 when the run ends (the Job completes); one no controller accepts"
        + " within\n# --join-timeout exits 1 and is restarted, so the Jobs may start in any"
        + " order.\n"
        + "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: " + run.name() + "-workers\n"
        + namespace(run) + labels(run, "worker", "  ")
        + "spec:\n  parallelism: " + run.workers() + "\n  completions: " + run.workers()
        + "\n  backoffLimit: 8\n  template:\n    metadata:\n"
        + labels(run, "worker", "      ")
        + "    spec:\n      restartPolicy: OnFailure\n" + podSecurity()
        + "      # Spread over nodes: each brings its own cores, sockets and ephemeral ports.\n"
        + "      affinity:\n        podAntiAffinity:\n"
        + "          preferredDuringSchedulingIgnoredDuringExecution:\n"
        + "            - weight: 100\n              podAffinityTerm:\n"
        + "                topologyKey: kubernetes.io/hostname\n"
        + "                labelSelector:\n                  matchLabels:\n"
        + selector(run, "worker", "                    ")
        + "      containers:\n        - name: aiperf\n          image: " + quote(run.image())
        + "\n          imagePullPolicy: IfNotPresent\n          args:\n"
        + list(args, "            ", false)
        + "          ports:\n            - name: health\n              containerPort: "
        + HEALTH_PORT + "\n              protocol: TCP\n"
        + "          # /healthz fails only when the worker failed; /readyz holds once it"
        + " joined the run.\n"
        + "          livenessProbe:\n            httpGet:\n              path: /healthz\n"
        + "              port: health\n            periodSeconds: 10\n"
        + "          readinessProbe:\n            httpGet:\n              path: /readyz\n"
        + "              port: health\n            periodSeconds: 5\n"
        + "          # No CPU limit: CFS throttling of the client shows up as inflated TTFT"
        + " and ITL.\n"
        + "          resources:\n            requests:\n              cpu: \"2\"\n"
        + "              memory: 1Gi\n            limits:\n              memory: 2Gi\n"
        + containerSecurity()
        + "          volumeMounts:\n            - name: tmp\n              mountPath: /tmp\n"
        + "      volumes:\n        - name: tmp\n          emptyDir: {}\n";
  }

  private static String namespace(Run run) {
    return run.namespace().isEmpty() ? "" : "  namespace: " + run.namespace() + "\n";
  }

  private static String labels(Run run, @org.jspecify.annotations.Nullable String component,
      String indent) {
    return indent + "labels:\n" + selector(run, component, indent + "  ");
  }

  private static String selector(Run run, @org.jspecify.annotations.Nullable String component,
      String indent) {
    return indent + "app.kubernetes.io/name: aiperf\n" + indent + "app.kubernetes.io/instance: "
        + run.name() + "\n" + (component == null ? ""
            : indent + "app.kubernetes.io/component: " + component + "\n");
  }

  private static String podSecurity() {
    return "      securityContext:\n        runAsNonRoot: true\n        runAsUser: 10001\n"
        + "        runAsGroup: 10001\n        fsGroup: 10001\n        seccompProfile:\n"
        + "          type: RuntimeDefault\n";
  }

  private static String containerSecurity() {
    return "          securityContext:\n            allowPrivilegeEscalation: false\n"
        + "            readOnlyRootFilesystem: true\n            capabilities:\n"
        + "              drop:\n                - ALL\n";
  }

  /**
   * A YAML list of strings. Kubernetes expands {@code $(VAR)} in args; a user's literal one is
   * escaped as {@code $$(}, except where this generator means it ({@code expandOwn}).
   */
  private static String list(List<String> items, String indent, boolean expandOwn) {
    StringBuilder sb = new StringBuilder();
    for (String item : items) {
      String value = expandOwn && item.equals("/artifacts/$(POD_NAME)") ? item
          : item.replace("$(", "$$(");
      sb.append(indent).append("- ").append(quote(value)).append('\n');
    }
    return sb.toString();
  }

  /** A double-quoted YAML scalar (JSON's escapes are YAML's). */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}
