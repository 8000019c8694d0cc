package io.beamflow.app.cli;

/**
 * A command cannot start because of its configuration or its environment (a bad value, a port in
 * use, a missing file). The message is one line naming the file, line and key and what is allowed;
 * the command line prints it without a stack trace and exits with status 2.
 */
final class StartupException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StartupException(String message) {
        super(message);
    }
}
