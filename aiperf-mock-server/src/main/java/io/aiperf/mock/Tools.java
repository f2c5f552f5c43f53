package io.aiperf.mock;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/** Reading the tool definitions and message lists of requests, in the three APIs' shapes. */
final class Tools {
    private Tools() {}

    /**
     * The first function a request offers: OpenAI chat's {@code {type, function: {name}}}, the
     * Responses API's {@code {type: "function", name}} or Anthropic's {@code {name,
     * input_schema}}; null when there is none.
     */
    static @Nullable String firstName(@Nullable JsonNode tools) {
        if (tools == null || !tools.isArray()) {
            return null;
        }
        for (JsonNode tool : tools) {
            JsonNode name = tool.path("function").get("name");
            if (name == null) {
                name = tool.get("name");
            }
            if (name != null && name.isTextual() && !name.asText().isEmpty()) {
                return name.asText();
            }
        }
        return null;
    }

    /** Hands every text of a message list ({@code content} strings and text parts) over. */
    static void addMessages(JsonNode messages, Consumer<JsonNode> text) {
        for (JsonNode m : messages) {
            JsonNode content = m.path("content");
            if (content.isArray()) {
                content.forEach(part -> text.accept(part.path("text")));
            } else {
                text.accept(content);
            }
        }
    }
}
