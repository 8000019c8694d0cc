package io.beamflow.archive.target;

import io.beamflow.archive.catalog.CopyState;



/**
 * Result of checking one archive copy.
 *
 * @param state  VERIFIED, CORRUPT or MISSING
 * @param method how it was checked ({@link #METHOD_READBACK}, {@code digest:adler32}, {@code digest:sha-256})
 * @param detail what was wrong, or null
 */
public record VerifyOutcome(CopyState state, String method, String detail) {
    /** Verification by reading the copy back and checksumming it. */
    public static final String METHOD_READBACK = "readback";

    /** @param method how it was checked @return a verified outcome */
    public static VerifyOutcome verified(String method) {
        return new VerifyOutcome(CopyState.VERIFIED, method, null);
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
}
