package io.beamflow.archive.catalog;

/**
 * A copy of a file on one target, as recorded in the archive catalog.
 *
 * @param path            file path (catalog key)
 * @param target          target URI
 * @param state           last known state
 * @param firstVerifiedMs when the copy was first verified (retention starts), null unless VERIFIED
 * @param lastCheckedMs   when the state was last established, epoch ms
 * @param method          how it was verified
 * @param detail          what was wrong, or null
 */
public record CatalogCopy(String path, String target, CopyState state, Long firstVerifiedMs, long lastCheckedMs,
        String method, String detail) {
    /** @return true when VERIFIED */
    public boolean verified() {
        return state == CopyState.VERIFIED;
    }
}
