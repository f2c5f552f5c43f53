/**
 * {@code --ui dashboard}: a full-screen live view of a run, drawn with JLine on the terminal's
 * alternate screen, and the log routing that keeps everything else off that screen while it is
 * up.
 */
@NullMarked
package io.aiperf.cli.dashboard;

import org.jspecify.annotations.NullMarked;
