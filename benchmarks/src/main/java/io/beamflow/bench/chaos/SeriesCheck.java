package io.beamflow.bench.chaos;

import io.beamflow.testing.DebianPython;
import io.beamflow.testing.NativeFrameSender;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a committed series back with h5py (libhdf5, the bitshuffle plugin) as users do, through the master's
 * NXdata signal (a virtual dataset over the data files): each frame's number (from the data files it maps) and a
 * hash of its pixels, the reduced rows' frame numbers and the master's
 * accounting; then compares them with what the detector sent.
 */
final class SeriesCheck {
    private static final String SCRIPT = String.join("\n",
            "import sys, hashlib, h5py, hdf5plugin, numpy as np",
            "f = h5py.File(sys.argv[1], 'r')",
            "red = f['/entry/reduction']",
            "for k, v in red.attrs.items():",
            "    v = v.decode() if isinstance(v, bytes) else v",
            "    print('ATTR', k, str(v).replace('\\n', ' '))",
            "for n in red['frame_number'][...]:",
            "    print('REDUCED', int(n))",
            "import os",
            "s = f['/entry/data'].attrs['signal']",
            "d = f['/entry/data'][s.decode() if isinstance(s, bytes) else s]",
            "if not d.is_virtual:",
            "    print('PROBLEM', 'the NXdata signal is not a virtual dataset over the data files')",
            "sources = d.virtual_sources() if d.is_virtual else []",
            "print('DATAFILES', len(sources))",
            "nums = []",
            "for src in sources:",
            "    g = h5py.File(os.path.join(os.path.dirname(sys.argv[1]), src.file_name), 'r')",
            "    nums.extend(int(n) for n in g['/entry/data/frame_number'][...])",
            "if d.shape[0] != len(nums):",
            "    print('PROBLEM', 'the signal has', d.shape[0], 'frames and the data files', len(nums), 'frame numbers')",
            "for i in range(min(d.shape[0], len(nums))):",
            "    px = np.ascontiguousarray(d[i]).astype('<u2').tobytes()",
            "    print('FRAME', nums[i], hashlib.sha256(px).hexdigest()[:16])",
            "");

    /** What was found. */
    record Outcome(Map<String, String> attributes, List<Long> reducedFrames, Map<Long, Integer> frameCopies,
            long duplicates, long missing, long pixelMismatches, List<String> problems) {
    }

    private SeriesCheck() {
    }

    /**
     * @param master the series' master file
     * @param s      the drill (frames, frame size)
     * @return what h5py found, compared with what was sent
     */
    static Outcome check(Path master, DrillSettings s) {
        String out = DebianPython.run(SCRIPT, 600, master.toString()).orThrow();
        Map<String, String> attrs = new LinkedHashMap<>();
        List<Long> reduced = new ArrayList<>();
        Map<Long, Integer> copies = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        long mismatches = 0;
        int dataFiles = -1;
        for (String line : out.split("\n")) {
            String[] p = line.split(" ", 3);
            switch (p[0]) {
                case "ATTR" -> attrs.put(p[1], p.length > 2 ? p[2] : "");
                case "REDUCED" -> reduced.add(Long.parseLong(p[1]));
                case "DATAFILES" -> dataFiles = Integer.parseInt(p[1]);
                case "PROBLEM" -> problems.add(line.substring(8));
                case "FRAME" -> {
                    long n = Long.parseLong(p[1]);
                    copies.merge(n, 1, Integer::sum);
                    if (n < 0 || n >= s.frames() || !expectedHash(n, s).equals(p[2])) {
                        mismatches++;
                        if (mismatches <= 10) {
                            problems.add("frame " + n + ": pixels differ from what was sent");
                        }
                    }
                }
                default -> {
                    if (!line.isBlank()) {
                        problems.add("unexpected output: " + line);
                    }
                }
            }
        }
        long duplicates = copies.values().stream().mapToLong(c -> c - 1).sum();
        long missing = 0;
        for (long n = 0; n < s.frames(); n++) {
            if (!copies.containsKey(n)) {
                missing++;
                if (missing <= 10) {
                    problems.add("frame " + n + " is in no data file");
                }
            }
        }
        if (duplicates > 0) {
            copies.entrySet().stream().filter(e -> e.getValue() > 1).limit(10)
                    .forEach(e -> problems.add("frame " + e.getKey() + " is stored " + e.getValue() + " times"));
        }
        List<Long> sortedReduced = reduced.stream().sorted().toList();
        List<Long> all = java.util.stream.LongStream.range(0, s.frames()).boxed().toList();
        if (!sortedReduced.equals(all)) {
            problems.add("/entry/reduction/frame_number holds " + reduced.size() + " rows, not frames 0.."
                    + (s.frames() - 1) + " once each");
        }
        int expectedFiles = (s.frames() + s.framesPerFile() - 1) / s.framesPerFile();
        if (dataFiles != expectedFiles) {
            problems.add("master links " + dataFiles + " data files, expected " + expectedFiles);
        }
        accounting(attrs, s, problems);
        return new Outcome(attrs, reduced, copies, duplicates, missing, mismatches, problems);
    }

    /** The master's accounting must say what the detector sent: every frame received and stored, nothing else. */
    private static void accounting(Map<String, String> attrs, DrillSettings s, List<String> problems) {
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("frames_received", (long) s.frames());
        expected.put("frames_announced", (long) s.frames());
        expected.put("frames_stored", (long) s.frames());
        expected.put("frames_missing", 0L);
        expected.put("frames_rejected", 0L);
        expected.put("frames_vetoed", 0L);
        expected.put("frames_reduced_only", 0L);
        expected.put("frames_quarantined", 0L);
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            String v = attrs.get(e.getKey());
            if (v == null) {
                problems.add("master has no /entry/reduction@" + e.getKey());
            } else if (Double.parseDouble(v) != e.getValue()) {
                problems.add("master says " + e.getKey() + " = " + v + ", sent: " + e.getValue());
            }
        }
        String status = attrs.get("status");
        if (status != null && !status.equals("ok")) {
            problems.add("master status is " + status + " (" + attrs.get("failure_reason") + ")");
        }
    }

    /** @return the hash the script prints for frame {@code n} as the detector sent it */
    static String expectedHash(long n, DrillSettings s) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(NativeFrameSender.payload(n, s.width(), s.height()));
            return HexFormat.of().formatHex(h).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
