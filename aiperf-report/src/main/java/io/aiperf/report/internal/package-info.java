/**
 * Internal: outside semantic versioning. Reading run directories ({@code RunReader}), the charts
 * they give ({@code Charts}), and the two ways of drawing them ({@code PngWriter},
 * {@code HtmlReport}). Nothing here is null unless marked {@code @Nullable}.
 */
@NullMarked
package io.aiperf.report.internal;

import org.jspecify.annotations.NullMarked;
