/** See the module documentation. Nothing here is null unless marked {@code @Nullable}. */
@NullMarked
package io.aiperf.examples;

import org.jspecify.annotations.NullMarked;
