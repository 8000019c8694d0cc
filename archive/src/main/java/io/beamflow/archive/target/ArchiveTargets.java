package io.beamflow.archive.target;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Creates {@link ArchiveTarget}s from the target strings of the configuration. */
public final class ArchiveTargets {
    /** Default timeout of WebDAV requests without a body. */
    public static final long DEFAULT_HTTP_TIMEOUT_MS = 30_000;

    private ArchiveTargets() {
    }

    /**
     * @param spec          {@code file:///path}, a plain absolute or relative path, or {@code http(s)://...} (WebDAV)
     * @param authorization HTTP {@code Authorization} header value for WebDAV targets, or null
     * @return the target
     * @throws IllegalArgumentException for an unsupported scheme
     */
    public static ArchiveTarget of(String spec, String authorization) {
        return of(spec, authorization, DEFAULT_HTTP_TIMEOUT_MS);
    }

    /**
     * @param spec          as for {@link #of(String, String)}
     * @param authorization HTTP {@code Authorization} header value for WebDAV targets, or null
     * @param httpTimeoutMs WebDAV connect and request timeout
     * @return the target
     */
    public static ArchiveTarget of(String spec, String authorization, long httpTimeoutMs) {
        String s = spec.trim();
        if (s.startsWith("http://") || s.startsWith("https://")) {
            return new WebDavTarget(URI.create(s), httpTimeoutMs, authorization);
        }
        if (s.startsWith("file:")) {
            return new PosixTarget(Path.of(URI.create(s)));
        }
        if (s.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            throw new IllegalArgumentException("unsupported archive target '" + spec
                    + "': use file:///path, a path, or http(s):// (WebDAV)");
        }
        return new PosixTarget(Path.of(s));
    }

    /**
     * @param specs         target strings
     * @param authorization HTTP authorization, or null
     * @return targets in the given order
     */
    public static List<ArchiveTarget> of(List<String> specs, String authorization) {
        return of(specs, authorization, DEFAULT_HTTP_TIMEOUT_MS);
    }

    /**
     * @param specs         target strings
     * @param authorization HTTP authorization, or null
     * @param httpTimeoutMs WebDAV connect and request timeout
     * @return targets in the given order
     */
    public static List<ArchiveTarget> of(List<String> specs, String authorization, long httpTimeoutMs) {
        List<ArchiveTarget> out = new ArrayList<>();
        for (String s : specs) {
            out.add(of(s, authorization, httpTimeoutMs));
        }
        return out;
    }
}
