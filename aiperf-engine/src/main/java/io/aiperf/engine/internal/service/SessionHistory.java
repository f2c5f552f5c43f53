package io.aiperf.engine.internal.service;

import io.aiperf.api.spi.ChatMessage;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
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
   * After a turn: appends the user turn and the server's reply (none when the turn failed) to the
   * history and formats the next turn. If that fails, the next turn is sent with the history so
   * far: never lose a credit.
   */
  void prepareNext(EndpointProvider.Endpoint endpoint, PreparedConversation conversation,
      int turn, RawResponse response, boolean streaming) {
    try {
      String reply = response.errorType() != null ? ""
          : replyText(endpoint, response.messageData(), response.messageCount(), response.body());
      Turn sent = conversation.turns().get(turn).turn();
      history.add(new ChatMessage(sent.role() != null ? sent.role() : "user",
          String.join(" ", sent.texts())));
      history.add(new ChatMessage("assistant", reply));
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

  /** The reply's text, for the history; unparseable pieces are left out. */
  private static String replyText(EndpointProvider.Endpoint endpoint, byte @Nullable [][] messages,
      int count, byte @Nullable [] body) {
    StringBuilder reply = new StringBuilder();
    if (messages != null) {
      for (int i = 0; i < count; i++) {
        appendContent(endpoint, reply, messages[i]);
      }
    } else if (body != null) {
      appendContent(endpoint, reply, body);
    }
    return reply.toString();
  }

  private static void appendContent(EndpointProvider.Endpoint endpoint, StringBuilder reply,
      byte[] data) {
    try {
      ParsedResponse r = endpoint.parse(data, 0, data.length);
      if (r != null && r.content() != null) {
        reply.append(r.content());
      }
    } catch (IllegalArgumentException notAResponse) {
      // Errors and odd events carry no reply text.
    }
  }
}
