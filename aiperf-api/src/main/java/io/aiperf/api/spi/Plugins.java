package io.aiperf.api.spi;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds plugins with {@link ServiceLoader} and chooses among them.
 *
 * <p>The rule when several providers share a name: the higher {@link Plugin#priority()} wins; at
 * equal priority a provider from outside aiperf-java's own packages ({@code io.aiperf.*}) wins, so a
 * user's plugin replaces a built-in one of the same name. A provider that fails to load is logged
 * and skipped.
 *
 * <pre>{@code
 * EndpointProvider chat = Plugins.select(EndpointProvider.class, "chat");
 * }</pre>
 *
 * @since 0.1.0
 */
public final class Plugins {
  private static final Logger log = LoggerFactory.getLogger(Plugins.class);
  private static final String OWN_PACKAGE = "io.aiperf.";
  private static final Map<Class<?>, List<?>> CACHE = new ConcurrentHashMap<>();

  /**
   * System property: seconds that loading the providers of one kind may take (default 30).
   */
  public static final String LOAD_TIMEOUT_PROPERTY = "aiperf.plugins.loadTimeoutSeconds";
  private static final long DEFAULT_LOAD_TIMEOUT_SECONDS = 30;

  private Plugins() {}

  /**
   * Returns every available provider of a kind, best first (the order {@link #select} uses).
   *
   * @param kind the plugin interface
   * @param <P> the plugin type
   * @return the providers, possibly empty
   */
  @SuppressWarnings("unchecked")
  public static <P extends Plugin> List<P> all(Class<P> kind) {
    return (List<P>) CACHE.computeIfAbsent(kind, k -> load((Class<P>) k));
  }

  /**
   * Returns the names of every available provider of a kind.
   *
   * @param kind the plugin interface
   * @return the names, sorted
   */
  public static Set<String> names(Class<? extends Plugin> kind) {
    Set<String> names = new TreeSet<>();
    for (Plugin p : all(kind)) {
      names.add(p.name());
    }
    return names;
  }

  /**
   * Chooses the provider of a kind with this name, or the best provider when the name is null.
   *
   * @param kind the plugin interface
   * @param name the name to look for, or {@code null} for the highest-priority provider
   * @param <P> the plugin type
   * @return the chosen provider
   * @throws IllegalStateException if none matches; the message lists the available names
   */
  public static <P extends Plugin> P select(Class<P> kind, @Nullable String name) {
    return choose(kind.getSimpleName(), all(kind), name);
  }

  /**
   * Applies the selection rule to a given list of candidates; {@link #select} calls it with the
   * providers {@link ServiceLoader} found.
   *
   * @param kindName the plugin kind's name, for messages
   * @param candidates the candidates
   * @param name the name to look for, or {@code null} for the best candidate
   * @param <P> the plugin type
   * @return the chosen candidate
   * @throws IllegalStateException if none matches; the message lists the available names
   */
  public static <P extends Plugin> P choose(String kindName, List<P> candidates,
      @Nullable String name) {
    List<P> matching = new ArrayList<>();
    for (P p : candidates) {
      if (name == null || p.name().equalsIgnoreCase(name)) {
        matching.add(p);
      }
    }
    if (matching.isEmpty()) {
      Set<String> available = new TreeSet<>();
      candidates.forEach(p -> available.add(p.name()));
      String what = name == null ? "No " + kindName + " found" : "No " + kindName + " named '"
          + name + "'";
      throw new IllegalStateException(what + "; found " + available
          + ". Check the name, or add the module that provides it to the class path.");
    }
    matching.sort(ORDER);
    if (matching.size() > 1 && ORDER.compare(matching.get(0), matching.get(1)) == 0) {
      log.warn("{} providers {} and {} tie for '{}'; using the first", kindName,
          matching.get(0).getClass().getName(), matching.get(1).getClass().getName(),
          matching.get(0).name());
    }
    return matching.get(0);
  }

  /** Best first: higher priority, then external before built-in. */
  static final Comparator<Plugin> ORDER =
      Comparator.comparingInt(Plugin::priority).reversed()
          .thenComparing(p -> isBuiltIn(p) ? 1 : 0);

  /**
   * Tells whether a provider is one of aiperf-java's own.
   *
   * @param plugin the provider
   * @return true when its class is in an {@code io.aiperf.*} package
   */
  public static boolean isBuiltIn(Plugin plugin) {
    return plugin.getClass().getName().startsWith(OWN_PACKAGE);
  }

  /**
   * Loads on a separate thread, bounded: a provider whose constructor blocks (a network call, a
   * lock) would otherwise hang the run before it starts, with nothing to say which one.
   */
  private static <P extends Plugin> List<P> load(Class<P> kind) {
    ClassLoader cl = classLoader();
    AtomicReference<String> loading = new AtomicReference<>("(listing the providers)");
    CompletableFuture<List<P>> done = new CompletableFuture<>();
    Thread loader = new Thread(() -> {
      try {
        done.complete(loadNow(kind, cl, loading));
      } catch (Throwable e) {
        done.completeExceptionally(e);
      }
    }, "aiperf-plugin-loader");
    loader.setDaemon(true);
    loader.start();
    long seconds = loadTimeoutSeconds();
    try {
      return done.get(seconds, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      loader.interrupt();
      throw new IllegalStateException("Start-up step 'loading plugins' did not finish within "
          + seconds + " s: the " + kind.getSimpleName() + " provider " + loading.get()
          + " was still loading. Remove it from the class path or fix it (the limit is "
          + LOAD_TIMEOUT_PROPERTY + ", in seconds).");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while loading " + kind.getSimpleName()
          + " plugins", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      throw cause instanceof RuntimeException re ? re : new IllegalStateException(
          "Loading " + kind.getSimpleName() + " plugins failed: " + cause, cause);
    }
  }

  private static long loadTimeoutSeconds() {
    String value = System.getProperty(LOAD_TIMEOUT_PROPERTY);
    if (value == null) {
      return DEFAULT_LOAD_TIMEOUT_SECONDS;
    }
    try {
      long seconds = Long.parseLong(value.trim());
      if (seconds > 0) {
        return seconds;
      }
    } catch (NumberFormatException ignored) {
      // Reported below.
    }
    log.warn("{} was '{}' but it must be a whole number of seconds > 0; using {}",
        LOAD_TIMEOUT_PROPERTY, value, DEFAULT_LOAD_TIMEOUT_SECONDS);
    return DEFAULT_LOAD_TIMEOUT_SECONDS;
  }

  private static <P extends Plugin> List<P> loadNow(Class<P> kind, ClassLoader cl,
      AtomicReference<String> loading) {
    List<P> found = new ArrayList<>();
    var it = ServiceLoader.load(kind, cl).stream().iterator();
    while (true) {
      try {
        if (!it.hasNext()) {
          break;
        }
        ServiceLoader.Provider<P> provider = it.next();
        loading.set(provider.type().getName());
        P p = provider.get();
        if (p.isAvailable()) {
          found.add(p);
        } else {
          log.debug("{} '{}' is not available here; skipped", kind.getSimpleName(), p.name());
        }
      } catch (ServiceConfigurationError e) {
        log.warn("Skipping a {} that failed to load: {}", kind.getSimpleName(), e.getMessage());
      }
    }
    found.sort(ORDER);
    return List.copyOf(found);
  }

  private static ClassLoader classLoader() {
    ClassLoader cl = Thread.currentThread().getContextClassLoader();
    return cl != null ? cl : Plugins.class.getClassLoader();
  }
}
