/**
 * Plugin interfaces. Every kind is found with {@link java.util.ServiceLoader} and chosen by name
 * through {@link io.aiperf.api.spi.Plugins}: when two providers share a name the higher
 * {@link io.aiperf.api.spi.Plugin#priority()} wins, and at equal priority a provider from outside
 * aiperf-java's own packages wins, so users can replace any built-in piece.
 */
@NullMarked
package io.aiperf.api.spi;

import org.jspecify.annotations.NullMarked;
