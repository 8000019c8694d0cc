package io.beamflow.sink.live;

import java.io.Serializable;

/**
 * Decides who may subscribe to the live view: with one, the publisher's PUB socket is a ZeroMQ PLAIN server and every
 * connecting subscriber's user name and password are checked through ZAP (ZeroMQ's authentication protocol) before
 * it receives anything. Serializable: it travels with the Flink job to where the publisher runs.
 */
public interface LiveViewAuthenticator extends Serializable {
    /**
     * @param username the subscriber's PLAIN user name
     * @param password its PLAIN password (ZMTP allows at most 255 bytes)
     * @return {@code null} when it may subscribe, else a short reason tag (counted, logged)
     */
    String refusal(String username, String password);
}
