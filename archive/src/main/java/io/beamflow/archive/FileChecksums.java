package io.beamflow.archive;

import java.util.Locale;
import java.util.Objects;

/**
 * The checksums Beamflow records for every archived file: ADLER32 (the dCache/WLCG checksum, 8 lower-case
 * hex digits) and SHA-256 (64 lower-case hex digits).
 *
 * @param adler32 ADLER32 as 8 lower-case hex digits
 * @param sha256  SHA-256 as 64 lower-case hex digits
 */
public record FileChecksums(String adler32, String sha256) {
    /** Validates and normalises the hex strings. */
    public FileChecksums {
        Objects.requireNonNull(adler32, "adler32");
        Objects.requireNonNull(sha256, "sha256");
        adler32 = adler32.toLowerCase(Locale.ROOT);
        sha256 = sha256.toLowerCase(Locale.ROOT);
        if (!adler32.matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("ADLER32 must be 8 hex digits: " + adler32);
        }
        if (!sha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("SHA-256 must be 64 hex digits: " + sha256);
        }
    }

    /**
     * Describes how {@code other} differs from these checksums.
     *
     * @param other checksums of another copy
     * @return {@code null} when both checksums match, else a message naming the mismatching ones
     */
    public String mismatch(FileChecksums other) {
        StringBuilder sb = new StringBuilder();
        if (!adler32.equals(other.adler32)) {
            sb.append("adler32 expected ").append(adler32).append(" got ").append(other.adler32);
        }
        if (!sha256.equals(other.sha256)) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append("sha-256 expected ").append(sha256).append(" got ").append(other.sha256);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
