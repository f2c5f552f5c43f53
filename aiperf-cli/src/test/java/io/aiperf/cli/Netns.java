package io.aiperf.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Hosts for tests: Linux network namespaces joined by a bridge, each with one veth link and a
 * private address that exists only inside these namespaces (the test machine's own network is
 * not touched). Needs root and iproute2. Everything is named with a random prefix, so parallel
 * runs do not meet, and {@link #close()} removes all of it, the processes still in it included;
 * a shutdown hook does the same if the test JVM ends first.
 */
final class Netns implements AutoCloseable {
  private final String prefix;
  private final String subnet;
  private final String sw;
  private final Map<String, String> addresses = new LinkedHashMap<>();
  private final Map<String, String> ports = new LinkedHashMap<>();
  private final List<String> namespaces = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();
  private final Thread hook = new Thread(this::close, "netns-cleanup");
  private boolean closed;

  /** Whether this machine lets us make namespaces: root, Linux, a working {@code ip netns}. */
  static String unusableBecause() {
    if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
      return "not Linux";
    }
    try {
      Result id = run(List.of("id", "-u"));
      if (id.code != 0 || !id.out.trim().equals("0")) {
        return "not root";
      }
      String probe = "ajprobe" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20));
      Result add = run(List.of("ip", "netns", "add", probe));
      if (add.code != 0) {
        return "'ip netns add' failed: " + add.out.trim();
      }
      run(List.of("ip", "netns", "del", probe));
      return "";
    } catch (IOException e) {
      return "no iproute2: " + e.getMessage();
    }
  }

  /**
   * Makes a switch namespace with a bridge and one namespace per host, each on the bridge.
   *
   * @param hosts the hosts' names, e.g. ctl, mock, w0
   */
  Netns(String... hosts) throws IOException {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    prefix = "aj" + Integer.toHexString(0x100000 + random.nextInt(0xEFFFFF));
    subnet = "10.201." + (1 + random.nextInt(254));
    sw = prefix + "-sw";
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      addNamespace(sw);
      ip(sw, "link", "add", "br0", "type", "bridge");
      ip(sw, "link", "set", "br0", "up");
      int i = 0;
      for (String host : hosts) {
        String ns = prefix + "-" + host;
        addNamespace(ns);
        String port = "p" + i;
        // Made inside the namespaces: no interface ever appears in the machine's own.
        ip(sw, "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
        ip(sw, "link", "set", port, "master", "br0", "up");
        String address = subnet + "." + (i + 1);
        ip(ns, "addr", "add", address + "/24", "dev", "eth0");
        ip(ns, "link", "set", "eth0", "up");
        ip(ns, "link", "set", "lo", "up");
        addresses.put(host, address);
        ports.put(host, port);
        i++;
      }
    } catch (IOException | RuntimeException e) {
      close();
      throw e;
    }
  }

  private void addNamespace(String ns) throws IOException {
    check(run(List.of("ip", "netns", "add", ns)), "ip netns add " + ns);
    namespaces.add(ns);
  }

  private static void ip(String ns, String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of("ip", "-n", ns));
    command.addAll(List.of(args));
    check(run(command), String.join(" ", command));
  }

  /** A host's address. */
  String address(String host) {
    return addresses.get(host);
  }

  /** The namespace of a host. */
  String namespace(String host) {
    return prefix + "-" + host;
  }

  /**
   * Starts a process on a host.
   *
   * @param host the host
   * @param log where its output goes
   * @param command the command
   * @return the process ({@code ip netns exec} execs it, so it is the command's own pid)
   */
  Process start(String host, Path log, List<String> command) throws IOException {
    List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", namespace(host)));
    full.addAll(command);
    Process p = new ProcessBuilder(full).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    synchronized (processes) {
      processes.add(p);
    }
    return p;
  }

  /**
   * Makes a host's link lossy and slow in both directions. netem where the kernel has it; else
   * nftables' random drop (loss only).
   *
   * @return what was applied, e.g. "netem delay 4ms 1ms loss 2%"
   */
  String degrade(String host, int delayMillis, int lossPercent) throws IOException {
    String ns = namespace(host);
    List<String> netem = List.of("netem", "delay", delayMillis + "ms", "1ms", "loss",
        lossPercent + "%");
    List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", ns, "tc", "qdisc", "add",
        "dev", "eth0", "root"));
    out.addAll(netem);
    if (run(out).code == 0) {
      List<String> back = new ArrayList<>(List.of("ip", "netns", "exec", sw, "tc", "qdisc", "add",
          "dev", ports.get(host), "root"));
      back.addAll(netem);
      check(run(back), "tc netem on the switch side");
      return "netem delay " + delayMillis + "ms 1ms loss " + lossPercent + "%";
    }
    String rules = "table inet lossy { chain in { type filter hook input priority 0;"
        + " iifname \"eth0\" numgen random mod 100 < " + lossPercent + " drop; };"
        + " chain out { type filter hook output priority 0;"
        + " oifname \"eth0\" numgen random mod 100 < " + lossPercent + " drop; }; }";
    Result nft = run(List.of("ip", "netns", "exec", ns, "nft", rules));
    if (nft.code == 0) {
      return "nftables loss " + lossPercent + "% (no netem in this kernel: no delay)";
    }
    return "";
  }

  /** Undoes {@link #degrade}. */
  void restore(String host) throws IOException {
    String ns = namespace(host);
    run(List.of("ip", "netns", "exec", ns, "tc", "qdisc", "del", "dev", "eth0", "root"));
    run(List.of("ip", "netns", "exec", sw, "tc", "qdisc", "del", "dev", ports.get(host),
        "root"));
    run(List.of("ip", "netns", "exec", ns, "nft", "delete", "table", "inet", "lossy"));
  }

  /** Stops every process started here, then removes the namespaces (their links go with them). */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    synchronized (processes) {
      for (Process p : processes) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
      }
      for (Process p : processes) {
        try {
          p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    }
    for (int i = namespaces.size() - 1; i >= 0; i--) {
      String ns = namespaces.get(i);
      try {
        // Whatever still runs in it was started by this test (the name is ours alone).
        for (String pid : run(List.of("ip", "netns", "pids", ns)).out.split("\\s+")) {
          if (!pid.isBlank()) {
            ProcessHandle.of(Long.parseLong(pid.trim())).ifPresent(ProcessHandle::destroyForcibly);
          }
        }
        run(List.of("ip", "netns", "del", ns));
      } catch (IOException | RuntimeException e) {
        System.err.println("Could not remove network namespace " + ns + ": " + e);
      }
    }
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // called from the hook itself
    }
  }

  /** Whether every namespace made here is gone (for the test's own check). */
  boolean allRemoved() throws IOException {
    String list = run(List.of("ip", "netns", "list")).out;
    return namespaces.stream().noneMatch(list::contains);
  }

  record Result(int code, String out) {}

  static Result run(List<String> command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException("timed out: " + command);
      }
      return new Result(p.exitValue(), out);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted: " + command, e);
    }
  }

  private static void check(Result r, String what) throws IOException {
    if (r.code != 0) {
      throw new IOException(what + " failed (" + r.code + "): " + r.out.trim());
    }
  }
}
