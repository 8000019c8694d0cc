package io.beamflow.archive.catalog;

/** State of one copy of a file on one target, as recorded in the catalog. */
public enum CopyState {
    /** Bytes on the target match the catalog checksums. */
    VERIFIED,
    /** The copy exists but its size or checksums do not match the catalog. */
    CORRUPT,
    /** There is no copy at the expected path. */
    MISSING,
    /** Copying or verifying failed with an error (target unreachable, I/O error). */
    FAILED
}
