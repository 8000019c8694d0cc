package io.beamflow.archive.target;

import io.beamflow.archive.catalog.CopyState;

/**
 * Result of checking one archive copy.
 *
 * @param state  VERIFIED, CORRUPT or MISSING
 * @param method how it was checked: {@link #METHOD_DIRECT} (read back bypassing the page cache),
 *               {@link #METHOD_CACHED} (read back through the page cache, where the filesystem refused
 *               {@code O_DIRECT}), {@link #METHOD_HTTP} (downloaded again), {@code digest:adler32} /
 *               {@code digest:adler32+sha-256} (the server's checksum), {@code size}, {@code exists}
 * @param detail what was wrong, or for a verified copy a note on the method (why the page cache was used)
 */
public record VerifyOutcome(CopyState state, String method, String detail) {
    /** Read back with {@code O_DIRECT}: the bytes came from the target's storage, not the page cache. */
    public static final String METHOD_DIRECT = "readback:o_direct";
    /** Read back through the page cache, because the target filesystem refused {@code O_DIRECT}. */
    public static final String METHOD_CACHED = "readback:page-cache";
    /** Downloaded again from a WebDAV server that offered no checksum. */
    public static final String METHOD_HTTP = "readback:http";
    /** Read while restoring the copy (a copy found corrupt then). */
    public static final String METHOD_RESTORE = "readback:restore";
    /** The method recorded by catalogs written before the method was told apart (page cache, unknown). */
    public static final String METHOD_READBACK = "readback";

    /** @param method how it was checked @return a verified outcome */
    public static VerifyOutcome verified(String method) {
        return new VerifyOutcome(CopyState.VERIFIED, method, null);
    }

    /** @param method how it was checked @param note how the method came about @return a verified outcome */
    public static VerifyOutcome verified(String method, String note) {
        return new VerifyOutcome(CopyState.VERIFIED, method, note);
    }

    /** @param method how it was checked @param detail the mismatch @return a corrupt outcome */
    public static VerifyOutcome corrupt(String method, String detail) {
        return new VerifyOutcome(CopyState.CORRUPT, method, detail);
    }

    /** @param detail what is missing @return a missing outcome */
    public static VerifyOutcome missing(String detail) {
        return new VerifyOutcome(CopyState.MISSING, "exists", detail);
    }

    /** @return true when the copy matches */
    public boolean ok() {
        return state == CopyState.VERIFIED;
    }

    /** @return true when the method read what the storage holds (not a page-cache read) */
    public boolean provesMedia() {
        return !METHOD_CACHED.equals(method) && !METHOD_READBACK.equals(method);
    }
}
