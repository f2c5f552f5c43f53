package io.aiperf.report.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.aiperf.api.spi.Plugins;
import io.aiperf.api.spi.ReportProvider;
import org.junit.jupiter.api.Test;

/** A typo in META-INF/services would otherwise make Reports fail only at run time. */
final class ProviderRegistrationTest {
  @Test
  void serviceLoader_findsTheDefaultProvider() {
    assertThat(Plugins.select(ReportProvider.class, null))
        .isInstanceOf(DefaultReportProvider.class)
        .extracting(ReportProvider::name).isEqualTo("default");
  }
}
