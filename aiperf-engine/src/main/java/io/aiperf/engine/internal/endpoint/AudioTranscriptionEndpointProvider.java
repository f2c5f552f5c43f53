package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.EndpointProvider;
import io.aiperf.api.spi.Media;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.Turn;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * OpenAI audio transcription (Whisper-style {@code /v1/audio/transcriptions}): the turn's first
 * audio clip uploaded as the multipart {@code file} with the {@code model}; the transcript comes
 * back as {@code {"text"}} or, for the text formats, as the whole body.
 */
public final class AudioTranscriptionEndpointProvider implements EndpointProvider {
  private static final Set<String> RESERVED = Set.of("file");
  private static final Map<String, String> MIME = Map.of("wav", "audio/wav", "mp3", "audio/mpeg",
      "mpga", "audio/mpeg", "mpeg", "audio/mpeg", "flac", "audio/flac", "ogg", "audio/ogg",
      "m4a", "audio/mp4", "mp4", "audio/mp4", "webm", "audio/webm");

  @Override
  public String name() {
    return "audio_transcription";
  }

  @Override
  public String description() {
    return "OpenAI audio transcription (/v1/audio/transcriptions): an audio file uploaded as"
        + " multipart/form-data, its transcript out";
  }

  @Override
  public String defaultPath() {
    return "/v1/audio/transcriptions";
  }

  @Override
  public boolean supportsStreaming() {
    return false;
  }

  @Override
  public boolean producesTokens() {
    return false;
  }

  @Override
  public String metricsTitle() {
    return "Audio Transcription Metrics";
  }

  @Override
  public Map<String, String> headers(EndpointConfig config) {
    return ImageEndpointProviders.withFormType(EndpointProvider.super.headers(config));
  }

  @Override
  public Endpoint create(EndpointConfig config) {
    return new Endpoint() {
      @Override
      public byte[] formatRequest(Turn turn, boolean streaming) {
        return Multipart.encode(payload(turn));
      }

      @Override
      public byte[] exportPayload(Turn turn, boolean streaming) {
        return Bodies.write(payload(turn));
      }

      private ObjectNode payload(Turn turn) {
        Media audio = turn.media().stream().filter(m -> m.kind() == Media.Kind.AUDIO)
            .findFirst().orElseThrow(() -> new IllegalArgumentException("audio_transcription"
                + " needs an audio clip in every turn: give --audio-length-mean (synthetic) or"
                + " 'audio' in the dataset file"));
        String format = audio.format().toLowerCase(Locale.ROOT);
        ObjectNode body = Json.MAPPER.createObjectNode();
        body.set("file", Multipart.file(audio.data(), "audio." + format,
            MIME.getOrDefault(format, "audio/" + format)));
        body.put("model", turn.modelIfSet().orElseGet(() -> config.model().orElseThrow()));
        Bodies.putExtras(body, config, RESERVED);
        Bodies.putTurnExtras(body, turn, RESERVED);
        return body;
      }

      @Override
      public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
        if (length == 0) {
          return null;
        }
        JsonNode root = null;
        if (JsonBytes.startsObject(data, offset, length)) {
          root = Bodies.read(data, offset, length);
        }
        if (root == null) {
          // text, srt or vtt: the whole body is the transcript.
          String text = new String(data, offset, length, StandardCharsets.UTF_8);
          return text.isEmpty() ? null : new ParsedResponse(text, null, null);
        }
        Bodies.throwIfError(root);
        String text = Bodies.text(root.get("text"));
        return new ParsedResponse(text == null || text.isEmpty() ? null : text, null,
            Bodies.usage(root.get("usage")));
      }
    };
  }
}
