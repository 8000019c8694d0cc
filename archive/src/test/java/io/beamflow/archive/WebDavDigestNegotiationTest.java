package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CopyState;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.report.VerifyReport;
import io.beamflow.archive.target.VerifyOutcome;
import io.beamflow.archive.target.WebDavTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checksum negotiation with a server that answers {@code Want-Digest} as dCache's door does: copies are
 * verified from the {@code Digest} header without downloading them again, for the checksums the catalog
 * holds (ADLER32 by default, SHA-256 too when configured); a corrupt copy is still caught; a server without
 * digests makes the migrator read the copy back. (Apache, which sends no Digest, is in
 * {@link ArchiveMigrationITCase}.)
 */
class WebDavDigestNegotiationTest {
    @TempDir
    Path tmp;

    private MigrationReport migrate(DigestDoorServer door, ArchiveCatalog catalog, Path beamline, ChecksumAlgorithms sums)
            throws Exception {
        WebDavTarget target = new WebDavTarget(door.url("pnfs/archive"), 5_000, null);
        return new ArchiveMigrator(new SeriesScanner(beamline), catalog, List.of(target), Throttle.NONE, 2, sums)
                .migrate(null, ProgressReporter.NONE);
    }

    @Test
    void shouldVerifyWithServerAdler32WithoutReadingCopiesBackAndCatchCorruption() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("door"));
        try (DigestDoorServer door = new DigestDoorServer(store);
             ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), new MutableClock(Instant.EPOCH))) {
            Path beamline = tmp.resolve("beamline");
            List<Path> files = SeriesFixture.write(beamline, "bt", "s1", 2, 1_000_000, 5);
            MigrationReport r = migrate(door, catalog, beamline, ChecksumAlgorithms.ADLER32);
            assertTrue(r.ok(), r.errors().toString());
            assertEquals(0, door.gets.get(), "verification used the Digest header, no GET");
            assertEquals(files.size(), door.puts.get(), "one PUT per file, streamed from the one read");
            for (Path f : files) {
                String rel = beamline.relativize(f).toString();
                CatalogCopy c = catalog.copies(rel).get(0);
                assertEquals(CopyState.VERIFIED, c.state());
                assertEquals("digest:adler32", c.method());
                assertNull(catalog.file(rel).orElseThrow().checksums().sha256(), "no SHA-256 unless configured");
            }
            SeriesFixture.corrupt(door.file("pnfs/archive/bt/s1/s1_data_000001.h5"));
            WebDavTarget target = new WebDavTarget(door.url("pnfs/archive"), 5_000, null);
            VerifyReport v = new ArchiveVerifier(catalog, List.of(target)).verify(null, ProgressReporter.NONE);
            assertEquals(1, v.copiesCorrupt(), v.problems().toString());
            assertTrue(v.problems().get(0).contains("server reports"), v.problems().get(0));
            assertEquals(0, door.gets.get());
        }
    }

    @Test
    void shouldAskForAndCompareSha256WhenConfigured() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("door"));
        try (DigestDoorServer door = new DigestDoorServer(store);
             ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), new MutableClock(Instant.EPOCH))) {
            Path beamline = tmp.resolve("beamline");
            List<Path> files = SeriesFixture.write(beamline, "bt", "s2", 3, 2_500_001, 6);
            MigrationReport r = migrate(door, catalog, beamline, ChecksumAlgorithms.ADLER32_SHA256);
            assertTrue(r.ok(), r.errors().toString());
            for (Path f : files) {
                String rel = beamline.relativize(f).toString();
                assertEquals(ChecksumAccumulator.of(f), catalog.file(rel).orElseThrow().checksums(),
                        "ADLER32 and SHA-256 recorded, the SHA-256 computed beside the one read");
                assertEquals("digest:adler32+sha-256", catalog.copies(rel).get(0).method());
            }
        }
    }

    @Test
    void shouldReadCopiesBackWhenTheServerGivesNoDigest() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("door"));
        try (DigestDoorServer door = new DigestDoorServer(store);
             ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), new MutableClock(Instant.EPOCH))) {
            door.digests.set(false);
            Path beamline = tmp.resolve("beamline");
            List<Path> files = SeriesFixture.write(beamline, "bt", "s3", 1, 700_000, 7);
            MigrationReport r = migrate(door, catalog, beamline, ChecksumAlgorithms.ADLER32);
            assertTrue(r.ok(), r.errors().toString());
            assertEquals(files.size(), door.gets.get(), "each copy downloaded once to verify it");
            for (Path f : files) {
                assertEquals(VerifyOutcome.METHOD_HTTP, catalog.copies(beamline.relativize(f).toString()).get(0).method());
            }
        }
    }
}
