package io.aiperf.mock;

/** A request the server answers with HTTP 400; the message goes to the client verbatim. */
final class BadRequestException extends Exception {
    private final String message;

    BadRequestException(String message) {
        super(message, null, false, false);
        this.message = message;
    }

    /** Never null: every bad request says what is wrong with it. */
    @Override
    public String getMessage() {
        return message;
    }
}
