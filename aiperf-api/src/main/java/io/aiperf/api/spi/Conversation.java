package io.aiperf.api.spi;

import java.util.List;

/**
 * A dataset entry: one or more turns sent in order.
 *
 * @param id a stable id, unique in the dataset
 * @param turns the turns, at least one
 * @since 0.1.0
 */
public record Conversation(String id, List<Turn> turns) {
  /**
   * Copies the list and checks it is not empty.
   *
   * @param id a stable id, unique in the dataset
   * @param turns the turns, at least one
   */
  public Conversation {
    turns = List.copyOf(turns);
    if (turns.isEmpty()) {
      throw new IllegalArgumentException("conversation " + id + " has no turns");
    }
  }
}
