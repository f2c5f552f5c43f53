package io.aiperf.cli.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/** Reads a dataset entry (synthetic, file or public) into the input and prompt flags. */
final class DatasetReader {
  private final Fields f;
  private final Path file;
  private final Path cwd;

  DatasetReader(Fields f, Path file, Path cwd) {
    this.f = f;
    this.file = file;
    this.cwd = cwd;
  }

  void dataset(Fields.Sec d, @Nullable Long envelopeSeed, @Nullable Node envelopeSeedAt) {
    f.string(d, "name");
    String type = f.choice(d, "type", List.of("synthetic", "file", "public"));
    if (type == null) {
      type = d.map().has("type") ? "" : "synthetic";
    }
    Long entries = f.integer(d, "entries", 1);
    if (entries != null) {
      f.emit("--num-dataset-entries", BodyReader.node(d, "entries"), d.child("entries"),
          entries.toString());
    } else if (type.equals("synthetic") && !d.map().has("entries")) {
      // AIPerf's synthetic default: 100 distinct prompts, whatever the request count.
      f.emit("--num-dataset-entries", d.map(), d.child("entries"), "100");
    }
    Long seed = f.integer(d, "random_seed", 0);
    if (seed != null) {
      f.emit("--random-seed", BodyReader.node(d, "random_seed"), d.child("random_seed"),
          seed.toString());
    } else if (envelopeSeed != null && envelopeSeedAt != null) {
      f.emit("--random-seed", envelopeSeedAt, "random_seed", envelopeSeed.toString());
    }
    String sampling = f.choice(d, "sampling", List.of("random", "sequential", "shuffle"));
    if (sampling != null) {
      f.emit("--dataset-sampling-strategy", BodyReader.node(d, "sampling"),
          d.child("sampling"), sampling);
    }
    str(d, "system_prompt", "--system-prompt");
    String promptFile = f.string(d, "system_prompt_file");
    if (promptFile != null) {
      f.emit("--system-prompt-file", BodyReader.node(d, "system_prompt_file"),
          d.child("system_prompt_file"), BodyReader.resolve(file, cwd, promptFile).toString());
    }
    switch (type) {
      case "synthetic" -> synthetic(d);
      case "file" -> fileDataset(d);
      case "public" -> publicDataset(d);
      default -> { }
    }
  }

  private void synthetic(Fields.Sec d) {
    Fields.Sec p = f.section(d, "prompts");
    if (p != null) {
      dist(p, "isl", "--isl", "--isl-stddev", 1);
      dist(p, "osl", "--osl", "--osl-stddev", 0);
      integer(p, "block_size", "--isl-block-size", 1);
      integer(p, "batch_size", "--batch-size", 1);
      sequenceDistribution(p);
      str(p, "random_range_ratio", "--random-range-ratio");
    }
    Fields.Sec prefix = f.section(d, "prefix_prompts");
    if (prefix != null) {
      integer(prefix, "pool_size", "--num-prefix-prompts", 0);
      integer(prefix, "length", "--prefix-prompt-length", 0);
      integer(prefix, "shared_system_length", "--shared-system-prompt-length", 1);
      integer(prefix, "user_context_length", "--user-context-prompt-length", 1);
    }
    dist(d, "turns", "--session-turns-mean", "--session-turns-stddev", 1);
    dist(d, "turn_delay", "--session-turn-delay-mean", "--session-turn-delay-stddev", 0);
    Double ratio = f.number(d, "turn_delay_ratio", 0, false);
    if (ratio != null && ratio != 1.0) {
      f.emit("--session-delay-ratio", BodyReader.node(d, "turn_delay_ratio"),
          d.child("turn_delay_ratio"), Fields.plain(ratio));
    }
    images(d);
    audio(d);
    Fields.Sec r = f.section(d, "rankings");
    if (r != null) {
      dist(r, "passages", "--rankings-passages-mean", "--rankings-passages-stddev", 1);
      dist(r, "passage_tokens", "--rankings-passages-prompt-token-mean",
          "--rankings-passages-prompt-token-stddev", 1);
      dist(r, "query_tokens", "--rankings-query-prompt-token-mean",
          "--rankings-query-prompt-token-stddev", 1);
    }
  }

  /** AIPerf's media blocks send nothing unless batch_size is above 0 (its default is 0). */
  private void images(Fields.Sec d) {
    Fields.Sec im = f.section(d, "images");
    if (im == null) {
      return;
    }
    Long batch = f.integer(im, "batch_size", 0);
    if (batch == null || batch == 0) {
      if (!im.map().has("batch_size") && (im.map().has("width") || im.map().has("height"))) {
        f.warnings.add(new Origin(file, im.map().mark(), im.path()) + " has no batch_size;"
            + " AIPerf 0.13 reads that as 0, so no images are sent. Set batch_size: 1 to send"
            + " one per request.");
      }
      im.map().entries().keySet().forEach(k -> f.consumed.add(im.child(k)));
      return;
    }
    f.emit("--image-batch-size", BodyReader.node(im, "batch_size"), im.child("batch_size"),
        batch.toString());
    dist(im, "width", "--image-width-mean", "--image-width-stddev", 1);
    dist(im, "height", "--image-height-mean", "--image-height-stddev", 1);
    String format = f.choice(im, "format", List.of("png", "jpeg", "random"));
    // AIPerf's YAML default is jpeg; its command line's (and aiperf-java's) png.
    f.emit("--image-format", im.map().has("format") ? BodyReader.node(im, "format") : im.map(),
        im.child("format"), format == null ? "jpeg" : format);
    String source = f.string(im, "source");
    if (source != null && !source.equals("noise")) {
      f.emit("--image-source", BodyReader.node(im, "source"), im.child("source"),
          source.equals("assets") ? source : BodyReader.resolve(file, cwd, source).toString());
    }
    str(im, "source_sampling", "--image-source-sampling");
  }

  private void audio(Fields.Sec d) {
    Fields.Sec au = f.section(d, "audio");
    if (au == null) {
      return;
    }
    Long batch = f.integer(au, "batch_size", 0);
    if (batch == null || batch == 0) {
      if (!au.map().has("batch_size") && au.map().has("length")) {
        f.warnings.add(new Origin(file, au.map().mark(), au.path()) + " has no batch_size;"
            + " AIPerf 0.13 reads that as 0, so no audio is sent. Set batch_size: 1 to send"
            + " one clip per request.");
      }
      au.map().entries().keySet().forEach(k -> f.consumed.add(au.child(k)));
      return;
    }
    f.emit("--audio-batch-size", BodyReader.node(au, "batch_size"), au.child("batch_size"),
        batch.toString());
    dist(au, "length", "--audio-length-mean", "--audio-length-stddev", 0);
    str(au, "format", "--audio-format");
    List<String> rates = f.strings(au, "sample_rates", true);
    if (rates != null) {
      f.emit("--audio-sample-rates", BodyReader.node(au, "sample_rates"),
          au.child("sample_rates"), String.join(",", rates));
    }
    List<String> depths = f.strings(au, "depths", true);
    if (depths != null) {
      f.emit("--audio-depths", BodyReader.node(au, "depths"), au.child("depths"),
          String.join(",", depths));
    }
    integer(au, "channels", "--audio-num-channels", 1);
  }

  private void fileDataset(Fields.Sec d) {
    String path = f.string(d, "path");
    Node records = f.take(d, "records");
    if (path != null && records != null) {
      f.problem(records, d.child("records"), "and path: are both given; a file dataset reads"
          + " one of them");
    } else if (path != null) {
      f.emit("--input-file", BodyReader.node(d, "path"), d.child("path"),
          BodyReader.resolve(file, cwd, path).toString());
    } else if (records != null) {
      List<Object> list = new ArrayList<>();
      List<Node> items = records instanceof Node.ListNode l ? l.items()
          : records instanceof Node.MapNode ? List.of(records) : List.of();
      for (Node r : items) {
        if (r instanceof Node.MapNode) {
          list.add(Objects.requireNonNull(Translator.plain(r)));
        } else {
          f.problem(r, d.child("records"), "must hold dataset records (mappings) but holds "
              + Node.kind(r));
        }
      }
      if (list.isEmpty()) {
        f.problem(records, d.child("records"), "holds no records");
      } else if (f.problems.isEmpty()) {
        f.emit("--input-file", records, d.child("records"),
            Translator.writeRecords(list).toString());
      }
    } else {
      f.problem(d.map(), d.child("path"), "is missing: a file dataset needs path: (a JSONL"
          + " file) or records: (inline)");
    }
    str(d, "format", "--custom-dataset-type");
    Fields.Sec p = f.section(d, "prompts");
    if (p != null) {
      integer(p, "block_size", "--isl-block-size", 1);
      integer(p, "batch_size", "--batch-size", 1);
    }
    integer(d, "block_size", "--isl-block-size", 1);
    integer(d, "prompt_batch_size", "--batch-size", 1);
    traceOptions(d);
  }

  private void publicDataset(Fields.Sec d) {
    String name = f.string(d, "dataset");
    if (name != null) {
      f.emit("--public-dataset", BodyReader.node(d, "dataset"), d.child("dataset"), name);
    } else if (!d.map().has("dataset")) {
      f.problem(d.map(), d.child("dataset"), "is missing: name the public dataset, e.g."
          + " dataset: sharegpt");
    }
    traceOptions(d);
  }

  private void traceOptions(Fields.Sec d) {
    flag(d, "ignore_trace_delays", "--ignore-trace-delays");
    Double speedup = f.number(d, "replay_speedup", 0, false);
    if (speedup != null) {
      f.emit("--replay-speedup", BodyReader.node(d, "replay_speedup"),
          d.child("replay_speedup"), Fields.plain(speedup));
    }
    integer(d, "max_context_length", "--max-context-length", 1);
    Fields.Sec synthesis = f.section(d, "synthesis");
    if (synthesis != null) {
      flag(synthesis, "allow_dataset_wrap", "--allow-dataset-wrap");
    }
  }

  private void sequenceDistribution(Fields.Sec p) {
    Node n = f.take(p, "sequence_distribution");
    if (n == null) {
      return;
    }
    String key = p.child("sequence_distribution");
    if (!(n instanceof Node.ListNode l) || l.items().isEmpty()) {
      f.problem(n, key, "must be a list of {isl, osl, probability} entries");
      return;
    }
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < l.items().size(); i++) {
      if (!(l.items().get(i) instanceof Node.MapNode m)) {
        f.problem(l.items().get(i), key + "[" + i + "]", "must be {isl, osl, probability}");
        continue;
      }
      Fields.Sec e = new Fields.Sec(m, key + "[" + i + "]");
      Fields.Dist isl = f.distribution(e, "isl", 1);
      Fields.Dist osl = f.distribution(e, "osl", 1);
      Double islSd = f.number(e, "isl_stddev", 0, true);
      Double oslSd = f.number(e, "osl_stddev", 0, true);
      Double pct = f.number(e, "probability", 0, false);
      if (isl == null || osl == null || pct == null) {
        if (!m.has("isl") || !m.has("osl") || !m.has("probability")) {
          f.problem(m, e.path(), "needs isl:, osl: and probability:");
        }
        continue;
      }
      double is = islSd != null ? islSd : isl.stddev();
      double os = oslSd != null ? oslSd : osl.stddev();
      parts.add(Fields.plain(isl.mean()) + (is > 0 ? "|" + Fields.plain(is) : "") + ","
          + Fields.plain(osl.mean()) + (os > 0 ? "|" + Fields.plain(os) : "") + ":"
          + Fields.plain(pct));
    }
    if (parts.size() == l.items().size()) {
      f.emit("--seq-dist", n, key, String.join(";", parts));
    }
  }

  private void dist(Fields.Sec s, String key, String meanFlag, String stddevFlag, double min) {
    Fields.Dist d = f.distribution(s, key, min);
    if (d == null) {
      return;
    }
    f.emit(meanFlag, d.at(), s.child(key), Fields.plain(d.mean()));
    if (d.stddev() > 0) {
      f.emit(stddevFlag, d.at(), s.child(key), Fields.plain(d.stddev()));
    }
  }

  private void integer(Fields.Sec s, String key, String flag, long min) {
    Long v = f.integer(s, key, min);
    if (v != null) {
      f.emit(flag, BodyReader.node(s, key), s.child(key), v.toString());
    }
  }

  private void str(Fields.Sec s, String key, String flag) {
    String v = f.string(s, key);
    if (v != null) {
      f.emit(flag, BodyReader.node(s, key), s.child(key), v);
    }
  }

  private void flag(Fields.Sec s, String key, String flag) {
    if (Boolean.TRUE.equals(f.bool(s, key))) {
      f.emit(flag, BodyReader.node(s, key), s.child(key));
    }
  }
}
