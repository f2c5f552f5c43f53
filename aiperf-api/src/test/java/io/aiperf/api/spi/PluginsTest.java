package io.aiperf.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

final class PluginsTest {
  /** Stands for a user's plugin: its package is outside io.aiperf. */
  private record External(String name, int priority) implements Plugin {}

  @Test
  void choose_higherPriorityWins() {
    Plugin low = new External("chat", 1);
    Plugin high = new External("chat", 5);
    assertThat(Plugins.choose("EndpointProvider", List.of(low, high), "chat")).isSameAs(high);
  }

  @Test
  void choose_equalPriority_externalBeatsBuiltIn() {
    Plugin builtIn = new BuiltInPlugin("chat", 0);
    Plugin external = new External("chat", 0);
    assertThat(Plugins.isBuiltIn(builtIn)).isTrue();
    assertThat(Plugins.isBuiltIn(external)).isTrue(); // the test's own package is io.aiperf too
    Plugin user = new com.example.UserPlugin("chat", 0);
    assertThat(Plugins.isBuiltIn(user)).isFalse();
    assertThat(Plugins.choose("EndpointProvider", List.of(builtIn, user), "chat")).isSameAs(user);
    assertThat(Plugins.choose("EndpointProvider", List.of(user, builtIn), "chat")).isSameAs(user);
  }

  @Test
  void choose_higherPriorityBuiltInBeatsExternal() {
    Plugin builtIn = new BuiltInPlugin("chat", 10);
    Plugin user = new com.example.UserPlugin("chat", 0);
    assertThat(Plugins.choose("EndpointProvider", List.of(user, builtIn), "chat"))
        .isSameAs(builtIn);
  }

  @Test
  void choose_nameIsCaseInsensitive() {
    Plugin p = new External("inmemory", 0);
    assertThat(Plugins.choose("MessageBusProvider", List.of(p), "InMemory")).isSameAs(p);
  }

  @Test
  void choose_noName_takesBest() {
    Plugin a = new External("a", 1);
    Plugin b = new External("b", 7);
    assertThat(Plugins.choose("MessageBusProvider", List.of(a, b), null)).isSameAs(b);
  }

  @Test
  void choose_unknownName_listsAvailable() {
    List<Plugin> candidates = List.of(new External("inmemory", 0), new External("zmq", 0));
    assertThatThrownBy(() -> Plugins.choose("MessageBusProvider", candidates, "kafka"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("No MessageBusProvider named 'kafka'; found [inmemory, zmq]. Check the name,"
            + " or add the module that provides it to the class path.");
  }

  private record BuiltInPlugin(String name, int priority) implements Plugin {}
}
