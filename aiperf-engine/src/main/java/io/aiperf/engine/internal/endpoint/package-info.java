/** Internal: outside semantic versioning. Nothing here is null unless marked {@code @Nullable}. */
@NullMarked
package io.aiperf.engine.internal.endpoint;

import org.jspecify.annotations.NullMarked;
