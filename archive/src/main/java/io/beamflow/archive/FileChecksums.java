package io.beamflow.archive;

import java.util.Locale;
import java.util.Objects;

/**
 * The checksums Beamflow records for an archived file: ADLER32 always (dCache's checksum, 8 lower-case hex
 * digits) and SHA-256 when configured (64 lower-case hex digits, else null).
 *
 * @param adler32 ADLER32 as 8 lower-case hex digits
 * @param sha256  SHA-256 as 64 lower-case hex digits, or null when it was not computed
 */
public record FileChecksums(String adler32, String sha256) {
    /** Validates and normalises the hex strings. */
    public FileChecksums {
        Objects.requireNonNull(adler32, "adler32");
        adler32 = adler32.toLowerCase(Locale.ROOT);
        if (!adler32.matches("[0-9a-f]{8}")) {
            throw new IllegalArgumentException("ADLER32 must be 8 hex digits: " + adler32);
        }
        if (sha256 != null) {
            sha256 = sha256.toLowerCase(Locale.ROOT);
            if (!sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("SHA-256 must be 64 hex digits: " + sha256);
            }
        }
    }

    /**
     * @param adler32 ADLER32 as hex
     * @return checksums with ADLER32 only
     */
    public static FileChecksums adler32(String adler32) {
        return new FileChecksums(adler32, null);
    }

    /** @return true when a SHA-256 is recorded */
    public boolean hasSha256() {
        return sha256 != null;
    }

    /**
     * Describes how {@code other} differs from these checksums. ADLER32 is always compared; SHA-256 when both
     * sides have one.
     *
     * @param other checksums of another copy
     * @return {@code null} when the compared checksums match, else a message naming the mismatching ones
     */
    public String mismatch(FileChecksums other) {
        StringBuilder sb = new StringBuilder();
        if (!adler32.equals(other.adler32)) {
            sb.append("adler32 expected ").append(adler32).append(" got ").append(other.adler32);
        }
        if (sha256 != null && other.sha256 != null && !sha256.equals(other.sha256)) {
            if (sb.length() > 0) {
                sb.append("; ");
            }
            sb.append("sha-256 expected ").append(sha256).append(" got ").append(other.sha256);
        }
        return sb.length() == 0 ? null : sb.toString();
    }
}
