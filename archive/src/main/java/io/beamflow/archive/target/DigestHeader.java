package io.beamflow.archive.target;

import io.beamflow.archive.FileChecksums;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The RFC 3230 {@code Digest} response header as dCache's WebDAV door sends it in answer to
 * {@code Want-Digest}: {@code adler32=<8 hex digits>}, {@code sha-256=<base64>} (RFC 5843), comma-separated.
 * Values are normalised to lower-case hex; unknown algorithms are ignored.
 */
public final class DigestHeader {
    /** The request header value Beamflow sends when it records ADLER32 and SHA-256. */
    public static final String WANT_DIGEST = "adler32, sha-256";
    /** The request header value Beamflow sends when it records ADLER32 only (dCache's default checksum). */
    public static final String WANT_ADLER32 = "adler32";

    /**
     * @param expected the recorded checksums
     * @return the {@code Want-Digest} value asking for what can be compared with them
     */
    public static String want(FileChecksums expected) {
        return expected.hasSha256() ? WANT_DIGEST : WANT_ADLER32;
    }

    private DigestHeader() {
    }

    /**
     * Parses a {@code Digest} header.
     *
     * @param header header value, may be null
     * @return algorithm ({@code adler32}, {@code sha-256}) to lower-case hex value; empty when none usable
     */
    public static Map<String, String> parse(String header) {
        Map<String, String> out = new LinkedHashMap<>();
        if (header == null) {
            return out;
        }
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String alg = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
            String value = part.substring(eq + 1).trim();
            try {
                if (alg.equals("adler32") && value.matches("[0-9a-fA-F]{1,8}")) {
                    out.put(alg, String.format("%8s", value.toLowerCase(Locale.ROOT)).replace(' ', '0'));
                } else if (alg.equals("sha-256")) {
                    if (value.matches("[0-9a-fA-F]{64}")) {
                        out.put(alg, value.toLowerCase(Locale.ROOT));
                    } else {
                        byte[] raw = Base64.getDecoder().decode(value);
                        if (raw.length == 32) {
                            out.put(alg, HexFormat.of().formatHex(raw));
                        }
                    }
                }
            } catch (IllegalArgumentException e) {
                // malformed value: treat as not offered
            }
        }
        return out;
    }

    /**
     * Compares server-reported digests with the catalog.
     *
     * @param digests  parsed header
     * @param expected catalog checksums
     * @return verified or corrupt outcome naming the algorithms used, or null when the server reported no
     *         checksum the catalog holds
     */
    public static VerifyOutcome compare(Map<String, String> digests, FileChecksums expected) {
        StringBuilder method = new StringBuilder("digest:");
        StringBuilder problems = new StringBuilder();
        for (Map.Entry<String, String> e : digests.entrySet()) {
            String want = e.getKey().equals("adler32") ? expected.adler32() : expected.sha256();
            if (want == null) {
                continue;
            }
            method.append(method.length() > 7 ? "+" : "").append(e.getKey());
            if (!want.equals(e.getValue())) {
                problems.append(problems.length() > 0 ? "; " : "")
                        .append(e.getKey()).append(" expected ").append(want).append(" server reports ").append(e.getValue());
            }
        }
        if (method.length() == "digest:".length()) {
            return null;
        }
        return problems.length() == 0 ? VerifyOutcome.verified(method.toString())
                : VerifyOutcome.corrupt(method.toString(), problems.toString());
    }
}
