package com.example;

import io.aiperf.api.spi.Plugin;

/** A plugin from outside aiperf-java's packages, as a user would write it. */
public record UserPlugin(String name, int priority) implements Plugin {}
