package io.aiperf.api.spi;

/**
 * Marker for what services exchange over a {@link MessageBus}. Messages are immutable (records);
 * a bus that crosses processes encodes them itself, so they carry no wire format.
 *
 * @since 0.1.0
 */
public interface BusMessage {}
