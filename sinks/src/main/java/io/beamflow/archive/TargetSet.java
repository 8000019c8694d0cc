package io.beamflow.archive;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The configured targets, looked up by their catalog URI. */
final class TargetSet {
    private final Map<String, ArchiveTarget> byUri = new LinkedHashMap<>();

    TargetSet(List<ArchiveTarget> targets) {
        for (ArchiveTarget t : targets) {
            byUri.put(t.uri(), t);
        }
    }

    ArchiveTarget get(String uri) {
        return byUri.get(uri);
    }

    List<ArchiveTarget> all() {
        return List.copyOf(byUri.values());
    }
}
