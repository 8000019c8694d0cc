package io.beamflow.archive;

/** Validation of the {@code /}-separated relative paths used as catalog keys and target paths. */
final class RelativePaths {
    private RelativePaths() {
    }

    /** @return {@code rel} when it is a safe relative path, else throws */
    static String check(String rel) {
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

    /** @return the last segment */
    static String fileName(String rel) {
        return rel.substring(rel.lastIndexOf('/') + 1);
    }

    /** @return the parent path, or "" for a top-level name */
    static String parent(String rel) {
        int i = rel.lastIndexOf('/');
        return i < 0 ? "" : rel.substring(0, i);
    }

    /** @return the temporary name a copy of {@code rel} is written under before the rename */
    static String temporary(String rel) {
        String parent = parent(rel);
        String tmp = "." + fileName(rel) + ".beamflow-part";
        return parent.isEmpty() ? tmp : parent + "/" + tmp;
    }
}
