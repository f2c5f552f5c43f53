package io.aiperf.mock;

import static io.aiperf.mock.TestHttp.chatBody;
import static io.aiperf.mock.TestHttp.json;
import static io.aiperf.mock.TestHttp.post;
import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingRegistry;
import com.knuddels.jtokkit.api.EncodingType;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

final class TokenizationTest {

    private static final EncodingRegistry REGISTRY = Encodings.newDefaultEncodingRegistry();
    private static final Encoding O200K = REGISTRY.getEncoding(EncodingType.O200K_BASE);
    private static final Encoding CL100K = REGISTRY.getEncoding(EncodingType.CL100K_BASE);

    @Test
    void vocabulary_everyWordIsOneTokenInBothEncodings() {
        assertThat(Vocabulary.WORDS).hasSize(64);
        assertThat(new HashSet<>(Vocabulary.WORDS)).hasSize(64);
        for (String word : Vocabulary.WORDS) {
            assertThat(word).matches(" [a-z]+");
            assertThat(O200K.countTokens(word)).as("o200k %s", word).isEqualTo(1);
            assertThat(CL100K.countTokens(word)).as("cl100k %s", word).isEqualTo(1);
        }
    }

    @Test
    void vocabulary_everyPairStaysTwoTokens() {
        for (String a : Vocabulary.WORDS) {
            for (String b : Vocabulary.WORDS) {
                assertThat(O200K.countTokens(a + b)).as("o200k '%s%s'", a, b).isEqualTo(2);
                assertThat(CL100K.countTokens(a + b)).as("cl100k '%s%s'", a, b).isEqualTo(2);
            }
        }
    }

    @Test
    void output_of1000Tokens_countsExactly1000InBothEncodings() throws Exception {
        try (MockLlmServer server = MockLlmServer.start(MockServerOptions.builder().port(0).fast(true).build())) {
            for (String prompt : new String[] {"first prompt", "a different prompt", "x"}) {
                String content = json(post(server.baseUrl() + "/v1/chat/completions", chatBody(prompt, false, 1000, false))
                                .body())
                        .get("choices").get(0).get("message").get("content").asText();

                assertThat(O200K.countTokens(content)).isEqualTo(1000);
                assertThat(CL100K.countTokens(content)).isEqualTo(1000);
            }
        }
    }
}
