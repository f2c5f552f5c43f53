package io.aiperf.engine.internal.endpoint;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.aiperf.api.EndpointConfig;
import io.aiperf.api.spi.ChatMessage;
import io.aiperf.api.spi.EndpointProvider.Endpoint;
import io.aiperf.api.spi.ParsedResponse;
import io.aiperf.api.spi.ResponseErrorException;
import io.aiperf.api.spi.Turn;
import io.aiperf.api.spi.Usage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What chat and completions share: body assembly around the endpoint-specific prompt field, and
 * reading {@code choices[0]} and {@code usage} from whole bodies and stream chunks alike.
 *
 * <p>Chunks are read from their bytes by {@link JsonBytes} where it takes them (nearly every chunk
 * a server streams), else in {@link OnePass one pass} of Jackson's parser without a tree;
 * {@link #parseTree} defines the results.
 */
abstract class OpenAiEndpoint implements Endpoint {
  static final ObjectMapper JSON = Json.MAPPER;
  private static final byte[] DONE = "[DONE]".getBytes(StandardCharsets.US_ASCII);
  static final byte[] CHOICES = ascii("choices");
  static final byte[] USAGE = ascii("usage");
  static final byte[] ERROR = ascii("error");
  static final byte[] CONTENT = ascii("content");
  static final byte[] REASONING_CONTENT = ascii("reasoning_content");
  static final byte[] REASONING = ascii("reasoning");
  static final byte[] PROMPT_TOKENS = ascii("prompt_tokens");
  static final byte[] COMPLETION_TOKENS = ascii("completion_tokens");
  static final byte[] TOTAL_TOKENS = ascii("total_tokens");
  static final byte[] COMPLETION_TOKENS_DETAILS = ascii("completion_tokens_details");
  static final byte[] REASONING_TOKENS = ascii("reasoning_tokens");
  static final byte[] PROMPT_TOKENS_DETAILS = ascii("prompt_tokens_details");
  static final byte[] CACHED_TOKENS = ascii("cached_tokens");
  /** Prompt-cache counts some OpenAI-compatible servers put at the top level (DeepSeek, ...). */
  private static final String[] TOP_LEVEL_CACHE_KEYS = {"cache_read_input_tokens",
      "prompt_cache_hit_tokens", "prompt_cache_miss_tokens", "cache_creation_input_tokens",
      "cached_tokens"};
  private static final byte[][] TOP_LEVEL_CACHE_NAMES = java.util.Arrays.stream(TOP_LEVEL_CACHE_KEYS)
      .map(OpenAiEndpoint::ascii).toArray(byte[][]::new);
  static final byte[] TOOL_CALLS = ascii("tool_calls");
  static final byte[] FUNCTION_CALL = ascii("function_call");

  final EndpointConfig config;
  private final OnePass.Reading onePass = this::readChunk;

  OpenAiEndpoint(EndpointConfig config) {
    this.config = config;
  }

  /** Puts the prompt into the body, in the endpoint's shape. */
  abstract void putPrompt(ObjectNode body, Turn turn);

  /** Puts history and prompt into the body; formats without messages join them into one text. */
  void putPrompt(ObjectNode body, List<ChatMessage> history, Turn turn) {
    if (history.isEmpty()) {
      putPrompt(body, turn);
      return;
    }
    StringBuilder joined = new StringBuilder();
    for (ChatMessage m : history) {
      joined.append(m.content()).append('\n');
    }
    putPrompt(body, new Turn(List.of(joined + String.join(" ", turn.texts())), turn.maxTokens()));
  }

  /** Reads the generated text from {@code choices[0]}; {@code reasoning[0]} gets reasoning. */
  abstract @Nullable String readContent(JsonNode choice, @Nullable String[] reasoning);

  /**
   * Reads {@code choices[0]}, from its start through its end, as {@link #readContent} reads its
   * tree: {@code text[0]} gets the content, {@code text[1]} the reasoning (both arrive null).
   *
   * @throws OnePass.NeedsTree if the choice holds something only the tree reading defines
   */
  abstract void readChoice(JsonParser p, @Nullable String[] text)
      throws IOException, OnePass.NeedsTree;

  /**
   * Reads {@code choices[0]}, the object that is the reader's next value, through its end, as
   * {@link #readChoice} does.
   *
   * @throws OnePass.NeedsTree if the choice holds something only Jackson's readings define
   */
  abstract void scanChoice(JsonBytes s, @Nullable String[] text) throws OnePass.NeedsTree;

  @Override
  public byte[] formatRequest(Turn turn, boolean streaming) {
    return formatRequest(List.of(), turn, streaming);
  }

  @Override
  public byte[] formatRequest(List<ChatMessage> history, Turn turn, boolean streaming) {
    ObjectNode body = JSON.createObjectNode();
    putPrompt(body, history, turn);
    body.put("model", turn.modelIfSet().orElseGet(() -> config.model().orElseThrow()));
    body.put("stream", streaming);
    if (sendsTools()) {
      Bodies.putTools(body, turn);
    }
    if (turn.maxTokens() > 0) {
      body.put(maxTokensField(), turn.maxTokens());
    }
    for (Map.Entry<String, Object> e : config.extraInputs().entrySet()) {
      body.set(e.getKey(), JSON.valueToTree(e.getValue()));
    }
    Bodies.putTurnExtras(body, turn, java.util.Set.of());
    // The merged body decides, as AIPerf reads it: a turn's extra may turn streaming off.
    if (body.path("stream").asBoolean(false)) {
      // As AIPerf does: ask for usage in a final chunk of its own (merged into any options the
      // user gave); that chunk carries no text and never counts for timing.
      JsonNode options = body.get("stream_options");
      ObjectNode merged = options instanceof ObjectNode o ? o : JSON.createObjectNode();
      merged.put("include_usage", true);
      body.set("stream_options", merged);
    }
    try {
      return JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Cannot encode the request body: " + e.getMessage(), e);
    }
  }

  String maxTokensField() {
    return "max_tokens";
  }

  /** Whether the format carries a dataset's tool definitions (chat does, completions not). */
  boolean sendsTools() {
    return false;
  }

  @Override
  public @Nullable ParsedResponse parse(byte[] data, int offset, int length) {
    if (length == 0) {
      return null;
    }
    // Only a body this long can hold a string longer than Jackson allows, which it would refuse.
    if (JsonBytes.startsObject(data, offset, length)
        && length <= JSON.getFactory().streamReadConstraints().getMaxStringLength()) {
      try {
        return scanChunk(new JsonBytes(data, offset, length));
      } catch (OnePass.NeedsTree e) {
        // Jackson's readings define this one.
      }
    }
    return parseWithJackson(data, offset, length);
  }

  /** What {@link #parse} does with Jackson, for the bodies {@link JsonBytes} does not take. */
  @Nullable ParsedResponse parseWithJackson(byte[] data, int offset, int length) {
    if (length == 0 || isDone(data, offset, length)) {
      return null;
    }
    try {
      return OnePass.read(data, offset, length, onePass);
    } catch (OnePass.NeedsTree e) {
      return parseTree(data, offset, length);
    }
  }

  /**
   * Reads a body or chunk in one pass, as {@link #parseTree} reads it.
   *
   * @throws OnePass.NeedsTree where only the tree reading defines the result
   */
  ParsedResponse readChunk(JsonParser p) throws IOException, OnePass.NeedsTree {
    if (p.nextToken() != JsonToken.START_OBJECT) {
      throw new OnePass.NeedsTree();
    }
    int seen = 0;
    boolean hasError = false;
    Usage usage = null;
    @Nullable String[] text = new String[2];
    for (String name = OnePass.nextField(p); name != null; name = OnePass.nextField(p)) {
      switch (name) {
        case "choices":
          seen = OnePass.once(seen, 1);
          if (p.currentToken() == JsonToken.START_ARRAY) {
            readFirstChoice(p, text);
          } else {
            p.skipChildren(); // choices that are no array have no text
          }
          break;
        case "usage":
          seen = OnePass.once(seen, 2);
          if (p.currentToken() == JsonToken.START_OBJECT) {
            usage = readUsage(p);
          } else {
            p.skipChildren(); // usage that is no object is no usage
          }
          break;
        case "error":
          hasError = true;
          p.skipChildren();
          break;
        default:
          p.skipChildren();
      }
    }
    if (hasError && (seen & 1) == 0) {
      throw new OnePass.NeedsTree(); // an error report: the tree reading words it
    }
    return new ParsedResponse(text[0], text[1], usage);
  }

  /**
   * Reads a body or chunk from its bytes, as {@link #readChunk} reads it.
   *
   * @throws OnePass.NeedsTree where only Jackson's readings define the result
   */
  ParsedResponse scanChunk(JsonBytes s) throws OnePass.NeedsTree {
    int seen = 0;
    Usage usage = null;
    @Nullable String[] text = new String[2];
    for (boolean more = s.firstField(); more; more = s.nextField()) {
      if (s.nameIs(CHOICES)) {
        seen = OnePass.once(seen, 1);
        if (!s.atArray()) {
          throw new OnePass.NeedsTree();
        }
        if (s.firstElement()) {
          if (!s.atObject()) {
            throw new OnePass.NeedsTree();
          }
          scanChoice(s, text);
          while (s.nextElement()) {
            s.skipValue();
          }
        }
      } else if (s.nameIs(USAGE)) {
        seen = OnePass.once(seen, 2);
        if (!s.nullValue()) {
          if (!s.atObject()) {
            throw new OnePass.NeedsTree();
          }
          usage = scanUsage(s);
        }
      } else if (s.nameIs(ERROR)) {
        throw new OnePass.NeedsTree(); // an error report, or text next to one: rare, and worded
      } else {
        s.skipValue();
      }
    }
    s.finish();
    return new ParsedResponse(text[0], text[1], usage);
  }

  /** Reads a usage object, the reader's next value, as {@link #readUsage(JsonParser)} does. */
  private static Usage scanUsage(JsonBytes s) throws OnePass.NeedsTree {
    long prompt = -1;
    long completion = -1;
    long total = -1;
    long reasoning = -1;
    long cached = -1;
    int seen = 0;
    for (boolean more = s.firstField(); more; more = s.nextField()) {
      if (s.nameIs(PROMPT_TOKENS)) {
        seen = OnePass.once(seen, 1);
        prompt = s.count();
      } else if (s.nameIs(COMPLETION_TOKENS)) {
        seen = OnePass.once(seen, 2);
        completion = s.count();
      } else if (s.nameIs(TOTAL_TOKENS)) {
        seen = OnePass.once(seen, 4);
        total = s.count();
      } else if (s.nameIs(COMPLETION_TOKENS_DETAILS)) {
        seen = OnePass.once(seen, 8);
        reasoning = detailCount(s, REASONING_TOKENS);
      } else if (s.nameIs(PROMPT_TOKENS_DETAILS)) {
        seen = OnePass.once(seen, 16);
        cached = detailCount(s, CACHED_TOKENS);
      } else {
        for (byte[] name : TOP_LEVEL_CACHE_NAMES) {
          if (s.nameIs(name)) {
            throw new OnePass.NeedsTree(); // rare shapes: the tree reading has their rules
          }
        }
        s.skipValue();
      }
    }
    return new Usage(prompt, completion, total, reasoning, cached, -1, -1);
  }

  /**
   * The count named {@code name} in a usage details object (the reader's next value), or -1 when
   * the object is null or lacks it.
   */
  private static long detailCount(JsonBytes s, byte[] name) throws OnePass.NeedsTree {
    if (s.nullValue()) {
      return -1;
    }
    if (!s.atObject()) {
      throw new OnePass.NeedsTree();
    }
    long count = -1;
    int once = 0;
    for (boolean more = s.firstField(); more; more = s.nextField()) {
      if (s.nameIs(name)) {
        once = OnePass.once(once, 1);
        count = s.count();
      } else {
        s.skipValue();
      }
    }
    return count;
  }

  /**
   * Reads the text fields of a {@code delta} or {@code message} object, the reader's next value,
   * as {@link #readMessage} does.
   */
  static void scanMessage(JsonBytes s, @Nullable String[] text) throws OnePass.NeedsTree {
    String content = null;
    String reasoningContent = null;
    String reasoning = null;
    int seen = 0;
    for (boolean more = s.firstField(); more; more = s.nextField()) {
      if (s.nameIs(CONTENT)) {
        seen = OnePass.once(seen, 1);
        content = s.contentText();
      } else if (s.nameIs(REASONING_CONTENT)) {
        seen = OnePass.once(seen, 2);
        reasoningContent = s.textOrNull();
      } else if (s.nameIs(REASONING)) {
        seen = OnePass.once(seen, 4);
        reasoning = s.textOrNull();
      } else if (s.nameIs(TOOL_CALLS) || s.nameIs(FUNCTION_CALL)) {
        if (!s.nullValue()) {
          throw new OnePass.NeedsTree(); // tool calls: rare enough for the tree reading
        }
      } else {
        s.skipValue();
      }
    }
    text[0] = content;
    text[1] = reasoningContent != null ? reasoningContent : reasoning;
  }

  static byte[] ascii(String name) {
    return name.getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads the choices array, on its start, through its end: the text of the first one. */
  private void readFirstChoice(JsonParser p, @Nullable String[] text)
      throws IOException, OnePass.NeedsTree {
    JsonToken first = p.nextToken();
    if (first == JsonToken.START_OBJECT) {
      readChoice(p, text);
    } else {
      p.skipChildren(); // a first choice that is no object has no text
    }
    for (JsonToken t = first; t != JsonToken.END_ARRAY; ) {
      t = p.nextToken();
      if (t == null) {
        throw new OnePass.NeedsTree(); // the parser throws first; never loop on an ended stream
      }
      p.skipChildren();
    }
  }

  /**
   * Reads a usage object, on its start, through its end, as {@link #readUsage(JsonNode)} reads
   * it.
   */
  private static Usage readUsage(JsonParser p) throws IOException, OnePass.NeedsTree {
    long prompt = -1;
    long completion = -1;
    long total = -1;
    long reasoning = -1;
    long cached = -1;
    int seen = 0;
    for (String name = OnePass.nextField(p); name != null; name = OnePass.nextField(p)) {
      switch (name) {
        case "prompt_tokens" -> {
          seen = OnePass.once(seen, 1);
          prompt = OnePass.count(p);
        }
        case "completion_tokens" -> {
          seen = OnePass.once(seen, 2);
          completion = OnePass.count(p);
        }
        case "total_tokens" -> {
          seen = OnePass.once(seen, 4);
          total = OnePass.count(p);
        }
        case "completion_tokens_details" -> {
          seen = OnePass.once(seen, 8);
          if (p.currentToken() == JsonToken.START_OBJECT) {
            reasoning = readDetail(p, "reasoning_tokens");
          } else if (p.currentToken() != JsonToken.VALUE_NULL) {
            throw new OnePass.NeedsTree();
          }
        }
        case "prompt_tokens_details" -> {
          seen = OnePass.once(seen, 16);
          if (p.currentToken() == JsonToken.START_OBJECT) {
            cached = readDetail(p, "cached_tokens");
          } else if (p.currentToken() != JsonToken.VALUE_NULL) {
            throw new OnePass.NeedsTree();
          }
        }
        case "cache_read_input_tokens", "prompt_cache_hit_tokens", "prompt_cache_miss_tokens",
            "cache_creation_input_tokens", "cached_tokens" ->
            throw new OnePass.NeedsTree(); // rare shapes: the tree reading has their rules
        default -> p.skipChildren();
      }
    }
    return new Usage(prompt, completion, total, reasoning, cached, -1, -1);
  }

  /** Reads one count of a details object, on its start, through its end. */
  private static long readDetail(JsonParser p, String field) throws IOException,
      OnePass.NeedsTree {
    long value = -1;
    int seen = 0;
    for (String name = OnePass.nextField(p); name != null; name = OnePass.nextField(p)) {
      if (name.equals(field)) {
        seen = OnePass.once(seen, 1);
        value = OnePass.count(p);
      } else {
        p.skipChildren();
      }
    }
    return value;
  }

  /**
   * Reads the text fields of a {@code delta} or {@code message} object, on its start, through its
   * end, as {@code Chat.readContent} reads them: {@code text[0]} the content, {@code text[1]} the
   * reasoning ({@code reasoning_content}, else {@code reasoning}).
   */
  static void readMessage(JsonParser p, @Nullable String[] text)
      throws IOException, OnePass.NeedsTree {
    String content = null;
    String reasoningContent = null;
    String reasoning = null;
    int seen = 0;
    for (String name = OnePass.nextField(p); name != null; name = OnePass.nextField(p)) {
      switch (name) {
        case "content" -> {
          seen = OnePass.once(seen, 1);
          content = OnePass.text(p);
        }
        case "reasoning_content" -> {
          seen = OnePass.once(seen, 2);
          reasoningContent = OnePass.text(p);
        }
        case "reasoning" -> {
          seen = OnePass.once(seen, 4);
          reasoning = OnePass.text(p);
        }
        case "tool_calls", "function_call" -> {
          if (p.currentToken() != JsonToken.VALUE_NULL) {
            throw new OnePass.NeedsTree(); // tool calls: read by the tree reading
          }
        }
        default -> p.skipChildren();
      }
    }
    text[0] = content;
    text[1] = reasoningContent != null ? reasoningContent : reasoning;
  }

  /** Reads a body or chunk as a tree: what defines the result of {@link #parse}. */
  private ParsedResponse parseTree(byte[] data, int offset, int length) {
    JsonNode root;
    try {
      root = JSON.readTree(data, offset, length);
    } catch (IOException e) {
      throw new IllegalArgumentException("Response is not JSON: " + e.getMessage()
          + "; body starts with: " + preview(data, offset, length));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("Response is not a JSON object; body starts with: "
          + preview(data, offset, length));
    }
    if (root.has("error") && !root.has("choices")) {
      JsonNode error = root.get("error");
      String message = error.isObject() ? error.path("message").asText(error.toString())
          : error.asText();
      String type = error.isObject() ? error.path("type").asText("ResponseError")
          : "ResponseError";
      throw new ResponseErrorException(type, "Server sent an error: " + message);
    }
    Usage usage = readUsage(root.get("usage"));
    JsonNode choices = root.get("choices");
    String content = null;
    @Nullable String[] reasoning = new String[1];
    if (choices != null && choices.isArray() && !choices.isEmpty()) {
      content = readContent(choices.get(0), reasoning);
    }
    // Neither text nor usage (e.g. Azure's prompt_filter_results chunk): carries nothing.
    return new ParsedResponse(content, reasoning[0], usage);
  }

  static @Nullable String text(@Nullable JsonNode node) {
    return node == null || node.isNull() ? null : node.asText();
  }

  private static @Nullable Usage readUsage(@Nullable JsonNode u) {
    if (u == null || !u.isObject()) {
      return null;
    }
    long reasoning = u.path("completion_tokens_details").path("reasoning_tokens").asLong(-1);
    long cached = u.path("prompt_tokens_details").path("cached_tokens").asLong(-1);
    long write = -1;
    long miss = -1;
    // AIPerf's precedence: the nested count, else the first top-level synonym.
    for (String k : new String[] {"cache_read_input_tokens", "prompt_cache_hit_tokens",
        "cached_tokens"}) {
      if (cached < 0 && u.path(k).isNumber()) {
        cached = u.get(k).asLong();
      }
    }
    if (u.path("cache_creation_input_tokens").isNumber()) {
      write = u.get("cache_creation_input_tokens").asLong();
    }
    if (u.path("prompt_cache_miss_tokens").isNumber()) {
      miss = u.get("prompt_cache_miss_tokens").asLong();
    }
    return new Usage(u.path("prompt_tokens").asLong(-1), u.path("completion_tokens").asLong(-1),
        u.path("total_tokens").asLong(-1), reasoning, cached, write, miss);
  }

  static boolean isDone(byte[] data, int offset, int length) {
    int start = offset;
    int end = offset + length;
    while (start < end && Character.isWhitespace(data[start])) {
      start++;
    }
    while (end > start && Character.isWhitespace(data[end - 1])) {
      end--;
    }
    if (end - start != DONE.length) {
      return false;
    }
    for (int i = 0; i < DONE.length; i++) {
      if (data[start + i] != DONE[i]) {
        return false;
      }
    }
    return true;
  }

  static String preview(byte[] data, int offset, int length) {
    String s = new String(data, offset, Math.min(length, 200), StandardCharsets.UTF_8);
    return length > 200 ? s + "…" : s;
  }
}
