package io.beamflow.sink.live;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One {@link LiveViewPublisher} per job and endpoint in this JVM, shared by the live view's two co-located sink
 * writers (the live path's frames and the record path's counts), counted by reference: bound by the first writer,
 * closed when the last lets go.
 */
final class SharedPublishers {
    private static final Map<String, Shared> SHARED = new HashMap<>();

    /** A publisher and how many writers hold it. */
    private static final class Shared {
        final LiveViewPublisher publisher;
        int holders;

        Shared(LiveViewPublisher publisher) {
            this.publisher = publisher;
        }
    }

    private SharedPublishers() {
    }

    /**
     * @param key  job and endpoint
     * @param bind binds a new publisher (may throw {@link IllegalStateException})
     * @return the key's publisher, bound now if no writer holds it
     */
    static synchronized LiveViewPublisher acquire(String key, Supplier<LiveViewPublisher> bind) {
        Shared s = SHARED.get(key);
        if (s == null) {
            s = new Shared(bind.get());
            SHARED.put(key, s);
        }
        s.holders++;
        return s.publisher;
    }

    /**
     * @param key       job and endpoint
     * @param publisher the publisher {@link #acquire} gave
     */
    static synchronized void release(String key, LiveViewPublisher publisher) {
        Shared s = SHARED.get(key);
        if (s == null || s.publisher != publisher) {
            publisher.close();
            return;
        }
        if (--s.holders == 0) {
            SHARED.remove(key);
            s.publisher.close();
        }
    }
}
