package io.aiperf.engine.internal.dataset;

import io.aiperf.api.DatasetConfig;
import io.aiperf.api.FileDataset;
import io.aiperf.api.spi.Conversation;
import io.aiperf.api.spi.Media;
import io.aiperf.api.spi.Tokenizer;
import io.aiperf.api.spi.Turn;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * AIPerf's {@code random_pool}: single-turn entries drawn at random with replacement (seeded).
 * A directory makes each of its files a pool and every request combines one entry of each, e.g.
 * a query from one file and passages from another. Timestamps and delays are ignored.
 */
public final class RandomPoolDatasetProvider extends JsonlDatasetProvider {
  /** AIPerf's default number of entries drawn. */
  static final int DEFAULT_ENTRIES = 100;

  @Override
  public String name() {
    return "random_pool";
  }

  @Override
  public String description() {
    return "AIPerf random_pool: single-turn entries (a file, or a directory of pools) drawn with"
        + " replacement";
  }

  @Override
  public List<Conversation> load(DatasetConfig config, Tokenizer tokenizer, long seed,
      int requestCount) {
    if (!(config instanceof FileDataset file)) {
      throw new IllegalArgumentException("dataset was '" + config.type()
          + "' but this provider reads files: use Datasets.randomPool(path)");
    }
    List<Path> files;
    if (Files.isDirectory(file.path())) {
      try (Stream<Path> list = Files.list(file.path())) {
        files = list.filter(Files::isRegularFile).sorted().toList();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot list " + file.path() + ": " + e.getMessage(), e);
      }
      if (files.isEmpty()) {
        throw new IllegalArgumentException(file.path() + " holds no pool files");
      }
    } else {
      files = List.of(file.path());
    }
    List<List<Turn>> pools = new ArrayList<>();
    for (Path f : files) {
      List<Turn> pool = new ArrayList<>();
      for (Line line : readLines(f)) {
        pool.add(turn(line.json(), line.where()));
      }
      if (pool.isEmpty()) {
        throw new IllegalArgumentException(f + " has no entries");
      }
      pools.add(pool);
    }
    SplittableRandom random = new SplittableRandom(seed ^ 0x2545F4914F6CDD1DL);
    int entries = file.entries().orElse(DEFAULT_ENTRIES);
    List<Conversation> conversations = new ArrayList<>(entries);
    for (int i = 0; i < entries; i++) {
      List<String> texts = new ArrayList<>();
      List<Media> media = new ArrayList<>();
      int maxTokens = 0;
      String model = null;
      for (List<Turn> pool : pools) {
        Turn t = pool.get(random.nextInt(pool.size()));
        texts.addAll(t.texts());
        media.addAll(t.media());
        maxTokens = Math.max(maxTokens, t.maxTokens());
        model = model != null ? model : t.model();
      }
      conversations.add(new Conversation("pool_" + i,
          List.of(new Turn(texts, maxTokens, 0, -1, media, model, null))));
    }
    return conversations;
  }
}
