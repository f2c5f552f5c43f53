package io.aiperf.engine.internal.dataset;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prompts made of hash blocks, as trace formats describe them: each hash id stands for one block of
 * {@code blockSize} tokens and always gets the same text (for a seed), so requests that share
 * leading ids share a token prefix and a server's prefix (KV) cache sees the reuse the trace
 * recorded. The last block holds the rest of the input length.
 */
final class HashBlocks {
  private final PromptGenerator generator;
  private final long seed;
  private final int blockSize;
  private final Map<Long, String> blocks = new HashMap<>();

  HashBlocks(PromptGenerator generator, long seed, int blockSize) {
    this.generator = generator;
    this.seed = seed;
    this.blockSize = blockSize;
  }

  int blockSize() {
    return blockSize;
  }

  /**
   * The prompt for a trace line.
   *
   * @param hashIds the line's hash ids, at least one
   * @param inputLength the line's input length in tokens
   * @param where the file and line, for errors
   * @return the prompt, inputLength tokens long
   * @throws IllegalArgumentException when the ids cannot cover the length with this block size
   */
  String prompt(List<Long> hashIds, int inputLength, String where) {
    int last = inputLength - (hashIds.size() - 1) * blockSize;
    if (last <= 0 || last > blockSize) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "%s: 'hash_ids' has %d ids but 'input_length' %d needs %d with blocks of %d tokens"
              + " (the last block holds 1 to %d tokens; set the block size with"
              + " --isl-block-size)", where, hashIds.size(), inputLength,
          (inputLength + blockSize - 1) / blockSize, blockSize, blockSize));
    }
    StringBuilder sb = new StringBuilder(inputLength * 6);
    for (int i = 0; i < hashIds.size(); i++) {
      int size = i == hashIds.size() - 1 ? last : blockSize;
      sb.append(block(hashIds.get(i), size));
    }
    // Blocks keep their leading space so none merges with its neighbour; the prompt starts with
    // one too, so the first block encodes the same in every prompt that shares it.
    return sb.toString();
  }

  private String block(long hashId, int size) {
    // A full block is keyed by its id; a short last block by id and size (it is usually unique).
    long key = size == blockSize ? hashId : hashId * 31 + size + 0x4000_0000_0000_0000L;
    return blocks.computeIfAbsent(key, k -> generator.block(size, random(seed, k)));
  }

  /**
   * A generator for one key. The key is mixed first: SplittableRandom seeds that differ by its own
   * gamma give the same sequence shifted by one draw, which would make blocks 1 and 2 overlap.
   */
  static SplittableRandom random(long seed, long key) {
    return new SplittableRandom(mix(seed ^ mix(key)));
  }

  /** The SplitMix64 finalizer. */
  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
