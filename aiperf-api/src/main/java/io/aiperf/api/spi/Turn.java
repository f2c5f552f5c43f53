package io.aiperf.api.spi;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * One request's worth of input: the texts of the user message, its images and audio, the output
 * length to ask for, and when to send it.
 *
 * <pre>{@code
 * Turn t = new Turn(List.of("Describe the picture."), 64)
 *     .withMedia(List.of(Media.image("data:image/png;base64,...", "png")))
 *     .withModel("qwen-vl");
 * }</pre>
 *
 * @param texts the prompt texts (one for chat; several for batched endpoints)
 * @param maxTokens the output tokens to ask for, 0 for no limit
 * @param delayMillis for a later turn of a session: how long after the previous turn's response it
 *     is sent; 0 for at once
 * @param timestampMillis for a trace: when to send it, in ms from the trace's origin; -1 for none
 * @param media images and audio clips sent with the texts, in order; empty for text only
 * @param model the model this turn is sent to, or null for the endpoint's model (several
 *     {@code -m} models are spread over turns this way)
 * @param systemPrompt a system message sent before the conversation, or null for none
 * @param role the role of the turn's message ({@code user} when null), as AIPerf's
 *     {@code single_turn} {@code role}
 * @param extraBody fields merged into the request body last, over the endpoint's own and the
 *     user's {@code --extra-inputs} (AIPerf's per-turn {@code extra}), as JSON text of an object,
 *     or null for none
 * @param tools the tool definitions sent as the body's {@code tools}, as JSON text of an array
 *     (sent as written), or null for none
 * @param messages a whole message list sent instead of one built from {@link #texts()}, as JSON
 *     text of an array of {@code {role, content, ...}} objects (AIPerf's trace {@code messages}),
 *     or null; {@link #texts()} then holds its text contents, for counting
 * @param rawPayload the whole request body, as JSON text, sent as it is whatever the endpoint
 *     (AIPerf's {@code raw_payload} and {@code inputs_json}), or null to let the endpoint format
 *     the turn; {@link #texts()} then holds its text contents, for counting
 * @since 0.1.0
 */
public record Turn(List<String> texts, int maxTokens, long delayMillis, long timestampMillis,
    List<Media> media, @Nullable String model, @Nullable String systemPrompt,
    @Nullable String role, @Nullable String extraBody, @Nullable String tools,
    @Nullable String messages, @Nullable String rawPayload) {
  /**
   * Copies the lists and checks the values.
   *
   * @param texts the prompt texts (one for chat; several for batched endpoints)
   * @param maxTokens the output tokens to ask for, 0 for no limit
   * @param delayMillis for a later turn of a session: how long after the previous turn's response it
   *     is sent; 0 for at once
   * @param timestampMillis for a trace: when to send it, in ms from the trace's origin; -1 for none
   * @param media images and audio clips sent with the texts, in order; empty for text only
   * @param model the model this turn is sent to, or null for the endpoint's model (several
   *     {@code -m} models are spread over turns this way)
   * @param systemPrompt a system message sent before the conversation, or null for none
   * @param role the role of the turn's message, or null for {@code user}
   * @param extraBody fields merged into the request body last, as JSON text of an object, or
   *     null
   * @param tools tool definitions as JSON text of an array, or null
   * @param messages a whole message list as JSON text of an array, or null
   * @param rawPayload the whole request body as JSON text, or null
   */
  public Turn {
    texts = List.copyOf(texts);
    media = List.copyOf(media);
    if (maxTokens < 0) {
      throw new IllegalArgumentException("maxTokens must be >= 0 but was " + maxTokens);
    }
    if (delayMillis < 0) {
      throw new IllegalArgumentException("delayMillis must be >= 0 but was " + delayMillis);
    }
  }

  /**
   * A turn with media, model and system prompt, and none of the dataset's verbatim parts.
   *
   * @param texts the prompt texts
   * @param maxTokens the output tokens to ask for, 0 for no limit
   * @param delayMillis delay after the previous turn's response, ms
   * @param timestampMillis trace timestamp, ms, or -1
   * @param media images and audio clips, in order
   * @param model the model, or null for the endpoint's
   * @param systemPrompt a system message, or null for none
   */
  public Turn(List<String> texts, int maxTokens, long delayMillis, long timestampMillis,
      List<Media> media, @Nullable String model, @Nullable String systemPrompt) {
    this(texts, maxTokens, delayMillis, timestampMillis, media, model, systemPrompt, null,
        null, null, null, null);
  }

  /**
   * A text-only turn on the endpoint's model (the constructor of 0.1.0 before media).
   *
   * @param texts the prompt texts
   * @param maxTokens the output tokens to ask for, 0 for no limit
   * @param delayMillis delay after the previous turn's response, ms
   * @param timestampMillis trace timestamp, ms, or -1
   */
  public Turn(List<String> texts, int maxTokens, long delayMillis, long timestampMillis) {
    this(texts, maxTokens, delayMillis, timestampMillis, List.of(), null, null);
  }

  /**
   * A turn sent as soon as it may be, with no timestamp.
   *
   * @param texts the prompt texts
   * @param maxTokens the output tokens to ask for, 0 for no limit
   */
  public Turn(List<String> texts, int maxTokens) {
    this(texts, maxTokens, 0, -1);
  }

  /**
   * Returns a copy with these images and audio clips.
   *
   * @param media the media, in the order they are sent
   * @return the changed copy
   */
  public Turn withMedia(List<Media> media) {
    return new Turn(texts, maxTokens, delayMillis, timestampMillis, media, model, systemPrompt,
        role, extraBody, tools, messages, rawPayload);
  }

  /**
   * Returns a copy sent to this model instead of the endpoint's.
   *
   * @param model the model name, or null for the endpoint's
   * @return the changed copy
   */
  public Turn withModel(@Nullable String model) {
    return new Turn(texts, maxTokens, delayMillis, timestampMillis, media, model, systemPrompt,
        role, extraBody, tools, messages, rawPayload);
  }

  /**
   * Returns a copy with this system message before the conversation.
   *
   * @param systemPrompt the system message, or null for none
   * @return the changed copy
   */
  public Turn withSystemPrompt(@Nullable String systemPrompt) {
    return new Turn(texts, maxTokens, delayMillis, timestampMillis, media, model, systemPrompt,
        role, extraBody, tools, messages, rawPayload);
  }

  /**
   * Returns a copy with this role for its message.
   *
   * @param role {@code user}, {@code system}, {@code assistant}, ...; null for {@code user}
   * @return the changed copy
   */
  public Turn withRole(@Nullable String role) {
    return new Turn(texts, maxTokens, delayMillis, timestampMillis, media, model, systemPrompt,
        role, extraBody, tools, messages, rawPayload);
  }

  /**
   * Returns a copy whose request body gets these fields last.
   *
   * @param extraBody JSON text of an object of request fields, or null for none
   * @return the changed copy
   */
  public Turn withExtraBody(@Nullable String extraBody) {
    return new Turn(texts, maxTokens, delayMillis, timestampMillis, media, model, systemPrompt,
        role, extraBody, tools, messages, rawPayload);
  }

  /**
   * Returns a copy that sends these tool definitions.
   *
   * @param tools JSON text of an array of tool definitions, or null for none
   * @return the changed copy
   */
  public Turn withTools(@Nullable String tools) {
    return new Turn(texts, maxTokens, delayMillis, timestampMillis, media, model, systemPrompt,
        role, extraBody, tools, messages, rawPayload);
  }

  /**
   * Returns a copy that sends this message list instead of one built from its texts.
   *
   * @param messages JSON text of an array of message objects, or null
   * @return the changed copy
   */
  public Turn withMessages(@Nullable String messages) {
    return new Turn(texts, maxTokens, delayMillis, timestampMillis, media, model, systemPrompt,
        role, extraBody, tools, messages, rawPayload);
  }

  /**
   * Returns a copy sent as this body, whatever the endpoint.
   *
   * @param rawPayload JSON text of the whole request body, or null to let the endpoint format it
   * @return the changed copy
   */
  public Turn withRawPayload(@Nullable String rawPayload) {
    return new Turn(texts, maxTokens, delayMillis, timestampMillis, media, model, systemPrompt,
        role, extraBody, tools, messages, rawPayload);
  }

  /**
   * Returns a copy with this delay and timestamp.
   *
   * @param delayMillis delay after the previous turn's response, ms
   * @param timestampMillis trace timestamp, ms, or -1
   * @return the changed copy
   */
  public Turn withTiming(long delayMillis, long timestampMillis) {
    return new Turn(texts, maxTokens, delayMillis, timestampMillis, media, model, systemPrompt,
        role, extraBody, tools, messages, rawPayload);
  }

  /**
   * Returns the model this turn goes to, when it is not the endpoint's.
   *
   * @return the model, empty for the endpoint's
   */
  public Optional<String> modelIfSet() {
    return Optional.ofNullable(model);
  }

  /**
   * Returns the requested output length.
   *
   * @return the tokens, empty for no limit
   */
  public OptionalInt maxTokensIfSet() {
    return maxTokens == 0 ? OptionalInt.empty() : OptionalInt.of(maxTokens);
  }

  /**
   * Tells whether the turn has a trace timestamp.
   *
   * @return true for a timestamped turn
   */
  public boolean hasTimestamp() {
    return timestampMillis >= 0;
  }
}
