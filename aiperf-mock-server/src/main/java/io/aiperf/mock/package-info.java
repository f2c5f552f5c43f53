/**
 * An embeddable OpenAI-compatible mock LLM server on Netty, for testing and calibrating
 * benchmark clients against known latencies.
 *
 * <p>Entry points: {@link io.aiperf.mock.MockLlmServer#start(MockServerOptions)} for embedding
 * and {@link io.aiperf.mock.MockServerMain} for the command line.
 */
@NullMarked
package io.aiperf.mock;

import org.jspecify.annotations.NullMarked;
