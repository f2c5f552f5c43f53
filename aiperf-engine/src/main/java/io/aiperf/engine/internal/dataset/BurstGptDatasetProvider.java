package io.aiperf.engine.internal.dataset;

import io.aiperf.api.DatasetConfig;
import io.aiperf.api.FileDataset;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.DatasetProvider;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.Turn;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code burst_gpt_trace}: the BurstGPT CSV (HPMLL/BurstGPT), one independent request per row
 * at its {@code Timestamp} (seconds from the trace's start) with a synthetic prompt of
 * {@code Request tokens} and {@code Response tokens} asked for; other columns (Model, Total
 * tokens, Log Type) are ignored. Rows that do not parse, or ask for no prompt, are skipped and
 * counted, as AIPerf skips them.
 */
public final class BurstGptDatasetProvider implements DatasetProvider {
  private static final Logger log = LoggerFactory.getLogger(BurstGptDatasetProvider.class);
  private static final String[] REQUIRED = {"Timestamp", "Request tokens", "Response tokens"};

  @Override
  public String name() {
    return "burst_gpt_trace";
  }

  @Override
  public String description() {
    return "BurstGPT CSV trace: Timestamp (s), Request tokens, Response tokens per request";
  }

  @Override
  public List<Conversation> load(DatasetConfig config, Tokenizer tokenizer, long seed,
      int requestCount) {
    if (!(config instanceof FileDataset file)) {
      throw new IllegalArgumentException("dataset was '" + config.type()
          + "' but this provider reads files: use Datasets.file(\"burst_gpt_trace\", path)");
    }
    Path path = file.path();
    PromptGenerator prompts = PromptGenerator.of(tokenizer);
    List<Conversation> conversations = new ArrayList<>();
    int skipped = 0;
    try (BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      String header = reader.readLine();
      if (header == null) {
        throw new IllegalArgumentException(path + " is empty; a BurstGPT CSV starts with the"
            + " header Timestamp,Model,Request tokens,Response tokens,Total tokens,Log Type");
      }
      List<String> columns = new ArrayList<>();
      for (String c : split(header.replace("\uFEFF", ""))) {
        columns.add(c.strip());
      }
      int[] at = new int[REQUIRED.length];
      List<String> missing = new ArrayList<>();
      for (int i = 0; i < REQUIRED.length; i++) {
        at[i] = columns.indexOf(REQUIRED[i]);
        if (at[i] < 0) {
          missing.add(REQUIRED[i]);
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException(path + " lacks the column(s) " + missing
            + " of a BurstGPT CSV; its header was: " + header);
      }
      String line;
      int row = 1;
      while ((line = reader.readLine()) != null) {
        row++;
        if (line.isBlank()) {
          continue;
        }
        List<String> cells = split(line);
        try {
          double seconds = Double.parseDouble(cells.get(at[0]).strip());
          int input = Integer.parseInt(cells.get(at[1]).strip());
          int output = Integer.parseInt(cells.get(at[2]).strip());
          if (!(seconds >= 0) || input < 1 || output < 0) {
            skipped++;
            continue;
          }
          String prompt = prompts.generate(input, HashBlocks.random(seed, -row));
          conversations.add(new Conversation("burst_gpt_" + conversations.size(),
              List.of(new Turn(List.of(prompt), output, 0, Math.round(seconds * 1000)))));
        } catch (NumberFormatException | IndexOutOfBoundsException e) {
          skipped++;
        }
      }
    } catch (java.nio.charset.MalformedInputException e) {
      throw new IllegalArgumentException(path + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + path + ": " + e.getMessage(), e);
    }
    if (skipped > 0) {
      log.info("Skipped {} rows of {} that did not parse or asked for no prompt", skipped, path);
    }
    if (conversations.isEmpty()) {
      throw new IllegalArgumentException(path + " has no usable rows (" + skipped
          + " skipped)");
    }
    return conversations;
  }

  /** Splits a CSV line; BurstGPT's cells hold no commas, but quoted ones are read right. */
  static List<String> split(String line) {
    List<String> cells = new ArrayList<>();
    StringBuilder cell = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '"') {
        if (quoted && i + 1 < line.length() && line.charAt(i + 1) == '"') {
          cell.append('"');
          i++;
        } else {
          quoted = !quoted;
        }
      } else if (c == ',' && !quoted) {
        cells.add(cell.toString());
        cell.setLength(0);
      } else {
        cell.append(c);
      }
    }
    cells.add(cell.toString());
    return cells;
  }
}
