/** Internal: outside semantic versioning. Nothing here is null unless marked {@code @Nullable}. */
@NullMarked
package io.aiperf.engine.internal.bus;

import org.jspecify.annotations.NullMarked;
