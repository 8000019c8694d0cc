package io.beamflow.archive.target;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The configured targets, looked up by their catalog URI. */
public final class TargetSet {
    private final Map<String, ArchiveTarget> byUri = new LinkedHashMap<>();

    /** @param targets the configured targets */
    public TargetSet(List<ArchiveTarget> targets) {
        for (ArchiveTarget t : targets) {
            byUri.put(t.uri(), t);
        }
    }

    /** @param uri a target URI from the catalog @return the configured target, or null */
    public ArchiveTarget get(String uri) {
        return byUri.get(uri);
    }

    /** @return all targets, in configured order */
    public List<ArchiveTarget> all() {
        return List.copyOf(byUri.values());
    }
}
