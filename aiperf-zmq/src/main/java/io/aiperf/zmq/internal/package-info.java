/** Internal: outside semantic versioning. Nothing here is null unless marked {@code @Nullable}. */
@NullMarked
package io.aiperf.zmq.internal;

import org.jspecify.annotations.NullMarked;
