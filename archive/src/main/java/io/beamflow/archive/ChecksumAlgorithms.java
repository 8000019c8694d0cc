package io.beamflow.archive;

import java.util.List;
import java.util.Locale;

/**
 * Which checksums the archive computes for a file: ADLER32 always (what dCache stores and compares), SHA-256
 * in addition when configured ({@code archive.checksums: [adler32, sha-256]}).
 */
public enum ChecksumAlgorithms {
    /** ADLER32 only (the default, as dCache). */
    ADLER32,
    /** ADLER32 and SHA-256. */
    ADLER32_SHA256;

    /**
     * Parses the configured list.
     *
     * @param names algorithm names ({@code adler32}, {@code sha-256} / {@code sha256}), case-insensitive
     * @return the algorithms
     * @throws IllegalArgumentException for an unknown name or a list without ADLER32
     */
    public static ChecksumAlgorithms parse(List<String> names) {
        boolean adler = false;
        boolean sha = false;
        for (String n : names) {
            String s = n.trim().toLowerCase(Locale.ROOT);
            switch (s) {
                case "adler32" -> adler = true;
                case "sha-256", "sha256" -> sha = true;
                default -> throw new IllegalArgumentException("unknown archive checksum '" + n
                        + "': use adler32 and optionally sha-256");
            }
        }
        if (!adler) {
            throw new IllegalArgumentException("archive checksums " + names
                    + " lack adler32, which dCache and the catalog always use");
        }
        return sha ? ADLER32_SHA256 : ADLER32;
    }

    /** @return true when SHA-256 is computed */
    public boolean sha256() {
        return this == ADLER32_SHA256;
    }

    /**
     * @param expected recorded checksums
     * @return the algorithms needed to check a copy against them
     */
    public static ChecksumAlgorithms toCheck(FileChecksums expected) {
        return expected.hasSha256() ? ADLER32_SHA256 : ADLER32;
    }
}
