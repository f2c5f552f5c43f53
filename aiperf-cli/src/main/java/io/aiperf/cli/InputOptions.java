package io.aiperf.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.aiperf.api.DatasetConfig;
import io.aiperf.api.Datasets;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.FileDataset;
import io.aiperf.api.SyntheticDataset;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine.Option;

/**
 * AIPerf's Input group: where the prompts come from (a file, a public dataset or synthetic), and
 * the extra headers and body fields sent with each request.
 */
final class InputOptions {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(names = {"--config", "-f"}, paramLabel = "FILE",
      description = "An AIPerf 0.13 YAML configuration file (schema 2.0); flags given here"
          + " override its settings. 'aiperf config init' writes one, 'aiperf config validate'"
          + " checks one.")
  @Nullable Path configFile;

  @Option(names = "--input-file", description = "JSONL dataset (see --custom-dataset-type).")
  @Nullable Path inputFile;

  @Option(names = "--custom-dataset-type", defaultValue = "single_turn",
      description = "Format of --input-file: single_turn, multi_turn, dag_jsonl (linear"
          + " sessions), random_pool (a file or a"
          + " directory of pools), mooncake_trace, bailian_trace, burst_gpt_trace (CSV),"
          + " raw_payload (a file or a directory of sessions) or inputs_json (default"
          + " ${DEFAULT-VALUE}).")
  @SuppressWarnings("NullAway.Init") // picocli sets it from defaultValue
  String customDatasetType;

  @Option(names = "--public-dataset",
      description = "A public dataset read from a local file (--public-dataset-file): sharegpt.")
  @Nullable String publicDataset;

  @Option(names = "--public-dataset-file",
      description = "Local copy of the --public-dataset file (never downloaded), e.g."
          + " ShareGPT_V3_unfiltered_cleaned_split.json.")
  @Nullable Path publicDatasetFile;

  @Option(names = "--dataset-sampling-strategy",
      description = "Entry order: sequential (files' default), shuffle (synthetic default) or"
          + " random (with replacement).")
  @Nullable String samplingStrategy;

  @Option(names = "--random-seed", description = "Seed for the dataset; random if not given.")
  @Nullable Long seed;

  @Option(names = {"-H", "--header"}, description = "Extra header 'Name:Value' (repeatable) or a JSON object.")
  List<String> headers = new ArrayList<>();

  @Option(names = "--extra-inputs", description = "Extra body field 'key:value' (repeatable) or a JSON object.")
  List<String> extraInputs = new ArrayList<>();

  private final Map<String, String> headerMap = new LinkedHashMap<>();
  private final Map<String, Object> extras = new LinkedHashMap<>();

  void parseHeaders(List<String> problems) {
    for (String h : headers) {
      String t = h.strip();
      if (t.startsWith("{")) {
        try {
          headerMap.putAll(JSON.readValue(t, new TypeReference<Map<String, String>>() {}));
        } catch (Exception e) {
          problems.add("--header was '" + CommandLineSecrets.redactHeader(h) + "' but it is not a"
              + " JSON object of strings: " + firstLine(e));
        }
        continue;
      }
      int colon = t.indexOf(':');
      if (colon <= 0) {
        problems.add("--header was '" + CommandLineSecrets.redactHeader(h)
            + "' but it must be 'Name:Value'");
        continue;
      }
      headerMap.put(t.substring(0, colon).strip(), t.substring(colon + 1).strip());
    }
  }

  void parseExtraInputs(List<String> problems) {
    for (String x : extraInputs) {
      String t = x.strip();
      if (t.startsWith("{")) {
        try {
          extras.putAll(JSON.readValue(t, new TypeReference<Map<String, Object>>() {}));
        } catch (Exception e) {
          problems.add("--extra-inputs was '" + x + "' but it is not a JSON object: "
              + firstLine(e));
        }
        continue;
      }
      int colon = t.indexOf(':');
      if (colon <= 0) {
        problems.add("--extra-inputs was '" + x + "' but it must be 'key:value' or a JSON object");
        continue;
      }
      String key = t.substring(0, colon).strip();
      String value = t.substring(colon + 1).strip();
      // The template endpoint reads these as text: an inline template that happens to be valid
      // JSON must not become an object.
      extras.put(key, key.equals("payload_template") || key.equals("response_field") ? value
          : typed(value));
    }
  }

  /** The first line of a JSON parse error; Jackson's messages go on with the input's context. */
  private static String firstLine(Exception e) {
    return Objects.requireNonNullElse(e.getMessage(), e.toString()).lines().findFirst().orElse("");
  }

  /** AIPerf's typing of 'key:value' extra inputs: JSON literals where they parse, else strings. */
  static Object typed(String value) {
    try {
      Object v = JSON.readValue(value, Object.class);
      if (v instanceof Number || v instanceof Boolean || v instanceof Map || v instanceof List) {
        return v;
      }
    } catch (Exception notJson) {
      // A plain string.
    }
    return value;
  }

  /** AIPerf's cache of the public datasets it downloads, relative to the working directory. */
  static final Path AIPERF_SHAREGPT_CACHE =
      Path.of(".cache", "aiperf", "datasets", "ShareGPT_V3_unfiltered_cleaned_split.json");

  @Option(names = "--system-prompt", paramLabel = "TEXT",
      description = "A system prompt sent before every conversation (joined before a dataset's"
          + " own, as AIPerf does).")
  @Nullable String systemPrompt;

  @Option(names = "--system-prompt-file", paramLabel = "FILE",
      description = "A UTF-8 file holding the system prompt (instead of --system-prompt).")
  @Nullable Path systemPromptFile;

  private boolean systemPromptRead;
  private @Nullable String systemPromptValue;

  /** The system prompt text, read once; a problem for both flags, an empty one or no file. */
  private @Nullable String systemPromptText(List<String> problems) {
    if (systemPromptRead) {
      return systemPromptValue;
    }
    systemPromptRead = true;
    if (systemPrompt != null && systemPromptFile != null) {
      problems.add("--system-prompt and --system-prompt-file were both given; set one");
    } else if (systemPrompt != null) {
      if (systemPrompt.isBlank()) {
        problems.add("--system-prompt was empty; leave it out to send no system prompt");
      } else {
        systemPromptValue = systemPrompt;
      }
    } else if (systemPromptFile != null) {
      try {
        String text = Files.readString(systemPromptFile, StandardCharsets.UTF_8);
        if (text.isBlank()) {
          problems.add("--system-prompt-file was '" + systemPromptFile + "' but it is empty");
        } else {
          systemPromptValue = text;
        }
      } catch (IOException | UncheckedIOException e) {
        problems.add("--system-prompt-file was '" + systemPromptFile + "' but it cannot be"
            + " read: " + firstLine(e));
      }
    }
    return systemPromptValue;
  }

  private FileDataset systemPrompt(FileDataset f, List<String> problems) {
    String text = systemPromptText(problems);
    FileDataset out = text == null ? f : f.systemPrompt(text);
    out = ignoreTraceDelays ? out.ignoreTraceDelays() : out;
    return ignoreTimestamps ? out.ignoreTimestamps() : out;
  }

  /** --no-fixed-schedule (the Fixed Schedule group's flag): a file's timestamps are ignored. */
  boolean ignoreTimestamps;

  @Option(names = "--ignore-trace-delays",
      description = "Drop a dataset file's recorded timing (turn delays, timestamps): the"
          + " concurrency or request rate paces it instead (an explicit --fixed-schedule keeps"
          + " the timestamps).")
  boolean ignoreTraceDelays;

  /** The endpoint with the parsed headers and extra inputs added. */
  EndpointConfig configure(EndpointConfig endpoint) {
    for (var h : headerMap.entrySet()) {
      endpoint = endpoint.header(h.getKey(), h.getValue());
    }
    for (var e : extras.entrySet()) {
      endpoint = endpoint.extraInput(e.getKey(), e.getValue());
    }
    return endpoint;
  }

  /**
   * The dataset the flags choose: a public dataset, a file, or synthetic prompts; the other groups
   * add their parts to it. Each bad value is added to the problems.
   *
   * @param publicParts what the other groups add to a public dataset
   * @param fileParts what the other groups add to a dataset file
   * @param syntheticParts what the other groups add to synthetic prompts
   * @return the dataset, or null after a problem
   */
  @Nullable DatasetConfig dataset(String tokenizer, UnaryOperator<FileDataset> publicParts,
      UnaryOperator<FileDataset> fileParts, UnaryOperator<SyntheticDataset> syntheticParts,
      List<String> problems) {
    try {
      if (publicDataset != null || publicDatasetFile != null) {
        if (publicDataset == null || !publicDataset.equalsIgnoreCase("sharegpt")) {
          problems.add("--public-dataset was '" + publicDataset + "' but it must be sharegpt"
              + " (with --public-dataset-file)");
          return null;
        }
        Path shareGpt = publicDatasetFile;
        if (shareGpt == null && Files.isRegularFile(AIPERF_SHAREGPT_CACHE)) {
          shareGpt = AIPERF_SHAREGPT_CACHE; // where AIPerf keeps the copy it downloaded
        }
        if (shareGpt == null) {
          problems.add("--public-dataset sharegpt was set but it needs --public-dataset-file with"
              + " a local copy (aiperf-java never downloads; AIPerf's own copy, "
              + AIPERF_SHAREGPT_CACHE + " in the working directory, is not there either)");
          return null;
        }
        FileDataset f = publicParts.apply(Datasets.shareGpt(shareGpt).tokenizer(tokenizer));
        f = systemPrompt(f, problems);
        return samplingStrategy != null ? f.samplingStrategy(samplingStrategy) : f;
      }
      if (inputFile != null) {
        FileDataset f = fileParts.apply(Datasets.file(customDatasetType, inputFile)
            .tokenizer(tokenizer));
        f = systemPrompt(f, problems);
        return samplingStrategy != null ? f.samplingStrategy(samplingStrategy) : f;
      }
      SyntheticDataset d = Datasets.synthetic().tokenizer(tokenizer);
      String prompt = systemPromptText(problems);
      if (prompt != null) {
        d = d.systemPrompt(prompt);
      }
      if (seed != null) {
        d = d.seed(seed);
      }
      // Before the other parts: a bad strategy is reported ahead of a bad --seq-dist.
      if (samplingStrategy != null) {
        d = d.samplingStrategy(samplingStrategy);
      }
      return syntheticParts.apply(d);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
      return null;
    }
  }
}
