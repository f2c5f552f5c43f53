/** Internal: outside semantic versioning. Nothing here is null unless marked {@code @Nullable}. */
@NullMarked
package io.aiperf.engine.internal.tokenizer;

import org.jspecify.annotations.NullMarked;
