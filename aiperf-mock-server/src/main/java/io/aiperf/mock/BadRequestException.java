package io.aiperf.mock;

/** A request the server answers with HTTP 400; the message goes to the client verbatim. */
final class BadRequestException extends Exception {
    BadRequestException(String message) {
        super(message, null, false, false);
    }
}
