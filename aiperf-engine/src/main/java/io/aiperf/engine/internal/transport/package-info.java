/** Internal: outside semantic versioning. Nothing here is null unless marked {@code @Nullable}. */
@NullMarked
package io.aiperf.engine.internal.transport;

import org.jspecify.annotations.NullMarked;
