package io.aiperf.mock;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufInputStream;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The media routes: OpenAI image generation (JSON, streamed or not), image edit and audio
 * transcription (multipart uploads, as OpenAI and SGLang take them). Each request is checked as
 * those APIs check it, then answered on the usual TTFT/ITL schedule: an image is one small real
 * PNG, a transcript has about 2.5 words per second of the uploaded WAV.
 */
final class MediaRoutes {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A real 1×1 PNG: small, yet decodable by any client that checks what it got. */
    static final String PNG_B64 = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDw"
            + "AChwGA60e6kgAAAABJRU5ErkJggg==";
    /** Words a speaker says per second, for a transcript's length. */
    static final double WORDS_PER_SECOND = 2.5;
    private static final int MAX_IMAGES = 10;

    private MediaRoutes() {}

    /** The route's wire name for a path, or null when the path is no media route. */
    static @Nullable Endpoint forPath(String path) {
        switch (path) {
            case "/v1/images/generations":
                return Endpoint.IMAGE_GENERATIONS;
            case "/v1/images/edits":
                return Endpoint.IMAGE_EDITS;
            case "/v1/audio/transcriptions":
                return Endpoint.AUDIO_TRANSCRIPTIONS;
            default:
                return null;
        }
    }

    /**
     * Parses and plans the answer to one media request.
     *
     * @throws BadRequestException naming what is missing or malformed
     */
    static Answer plan(Endpoint route, FullHttpRequest req, String id, long created)
            throws BadRequestException {
        if (route == Endpoint.IMAGE_GENERATIONS) {
            JsonNode root = json(req.content());
            String prompt = text(root.get("prompt"), "prompt");
            int n = count(root.get("n"));
            boolean stream = root.path("stream").asBoolean(false);
            int partial = root.path("partial_images").asInt(0);
            if (partial < 0 || partial > 3) {
                throw new BadRequestException("'partial_images' must be between 0 and 3");
            }
            return new ImageAnswer(id, created, words(prompt), n, stream ? partial + 1 : 1, stream,
                    root.path("response_format").asText("b64_json"));
        }
        Map<String, String> fields = new LinkedHashMap<>();
        Map<String, byte[]> files = new LinkedHashMap<>();
        multipart(req, fields, files);
        if (route == Endpoint.IMAGE_EDITS) {
            String prompt = fields.get("prompt");
            if (prompt == null || prompt.isEmpty()) {
                throw new BadRequestException("'prompt' is required: a form field");
            }
            byte[] image = files.get("image");
            if (image == null && fields.get("url") == null) {
                throw new BadRequestException("'image' is required: a file (or 'url')");
            }
            if (image != null && !isImage(image)) {
                throw new BadRequestException("'image' must be a PNG, JPEG, WebP or GIF file");
            }
            int n = count(fields.containsKey("n") ? JSON.getNodeFactory().textNode(fields.get("n")) : null);
            return new ImageAnswer(id, created, words(prompt), n, 1, false,
                    fields.getOrDefault("response_format", "b64_json"));
        }
        byte[] audio = files.get("file");
        if (audio == null) {
            throw new BadRequestException("'file' is required: the audio to transcribe");
        }
        if (fields.get("model") == null) {
            throw new BadRequestException("'model' is required: a form field");
        }
        double seconds = wavSeconds(audio);
        int words = (int) Math.max(1, Math.round(seconds * WORDS_PER_SECOND));
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < Math.min(audio.length, 4096); i++) {
            hash = (hash ^ audio[i]) * 0x100000001b3L;
        }
        return new TranscriptAnswer(words, seconds, Vocabulary.mix(hash));
    }

    /** Whether the answer is a stream of events (image generation with {@code stream: true}). */
    static boolean streams(Answer answer) {
        return answer instanceof ImageAnswer i && i.stream;
    }

    private static JsonNode json(ByteBuf body) throws BadRequestException {
        JsonNode root;
        try (InputStream in = new ByteBufInputStream(body.duplicate())) {
            root = JSON.readTree(in);
        } catch (JsonProcessingException e) {
            throw new BadRequestException("Request body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new BadRequestException("Request body could not be read: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw new BadRequestException("Request body must be a JSON object");
        }
        return root;
    }

    private static String text(@Nullable JsonNode n, String name) throws BadRequestException {
        if (n == null || !n.isTextual() || n.asText().isEmpty()) {
            throw new BadRequestException("'" + name + "' is required: a string");
        }
        return n.asText();
    }

    private static int count(@Nullable JsonNode n) throws BadRequestException {
        if (n == null || n.isNull()) {
            return 1;
        }
        int v = n.isTextual() ? parse(n.asText()) : n.canConvertToInt() ? n.asInt() : -1;
        if (v < 1 || v > MAX_IMAGES) {
            throw new BadRequestException("'n' must be between 1 and " + MAX_IMAGES);
        }
        return v;
    }

    private static int parse(String s) {
        try {
            return Integer.parseInt(s.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static long words(String prompt) {
        return Math.max(1, prompt.strip().split("\\s+").length);
    }

    /** Reads a multipart/form-data body into its text fields and files; anything else is refused. */
    private static void multipart(FullHttpRequest req, Map<String, String> fields,
            Map<String, byte[]> files) throws BadRequestException {
        String type = req.headers().get("content-type", "");
        if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
            throw new BadRequestException("Content-Type must be multipart/form-data but was '" + type + "'");
        }
        HttpPostRequestDecoder decoder;
        try {
            decoder = new HttpPostRequestDecoder(new DefaultHttpDataFactory(false), req);
        } catch (HttpPostRequestDecoder.ErrorDataDecoderException e) {
            throw new BadRequestException("Malformed multipart body: " + e.getMessage());
        }
        try {
            for (InterfaceHttpData data : decoder.getBodyHttpDatas()) {
                if (data instanceof FileUpload f) {
                    files.put(f.getName(), f.get());
                } else if (data instanceof Attribute a) {
                    fields.put(a.getName(), a.getValue());
                }
            }
        } catch (IOException | HttpPostRequestDecoder.NotEnoughDataDecoderException
                | HttpPostRequestDecoder.ErrorDataDecoderException e) {
            throw new BadRequestException("Malformed multipart body: " + e.getMessage());
        } finally {
            decoder.destroy();
        }
    }

    private static boolean isImage(byte[] b) {
        return startsWith(b, new byte[] {(byte) 0x89, 'P', 'N', 'G'})
                || startsWith(b, new byte[] {(byte) 0xFF, (byte) 0xD8})
                || startsWith(b, "GIF8".getBytes(StandardCharsets.US_ASCII))
                || (startsWith(b, "RIFF".getBytes(StandardCharsets.US_ASCII)) && b.length > 12
                        && new String(b, 8, 4, StandardCharsets.US_ASCII).equals("WEBP"));
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A WAV file's length in seconds from its {@code fmt } and {@code data} chunks; other formats
     * (which the mock cannot decode) count as one second per 16 KiB.
     */
    static double wavSeconds(byte[] b) {
        if (b.length < 12 || !startsWith(b, "RIFF".getBytes(StandardCharsets.US_ASCII))) {
            return Math.max(1, b.length / 16384.0);
        }
        long byteRate = 0;
        long dataBytes = -1;
        int at = 12;
        while (at + 8 <= b.length) {
            String chunk = new String(b, at, 4, StandardCharsets.US_ASCII);
            long size = le32(b, at + 4);
            if (chunk.equals("fmt ") && at + 16 <= b.length) {
                byteRate = le32(b, at + 16);
            } else if (chunk.equals("data")) {
                dataBytes = Math.min(size, b.length - at - 8L);
                break;
            }
            at += 8 + (int) Math.min(size + (size & 1), Integer.MAX_VALUE - at - 8);
        }
        return byteRate > 0 && dataBytes >= 0 ? dataBytes / (double) byteRate
                : Math.max(1, b.length / 16384.0);
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16
                | (b[at + 3] & 0xFFL) << 24;
    }

    private static byte[] bytes(Object node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Images: partial images then the completed one when streamed; the data list when whole. */
    private static final class ImageAnswer implements Answer {
        private final String id;
        private final long created;
        private final long promptTokens;
        private final int n;
        private final int events;
        private final boolean stream;
        private final boolean url;

        ImageAnswer(String id, long created, long promptTokens, int n, int events, boolean stream,
                String responseFormat) {
            this.id = id;
            this.created = created;
            this.promptTokens = promptTokens;
            this.n = n;
            this.events = events;
            this.stream = stream;
            this.url = responseFormat.equals("url");
        }

        @Override
        public int tokens() {
            return events;
        }

        @Override
        public Vocabulary.Sequence words() {
            return new Vocabulary.Sequence(created);
        }

        @Override
        public int maxChunkBytes() {
            return 512 + PNG_B64.length() + id.length();
        }

        @Override
        public long promptTokens() {
            return promptTokens;
        }

        @Override
        public String finishReason() {
            return "stop";
        }

        @Override
        public void appendChunk(ByteBuf out, int i, int word) {
            boolean last = i == events - 1;
            String type = last ? "image_generation.completed" : "image_generation.partial_image";
            ObjectNode e = JSON.createObjectNode().put("type", type).put("b64_json", PNG_B64)
                    .put("created_at", created).put("size", "1x1").put("quality", "low")
                    .put("background", "opaque").put("output_format", "png");
            if (last) {
                e.set("usage", usage());
            } else {
                e.put("partial_image_index", i);
            }
            out.writeBytes(("event: " + type + "\ndata: ").getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(bytes(e));
            out.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public void appendTrailer(ByteBuf out) {}

        @Override
        public ByteBuf body(ByteBufAllocator alloc) {
            ObjectNode e = JSON.createObjectNode().put("created", created);
            ArrayNode data = e.putArray("data");
            for (int i = 0; i < n; i++) {
                if (url) {
                    data.addObject().put("url", "data:image/png;base64," + PNG_B64);
                } else {
                    data.addObject().put("b64_json", PNG_B64);
                }
            }
            e.put("size", "1x1").put("quality", "low").put("background", "opaque")
                    .put("output_format", "png");
            e.set("usage", usage());
            return alloc.buffer().writeBytes(bytes(e));
        }

        private ObjectNode usage() {
            // OpenAI's image usage: prompt tokens in, a fixed 272 tokens per low-quality image out.
            long out = 272L * n;
            ObjectNode u = JSON.createObjectNode().put("total_tokens", promptTokens + out)
                    .put("input_tokens", promptTokens).put("output_tokens", out);
            u.putObject("input_tokens_details").put("text_tokens", promptTokens).put("image_tokens", 0);
            return u;
        }

        @Override
        public String toString() {
            return "ImageAnswer{" + id + ", n=" + n + ", stream=" + stream + "}";
        }
    }

    /** A transcript: one word per token of the schedule, sent whole as {@code {"text", "usage"}}. */
    private static final class TranscriptAnswer implements Answer {
        private final int words;
        private final double seconds;
        private final long wordSeed;

        TranscriptAnswer(int words, double seconds, long wordSeed) {
            this.words = words;
            this.seconds = seconds;
            this.wordSeed = wordSeed;
        }

        @Override
        public int tokens() {
            return words;
        }

        @Override
        public Vocabulary.Sequence words() {
            return new Vocabulary.Sequence(wordSeed);
        }

        @Override
        public int maxChunkBytes() {
            return 64;
        }

        @Override
        public long promptTokens() {
            return 0;
        }

        @Override
        public String finishReason() {
            return "stop";
        }

        @Override
        public void appendChunk(ByteBuf out, int i, int word) {
            throw new IllegalStateException("transcriptions are not streamed");
        }

        @Override
        public void appendTrailer(ByteBuf out) {}

        @Override
        public ByteBuf body(ByteBufAllocator alloc) {
            StringBuilder text = new StringBuilder();
            Vocabulary.Sequence seq = words();
            for (int i = 0; i < words; i++) {
                text.append(Vocabulary.WORDS.get(seq.next()));
            }
            ObjectNode e = JSON.createObjectNode().put("text", text.toString().strip());
            e.putObject("usage").put("type", "duration").put("seconds", (long) Math.ceil(seconds));
            return alloc.buffer().writeBytes(bytes(e));
        }
    }
}
