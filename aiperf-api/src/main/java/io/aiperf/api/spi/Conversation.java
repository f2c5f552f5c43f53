package io.aiperf.api.spi;

import java.util.List;

/**
 * A dataset entry: one or more turns sent in order.
 *
 * <pre>{@code
 * new Conversation("s1", List.of(new Turn(List.of("Hello"), 16)));
 * }</pre>
 *
 * @param id a stable id, unique in the dataset
 * @param turns the turns, at least one
 * @param selfContained whether each turn already holds its whole context (AIPerf's
 *     {@code message_array_with_responses}, e.g. a trace's full {@code messages} lists): each turn
 *     is then sent as written, without the earlier turns and the server's replies before it
 * @since 0.1.0
 */
public record Conversation(String id, List<Turn> turns, boolean selfContained) {
  /**
   * Copies the list and checks it is not empty.
   *
   * @param id a stable id, unique in the dataset
   * @param turns the turns, at least one
   * @param selfContained whether each turn is sent without the session's history
   */
  public Conversation {
    turns = List.copyOf(turns);
    if (turns.isEmpty()) {
      throw new IllegalArgumentException("conversation " + id + " has no turns");
    }
  }

  /**
   * A conversation whose later turns are sent after the earlier turns and the server's replies
   * (AIPerf's default, {@code deltas_without_responses}).
   *
   * @param id a stable id, unique in the dataset
   * @param turns the turns, at least one
   */
  public Conversation(String id, List<Turn> turns) {
    this(id, turns, false);
  }

  /**
   * The same conversation with other turns.
   *
   * @param newTurns the turns, at least one
   * @return a copy with {@code newTurns}
   * @since 0.1.0
   */
  public Conversation withTurns(List<Turn> newTurns) {
    return new Conversation(id, newTurns, selfContained);
  }
}
