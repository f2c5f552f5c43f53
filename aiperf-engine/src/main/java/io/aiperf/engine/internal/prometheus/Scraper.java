package io.aiperf.engine.internal.prometheus;

import io.aiperf.engine.internal.NanoClock;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;

/**
 * Fetches Prometheus pages over HTTP/1.1 on threads of its own (never a transport event loop or
 * the timing thread), stamps each with the engine's clock (when the request went, when the
 * response's headers came, when the body was whole) and parses it there. A failure is a result
 * too, with the reason in plain words: the caller decides whether it is worth a warning.
 */
public final class Scraper implements AutoCloseable {
  /** Bodies above this are cut off: no metrics page is that large, a runaway response is. */
  private static final int MAX_BODY_BYTES = 64 << 20;

  private final HttpClient client;
  private final ExecutorService threads;
  /** The HTTP client's own: a scrape blocks a thread of {@link #threads} on it. */
  private final ExecutorService httpThreads;
  private final NanoClock clock;
  private final Duration timeout;

  /**
   * One scrape.
   *
   * @param url the URL
   * @param sentNanos when the request was sent
   * @param firstByteNanos when the status line and headers came (the page was made just before);
   *     0 when nothing came
   * @param doneNanos when the body was whole, or the scrape failed
   * @param page the parsed page, null when the scrape failed
   * @param body the page's text, null when the scrape failed
   * @param problem why there is no page: "connection refused", "HTTP 404", "timed out after
   *     5 s", "not a Prometheus page (...)"; null with a page
   */
  public record Result(URI url, long sentNanos, long firstByteNanos, long doneNanos,
      @Nullable Exposition page, @Nullable String body, @Nullable String problem) {
    /**
     * The page, when the scrape gave one.
     *
     * @return the page
     */
    public Optional<Exposition> exposition() {
      return Optional.ofNullable(page);
    }
  }

  /**
   * Starts the client and its threads.
   *
   * @param name the threads' name prefix, e.g. {@code aiperf-server-metrics}
   * @param threads how many scrapes may run at once
   * @param timeout the bound on one scrape, connection included
   * @param clock the clock requests are stamped with
   */
  public Scraper(String name, int threads, Duration timeout, NanoClock clock) {
    AtomicInteger n = new AtomicInteger();
    this.threads = Executors.newFixedThreadPool(Math.max(1, threads), r -> {
      Thread t = new Thread(r, name + "-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
    this.httpThreads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, name + "-http");
      t.setDaemon(true);
      return t;
    });
    this.client = HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1) // no h2c upgrade attempt on http:// URLs
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NORMAL)
        .executor(httpThreads)
        .build();
    this.clock = clock;
    this.timeout = timeout;
  }

  /**
   * Scrapes a URL now, on the calling thread (one of the caller's own).
   *
   * @param url the page
   * @return the page or why there is none
   */
  public Result scrape(URI url) {
    AtomicLong firstByte = new AtomicLong();
    long sent = clock.nanoTime();
    try {
      HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
          .header("Accept", "text/plain;version=0.0.4;q=0.9,*/*;q=0.1").GET().build();
      HttpResponse<byte[]> response = client.send(request, info -> {
        firstByte.set(clock.nanoTime());
        return HttpResponse.BodySubscribers.ofByteArray();
      });
      long done = clock.nanoTime();
      if (response.statusCode() / 100 != 2) {
        return failed(url, sent, firstByte.get(), done, "HTTP " + response.statusCode());
      }
      byte[] bytes = response.body();
      if (bytes.length > MAX_BODY_BYTES) {
        return failed(url, sent, firstByte.get(), done, "the page is larger than "
            + (MAX_BODY_BYTES >> 20) + " MB");
      }
      String body = new String(bytes, StandardCharsets.UTF_8);
      Exposition page = PrometheusText.parse(body);
      if (page.notPrometheus()) {
        String type = response.headers().firstValue("content-type").orElse("no content type");
        return failed(url, sent, firstByte.get(), done, "not a Prometheus page (" + type + "; "
            + page.problems().get(0) + ")");
      }
      return new Result(url, sent, firstByte.get(), done, page, body, null);
    } catch (HttpConnectTimeoutException e) {
      return failed(url, sent, 0, clock.nanoTime(), "no connection within "
          + seconds(timeout));
    } catch (HttpTimeoutException e) {
      return failed(url, sent, firstByte.get(), clock.nanoTime(), "no answer within "
          + seconds(timeout));
    } catch (ConnectException e) {
      return failed(url, sent, 0, clock.nanoTime(), "connection refused");
    } catch (IOException e) {
      return failed(url, sent, firstByte.get(), clock.nanoTime(), e.getMessage() == null
          ? e.getClass().getSimpleName() : e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return failed(url, sent, 0, clock.nanoTime(), "interrupted");
    } catch (IllegalArgumentException e) {
      return failed(url, sent, 0, clock.nanoTime(), "not a valid URL: " + e.getMessage());
    }
  }

  /**
   * Scrapes a URL on one of this scraper's threads.
   *
   * @param url the page
   * @return the scrape, completed on a scraper thread
   */
  public java.util.concurrent.CompletableFuture<Result> scrapeAsync(URI url) {
    return java.util.concurrent.CompletableFuture.supplyAsync(() -> scrape(url), threads);
  }

  private static Result failed(URI url, long sent, long firstByte, long done, String why) {
    return new Result(url, sent, firstByte, done, null, null, why);
  }

  private static String seconds(Duration d) {
    return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
  }

  @Override
  public void close() {
    threads.shutdownNow();
    httpThreads.shutdownNow();
  }
}
