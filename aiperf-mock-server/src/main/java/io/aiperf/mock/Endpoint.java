package io.aiperf.mock;

import org.jspecify.annotations.Nullable;

/** The inference routes, at AIPerf's default paths, and the wire names that differ between them. */
enum Endpoint {
    CHAT("/v1/chat/completions", "chatcmpl-", "chat.completion", "chat.completion.chunk"),
    COMPLETIONS("/v1/completions", "cmpl-", "text_completion", "text_completion"),
    EMBEDDINGS("/v1/embeddings", "embd-", "list", "list"),
    NIM_RANKINGS("/v1/ranking", "rank-", "rankings", "rankings"),
    COHERE_RANKINGS("/v2/rerank", "rerank-", "rerank", "rerank"),
    TEI_RANKINGS("/rerank", "rerank-", "rerank", "rerank"),
    HF_GENERATE("/generate", "gen-", "generate", "generate"),
    HF_GENERATE_STREAM("/generate_stream", "gen-", "generate", "generate"),
    RESPONSES("/v1/responses", "resp_", "response", "response"),
    MESSAGES("/v1/messages", "msg_", "message", "message"),
    // The media routes: answered by MediaRoutes, never through forPath's API route.
    IMAGE_GENERATIONS("/v1/images/generations", "img-", "image", "image"),
    IMAGE_EDITS("/v1/images/edits", "img-", "image", "image"),
    AUDIO_TRANSCRIPTIONS("/v1/audio/transcriptions", "trsc-", "transcription", "transcription");

    final String path;
    final String idPrefix;
    final String object;
    final String chunkObject;

    Endpoint(String path, String idPrefix, String object, String chunkObject) {
        this.path = path;
        this.idPrefix = idPrefix;
        this.object = object;
        this.chunkObject = chunkObject;
    }

    /** The route serving {@code path}, or null. */
    static @Nullable Endpoint forPath(String path) {
        for (Endpoint e : values()) {
            if (e.path.equals(path) && MediaRoutes.forPath(path) == null) {
                return e;
            }
        }
        return null;
    }

    /** Whether answers carry generated text (embeddings and rerankers do not). */
    boolean generates() {
        switch (this) {
            case EMBEDDINGS:
            case NIM_RANKINGS:
            case COHERE_RANKINGS:
            case TEI_RANKINGS:
                return false;
            default:
                return true;
        }
    }
}
