/** See the module documentation. Nothing here is null unless marked {@code @Nullable}. */
@NullMarked
package io.aiperf.jmh;

import org.jspecify.annotations.NullMarked;
