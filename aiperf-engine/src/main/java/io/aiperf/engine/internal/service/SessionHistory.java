package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.ChatMessage;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.Turn;
import io.aiperf.engine.internal.endpoint.HistoryMessages;
import io.aiperf.engine.internal.service.Messages.PreparedConversation;
import io.aiperf.engine.internal.service.Messages.RawResponse;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A running multi-turn session on its worker: the history with the server's real replies, and
 * the next turn's request, formatted when the previous one ended (on the worker's hand-off thread,
 * never on an event loop), so nothing is formatted when its credit arrives.
 *
 * <p>Turns of a session are sequential (the next credit comes only after this turn's return), so
 * each field is written before the credit that reads it is sent.
 */
final class SessionHistory {
  final String correlationId;
  private final List<ChatMessage> history = new ArrayList<>();
  volatile byte @Nullable [] nextBody;
  volatile @Nullable String nextInputText;

  SessionHistory(String correlationId) {
    this.correlationId = correlationId;
  }

  /**
   * After a turn: appends the user turn (its own message list as the dataset wrote it, tool
   * results included) and the server's reply (structured where the format keeps tool calls; none
   * when the turn failed or the reply had no text, as AIPerf stores no assistant turn then) to
   * the history and formats the next turn. If that fails, the next turn is sent with the history
   * so far: never lose a credit. A self-contained conversation's turns are sent as written.
   */
  void prepareNext(EndpointProvider.Endpoint endpoint, PreparedConversation conversation,
      int turn, RawResponse response, boolean streaming) {
    try {
      if (conversation.selfContained()) {
        // Each turn holds its whole context (AIPerf's message_array_with_responses): no history.
        Turn next = conversation.turns().get(turn + 1).turn();
        nextBody = endpoint.formatRequest(List.of(), next, streaming);
        nextInputText = String.join(" ", next.texts());
        return;
      }
      Turn sent = conversation.turns().get(turn).turn();
      if (sent.messages() != null) {
        history.addAll(HistoryMessages.ofList(sent.messages()));
      } else {
        history.add(new ChatMessage(sent.role() != null ? sent.role() : "user",
            String.join(" ", sent.texts())));
      }
      if (response.errorType() == null) {
        history.addAll(endpoint.replyMessages(responses(response)));
      }
      Turn next = conversation.turns().get(turn + 1).turn();
      nextBody = endpoint.formatRequest(List.copyOf(history), next, streaming);
      StringBuilder text = new StringBuilder();
      // A whole body is sent as its author wrote it, without this history.
      if (next.rawPayload() == null) {
        for (ChatMessage m : history) {
          text.append(m.content()).append(' ');
        }
      }
      nextInputText = text.append(String.join(" ", next.texts())).toString();
    } catch (RuntimeException e) {
      nextBody = endpoint.formatRequest(List.copyOf(history),
          conversation.turns().get(turn + 1).turn(), streaming);
    }
  }

  /** The reply's bodies: each streamed message's data, or the whole body. */
  private static List<byte[]> responses(RawResponse response) {
    byte[][] messages = response.messageData();
    if (messages != null) {
      List<byte[]> out = new ArrayList<>(response.messageCount());
      for (int i = 0; i < response.messageCount(); i++) {
        out.add(messages[i]);
      }
      return out;
    }
    return response.body() != null ? List.of(response.body()) : List.of();
  }
}
