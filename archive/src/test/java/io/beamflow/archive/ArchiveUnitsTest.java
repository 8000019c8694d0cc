package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CopyState;
import io.beamflow.archive.report.ProgressSnapshot;
import io.beamflow.archive.target.ArchiveTargets;
import io.beamflow.archive.target.DigestHeader;
import io.beamflow.archive.target.PosixTarget;
import io.beamflow.archive.target.RelativePaths;
import io.beamflow.archive.target.VerifyOutcome;
import io.beamflow.archive.target.WebDavTarget;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Checksums, the Digest header, the closed-series predicate, the policy and progress formatting. */
class ArchiveUnitsTest {
    private static final FileChecksums ABC = new FileChecksums("024d0127",
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");

    @TempDir
    Path tmp;

    @Test
    void shouldComputeAdler32AndSha256OfKnownInput() throws Exception {
        FileChecksums c = ChecksumAccumulator.of(new ByteArrayInputStream("abc".getBytes(StandardCharsets.US_ASCII)));
        assertEquals(ABC, c);
        assertEquals("11e60398", ChecksumAccumulator.of(new ByteArrayInputStream(
                "Wikipedia".getBytes(StandardCharsets.US_ASCII))).adler32());
    }

    @Test
    void shouldNameTheMismatchingChecksums() {
        FileChecksums other = new FileChecksums("024d0128", ABC.sha256());
        assertNull(ABC.mismatch(ABC));
        assertTrue(ABC.mismatch(other).contains("adler32 expected 024d0127 got 024d0128"));
        assertFalse(ABC.mismatch(other).contains("sha-256"));
        assertThrows(IllegalArgumentException.class, () -> new FileChecksums("xyz", ABC.sha256()));
    }

    @Test
    void shouldParseDcacheDigestHeaderWithHexAdlerAndBase64Sha256() {
        Map<String, String> d = DigestHeader.parse("adler32=24d0127, sha-256=ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=, md5=kAFQmDzST7DWlj99KOF/cg==");
        assertEquals("024d0127", d.get("adler32"));
        assertEquals(ABC.sha256(), d.get("sha-256"));
        assertEquals(2, d.size());
        assertTrue(DigestHeader.compare(d, ABC).ok());
        assertEquals("digest:adler32+sha-256", DigestHeader.compare(d, ABC).method());
        VerifyOutcome bad = DigestHeader.compare(Map.of("adler32", "00000001"), ABC);
        assertEquals(CopyState.CORRUPT, bad.state());
        assertTrue(bad.detail().contains("server reports 00000001"));
    }

    @Test
    void shouldIgnoreMalformedOrMissingDigestHeader() {
        assertTrue(DigestHeader.parse(null).isEmpty());
        assertTrue(DigestHeader.parse("garbage").isEmpty());
        assertTrue(DigestHeader.parse("sha-256=not*base64, adler32=zzzz").isEmpty());
    }

    @Test
    void shouldTreatSeriesAsClosedOnlyWithMasterAndWithoutTemporaryFiles() throws Exception {
        ClosedSeriesPredicate closed = new ClosedSeriesPredicate();
        Path dir = Files.createDirectories(tmp.resolve("bt/s1"));
        Files.write(dir.resolve("s1_data_000001.h5"), new byte[10]);
        assertFalse(closed.test(dir), "no master yet");
        Files.write(dir.resolve("s1_master.h5"), new byte[10]);
        assertTrue(closed.test(dir));
        for (String tmpName : List.of(".s1_data_000002.h5", "s1_data_000002.h5.tmp", "s1_data_000002.h5.inprogress")) {
            Path t = Files.write(dir.resolve(tmpName), new byte[1]);
            assertFalse(closed.test(dir), tmpName + " marks the series open");
            Files.delete(t);
        }
        assertTrue(closed.test(dir));
        assertFalse(closed.test(tmp.resolve("bt/missing")));
    }

    @Test
    void shouldListClosedSeriesWithMasterLastAndSelectById() throws Exception {
        SeriesFixture.write(tmp, "bt", "s1", 2, 100, 1);
        SeriesFixture.write(tmp, "bt", "s2", 1, 100, 2);
        Files.createDirectories(tmp.resolve("bt/open"));
        SeriesScanner scanner = new SeriesScanner(tmp);
        List<ArchiveSeries> all = scanner.closedSeries(null);
        assertEquals(List.of("bt/s1", "bt/s2"), all.stream().map(ArchiveSeries::key).toList());
        assertEquals(List.of("bt/s1/s1_data_000001.h5", "bt/s1/s1_data_000002.h5", "bt/s1/s1_master.h5"),
                all.get(0).files().stream().map(SeriesFile::relPath).toList());
        assertEquals(List.of("bt/s2"), scanner.closedSeries("s2").stream().map(ArchiveSeries::key).toList());
        assertEquals(List.of("bt/s2"), scanner.closedSeries("bt/s2").stream().map(ArchiveSeries::key).toList());
    }

    @Test
    void shouldFindClosedSeriesInTheAsap3LayoutAndSelectByBeamtime() throws Exception {
        SeriesFixture.write(tmp, "bt", "s1", 1, 100, 1);
        SeriesFixture.write(tmp, "2026/data/11012345/raw", "scan1", 2, 100, 2);
        SeriesFixture.write(tmp, "2026/data/11012346/raw", "scan1", 1, 100, 3);
        Files.createDirectories(tmp.resolve("2026/data/11012345/raw/open"));
        Files.createDirectories(tmp.resolve("2026/data/11012345/processed/notes"));
        Files.writeString(tmp.resolve("2026/data/11012345/beamtime-metadata-11012345.json"), "{}");
        SeriesScanner scanner = new SeriesScanner(tmp);
        assertEquals(List.of("2026/data/11012345/raw/scan1", "2026/data/11012346/raw/scan1", "bt/s1"),
                scanner.closedSeries(null).stream().map(ArchiveSeries::key).toList());
        List<ArchiveSeries> one = scanner.closedSeries("11012345");
        assertEquals(List.of("2026/data/11012345/raw/scan1"), one.stream().map(ArchiveSeries::key).toList(),
                "a beamtime selects its series");
        assertEquals(List.of("bt/s1"), scanner.closedSeries("bt").stream().map(ArchiveSeries::key).toList());
        for (SeriesFile f : one.get(0).files()) {
            assertEquals("2026/data/11012345/raw/scan1", ArchiveSeries.keyOf(f.relPath()), f.relPath());
        }
        assertEquals("bt/s1", ArchiveSeries.keyOf("bt/s1/s1_master.h5"));
    }

    @Test
    void shouldMeetPolicyAtTheNthVerifiedCopyAndAddRetention() {
        ArchivePolicy p = new ArchivePolicy(2, 180);
        List<CatalogCopy> one = List.of(copy("a", CopyState.VERIFIED, 1000L));
        assertTrue(p.metAt(one).isEmpty());
        List<CatalogCopy> two = List.of(copy("a", CopyState.VERIFIED, 5000L), copy("b", CopyState.VERIFIED, 1000L),
                copy("c", CopyState.CORRUPT, null));
        assertEquals(5000L, p.metAt(two).orElseThrow());
        assertEquals(5000L + 180L * 86_400_000L, p.purgeableFrom(two).orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> new ArchivePolicy(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new ArchivePolicy(1, -1));
    }

    private static CatalogCopy copy(String target, CopyState s, Long firstVerified) {
        return new CatalogCopy("p", target, s, firstVerified, 0, "readback", null);
    }

    @Test
    void shouldFormatProgressWithRateAndEta() {
        ProgressSnapshot s = new ProgressSnapshot(3, 10, 100L << 20, 400L << 20, 2_000_000_000L);
        assertEquals(50L << 20, (long) s.rateBytesPerSecond());
        assertEquals(6, s.etaSeconds());
        assertEquals("3/10 files  100.0 MiB/400.0 MiB (25%)  50.0 MiB/s  ETA 00:00:06", s.format());
        assertEquals(-1, new ProgressSnapshot(0, 1, 0, 10, 0).etaSeconds());
    }

    @Test
    void shouldRejectUnsafeArchivePaths() {
        for (String bad : List.of("/abs", "a/../b", "a//b", "", "a/./b")) {
            assertThrows(IllegalArgumentException.class, () -> RelativePaths.check(bad), bad);
        }
        assertEquals("bt/s1/.f.h5.beamflow-part", RelativePaths.temporary("bt/s1/f.h5"));
    }

    @Test
    void shouldRejectUnsupportedTargetScheme() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ArchiveTargets.of("s3://bucket/x", null));
        assertTrue(e.getMessage().contains("s3://bucket/x"));
        assertTrue(ArchiveTargets.of(tmp.toString(), null) instanceof PosixTarget);
        assertTrue(ArchiveTargets.of("http://127.0.0.1:1/x", null) instanceof WebDavTarget);
    }
}
