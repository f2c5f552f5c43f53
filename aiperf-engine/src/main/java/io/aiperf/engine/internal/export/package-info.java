/** Internal: outside semantic versioning. Nothing here is null unless marked {@code @Nullable}. */
@NullMarked
package io.aiperf.engine.internal.export;

import org.jspecify.annotations.NullMarked;
