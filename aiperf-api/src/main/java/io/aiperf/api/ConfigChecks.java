package io.aiperf.api;

import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.Plugins;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Checks a {@link Benchmark.Builder} as a whole and lists every problem, in one fixed order so
 * the message of {@link InvalidBenchmarkConfigException} is stable: the endpoint, then each
 * option group's checks ({@link LoadOptions}, {@link WarmupOptions}, {@link ExportOptions},
 * {@link RunOptions}) interleaved with the cross-field checks between groups and the dataset.
 */
final class ConfigChecks {
  private ConfigChecks() {}

  static List<String> problems(Benchmark.Builder b) {
    List<String> problems = new ArrayList<>();
    if (b.endpoint == null) {
      problems.add("endpoint was not set but it is required, e.g. Endpoints.openAiChat(url)");
    } else {
      validateEndpoint(b.endpoint, problems);
    }
    LoadOptions load = b.load;
    load.checkCounts(problems);
    b.run.checkServices(problems);
    load.checkRate(problems);
    b.warmup.checkRate(problems);
    load.checkArrival(b.endpoint, problems);
    b.warmup.checkBounds(problems);
    positive("benchmarkDuration", load.benchmarkDuration, problems);
    positive("sliceDuration", b.export.sliceDuration, problems);
    positive("warmupDuration", b.warmup.warmupDuration, problems);
    positive("concurrencyRampDuration", load.concurrencyRampDuration, problems);
    positive("requestRateRampDuration", load.requestRateRampDuration, problems);
    positive("warmupConcurrencyRampDuration", b.warmup.warmupConcurrencyRampDuration, problems);
    positive("warmupRequestRateRampDuration", b.warmup.warmupRequestRateRampDuration, problems);
    b.warmup.checkShape(load.requestRate, b.endpoint, problems);
    load.checkGraceAndCancellation(problems);
    b.run.checkSourcesAndStartup(problems);
    if (b.dataset instanceof SyntheticDataset s) {
      validateSynthetic(s, problems);
    }
    if (b.dataset instanceof FileDataset f && !Files.isReadable(f.path())) {
      problems.add("input file was '" + f.path() + "' but it "
          + (Files.exists(f.path()) ? "cannot be read" : "does not exist"));
    }
    load.checkSchedule(b.dataset, problems);
    load.checkUserCentric(b.dataset, problems);
    b.export.checkGoodput(problems);
    b.export.checkPrefix(problems);
    load.checkSessions(problems);
    b.telemetry.check(problems);
    return problems;
  }

  static String fmt(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }

  private static void positive(String name, @Nullable Duration d, List<String> problems) {
    if (d != null && (d.isNegative() || d.isZero())) {
      problems.add(name + " was '" + d + "' but it must be positive");
    }
  }

  private static void validateEndpoint(EndpointConfig e, List<String> problems) {
    if (e.model().isEmpty() || e.model().get().isBlank()) {
      problems.add("model was not set but it is required (the model name the server serves)");
    }
    Set<String> types = Plugins.names(EndpointProvider.class);
    if (!types.isEmpty() && !types.contains(e.type())) {
      problems.add("endpoint type was '" + e.type() + "' but it must be one of " + types);
    }
    String url = e.url();
    try {
      URI uri = URI.create(url.contains("://") ? url : "http://" + url);
      String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
      if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("h2c")) {
        problems.add("url was '" + url + "' but its scheme must be http, https or h2c"
            + " (HTTP/2 cleartext)");
      } else if (uri.getHost() == null) {
        problems.add("url was '" + url + "' but it has no host, e.g. http://127.0.0.1:8000");
      }
    } catch (IllegalArgumentException ex) {
      problems.add("url was '" + url + "' but it is not a valid URL: " + ex.getMessage());
    }
    validateTls(e, problems);
    if (e.requestTimeout().isNegative() || e.requestTimeout().isZero()) {
      problems.add("requestTimeout was '" + e.requestTimeout() + "' but it must be positive");
    }
    e.headers().forEach((name, value) -> {
      if (name.isBlank() || !name.chars().allMatch(ConfigChecks::isTokenChar)) {
        problems.add("header name was '" + name + "' but it must be a non-empty HTTP token"
            + " (letters, digits and !#$%&'*+-.^_`|~)");
      }
      if (value.indexOf('\r') >= 0 || value.indexOf('\n') >= 0) {
        problems.add("header '" + name + "' value contains a line break, which HTTP forbids");
      }
    });
  }

  /** TLS options only mean something on https URLs; a CA file must exist. */
  private static void validateTls(EndpointConfig e, List<String> problems) {
    List<String> notHttps = e.urls().stream().filter(u -> !u.regionMatches(true, 0, "https://", 0,
        8)).toList();
    if (!notHttps.isEmpty()) {
      String where = "url was '" + String.join(",", notHttps) + "'";
      if (e.tlsTrust().isPresent()) {
        problems.add("tlsTrust was set but " + where + ": a CA certificate is only used for"
            + " https URLs");
      }
      if (e.tlsInsecure()) {
        problems.add("tlsInsecure was set but " + where + ": certificate checks are only"
            + " skipped for https URLs");
      }
      if (e.http2() && notHttps.stream().anyMatch(u -> !u.regionMatches(true, 0, "h2c://", 0,
          6))) {
        problems.add("http2 was set but " + where + ": HTTP/2 is negotiated on https URLs;"
            + " for HTTP/2 without TLS use an h2c:// URL");
      }
    }
    e.tlsTrust().ifPresent(ca -> {
      if (!java.nio.file.Files.isRegularFile(ca)) {
        problems.add("tlsTrust was '" + ca + "' but that file does not exist (a PEM file of the"
            + " CA certificate to trust)");
      }
    });
    if (e.tlsInsecure() && e.tlsTrust().isPresent()) {
      problems.add("tlsInsecure and tlsTrust were both set: skip verification or trust a CA,"
          + " not both");
    }
  }

  private static boolean isTokenChar(int c) {
    return c > 32 && c < 127 && "()<>@,;:\\\"/[]?={}".indexOf(c) < 0;
  }

  private static void validateSynthetic(SyntheticDataset s, List<String> problems) {
    if (!(s.inputTokensMean() >= 1)) {
      problems.add(fmt("input tokens mean (isl) was '%s' but it must be at least 1",
          s.inputTokensMean()));
    }
    if (!(s.inputTokensStddev() >= 0)) {
      problems.add(fmt("input tokens stddev (isl-stddev) was '%s' but it must be >= 0",
          s.inputTokensStddev()));
    }
    if (s.outputTokensMean().isPresent() && !(s.outputTokensMean().getAsDouble() >= 1)) {
      problems.add(fmt("output tokens mean (osl) was '%s' but it must be at least 1",
          s.outputTokensMean().getAsDouble()));
    }
    if (!(s.outputTokensStddev() >= 0)) {
      problems.add(fmt("output tokens stddev (osl-stddev) was '%s' but it must be >= 0",
          s.outputTokensStddev()));
    }
    if (!(s.turnsMean() >= 1)) {
      problems.add(fmt("session turns mean was '%s' but it must be at least 1", s.turnsMean()));
    }
    if (!(s.turnsStddev() >= 0)) {
      problems.add(fmt("session turns stddev was '%s' but it must be >= 0", s.turnsStddev()));
    }
    if (!(s.turnDelayMeanMillis() >= 0) || !(s.turnDelayStddevMillis() >= 0)) {
      problems.add(fmt("session turn delay was '%s ± %s ms' but both must be >= 0",
          s.turnDelayMeanMillis(), s.turnDelayStddevMillis()));
    }
    if (s.entries().isPresent() && s.entries().getAsInt() < 1) {
      problems.add(fmt("dataset entries was '%d' but it must be at least 1",
          s.entries().getAsInt()));
    }
    validateSyntheticInputs(s, problems);
  }

  private static void validateSyntheticInputs(SyntheticDataset s, List<String> problems) {
    if (s.batchSize() < 1) {
      problems.add(fmt("batch size was '%d' but it must be at least 1", s.batchSize()));
    }
    if (s.prefixPromptCount() < 0 || s.prefixPromptLength() < 0
        || (s.prefixPromptCount() > 0) != (s.prefixPromptLength() > 0)) {
      problems.add(fmt("prefix prompts were '%d x %d tokens' but both the count and the length"
          + " must be at least 1 (or both 0)", s.prefixPromptCount(), s.prefixPromptLength()));
    }
    if (s.sharedSystemPromptLength() > 0 && s.systemPrompt().isPresent()) {
      problems.add("systemPrompt was given with sharedSystemPrompt: a conversation starts with"
          + " one system prompt, the given text or a synthetic one");
    }
    if (s.sharedSystemPromptLength() < 0) {
      problems.add(fmt("shared system prompt length was '%d' but it must be >= 0",
          s.sharedSystemPromptLength()));
    }
    if (s.hasImages()) {
      double[] size = s.imageSize();
      if (!(size[0] > 0)) {
        problems.add(fmt("image width mean was '%s' but it must be > 0 pixels", size[0]));
      }
      if (!(size[2] > 0)) {
        problems.add(fmt("image height mean was '%s' but it must be > 0 pixels", size[2]));
      }
      if (!(size[1] >= 0) || !(size[3] >= 0)) {
        problems.add(fmt("image size stddev was '%s x %s' but both must be >= 0", size[1],
            size[3]));
      }
    }
    if (!s.imageFormat().equals("png") && !s.imageFormat().equals("jpeg")) {
      problems.add("image format was '" + s.imageFormat() + "' but it must be png or jpeg");
    }
    if (s.imageBatchSize() < 1) {
      problems.add(fmt("image batch size was '%d' but it must be at least 1",
          s.imageBatchSize()));
    }
    if (!(s.audioLengthMean() >= 0) || !(s.audioLengthStddev() >= 0)) {
      problems.add(fmt("audio length was '%s ± %s s' but both must be >= 0",
          s.audioLengthMean(), s.audioLengthStddev()));
    }
    if (!s.audioFormat().equals("wav")) {
      problems.add("audio format was '" + s.audioFormat() + "' but it must be wav (mp3 needs"
          + " an encoder the JDK lacks)");
    }
    if (s.audioSampleRatesKhz().isEmpty()
        || s.audioSampleRatesKhz().stream().anyMatch(r -> !(r > 0) || r > 384)) {
      problems.add("audio sample rates were '" + s.audioSampleRatesKhz()
          + "' but each must be > 0 and <= 384 kHz");
    }
    if (s.audioDepths().isEmpty() || s.audioDepths().stream()
        .anyMatch(d -> d != 8 && d != 16 && d != 24 && d != 32)) {
      problems.add("audio depths were '" + s.audioDepths() + "' but each must be 8, 16, 24 or"
          + " 32 bits");
    }
    if (s.audioChannels() != 1 && s.audioChannels() != 2) {
      problems.add(fmt("audio channels was '%d' but it must be 1 or 2", s.audioChannels()));
    }
    if (s.audioBatchSize() < 1) {
      problems.add(fmt("audio batch size was '%d' but it must be at least 1",
          s.audioBatchSize()));
    }
  }
}
