package io.beamflow.sink.live;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The ports live-view publishers of this JVM bound for endpoints configured with a wildcard port
 * ({@code tcp://127.0.0.1:*}), so that subscribers in the same JVM (the dashboard of the embedded pipeline,
 * tests) find them without probing for a free port first. A publisher on another host (a session cluster's
 * TaskManager) cannot be found this way: configure a fixed port there.
 */
public final class LiveViewEndpoints {
    private static final ConcurrentMap<String, String> BOUND = new ConcurrentHashMap<>();

    private LiveViewEndpoints() {
    }

    /**
     * @param endpoint a configured endpoint
     * @return whether it leaves the port to the system ({@code :*} or {@code :0})
     */
    public static boolean hasWildcardPort(String endpoint) {
        return endpoint != null && (endpoint.endsWith(":*") || endpoint.endsWith(":0"));
    }

    /**
     * @param configured a configured endpoint
     * @return the endpoint to connect to: a fixed one as it is; for a wildcard port, the endpoint a publisher of
     *         this JVM bound for it, empty while none is bound
     */
    public static Optional<String> resolve(String configured) {
        return hasWildcardPort(configured) ? Optional.ofNullable(BOUND.get(configured)) : Optional.of(configured);
    }

    static void bound(String configured, String actual) {
        if (hasWildcardPort(configured)) {
            BOUND.put(configured, actual);
        }
    }

    static void released(String configured, String actual) {
        BOUND.remove(configured, actual);
    }
}
