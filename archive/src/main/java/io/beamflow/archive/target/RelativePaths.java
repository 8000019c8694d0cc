package io.beamflow.archive.target;

/** Validation of the {@code /}-separated relative paths used as catalog keys and target paths. */
public final class RelativePaths {
    private RelativePaths() {
    }

    /**
     * @param rel a {@code /}-separated relative path
     * @return {@code rel} when it is a safe relative path
     * @throws IllegalArgumentException when it is absolute, empty, or has empty, {@code .} or {@code ..} segments
     */
    public static String check(String rel) {
        if (rel == null || rel.isEmpty() || rel.startsWith("/") || rel.contains("\\") || rel.contains("\0")) {
            throw new IllegalArgumentException("invalid archive path: " + rel);
        }
        for (String seg : rel.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new IllegalArgumentException("invalid archive path: " + rel);
            }
        }
        return rel;
    }

    /** @param rel a checked relative path @return the last segment */
    public static String fileName(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    /** @param rel a checked relative path @return the parent path, or "" for a top-level name */
    public static String parent(String rel) {
        int i = rel.lastIndexOf('/');
        return i < 0 ? "" : rel.substring(0, i);
    }

    /** @param rel a checked relative path @return the temporary name a copy of {@code rel} is written under before the rename */
    public static String temporary(String rel) {
        String parent = parent(rel);
        String tmp = "." + fileName(rel) + ".beamflow-part";
        return parent.isEmpty() ? tmp : parent + "/" + tmp;
    }
}
