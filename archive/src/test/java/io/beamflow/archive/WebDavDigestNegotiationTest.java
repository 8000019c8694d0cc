package io.beamflow.archive;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CopyState;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.report.VerifyReport;
import io.beamflow.archive.target.WebDavTarget;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checksum negotiation: against a server that answers {@code Want-Digest} (as dCache does), copies are
 * verified from the {@code Digest} header without reading them back; a corrupt copy is still caught.
 * (Against Apache, which sends no Digest, {@link ArchiveMigrationITCase} shows the read-back fallback.)
 */
class WebDavDigestNegotiationTest {
    @TempDir
    Path tmp;

    @Test
    void shouldVerifyWithServerDigestWithoutReadingCopiesBack() throws Exception {
        Path store = Files.createDirectories(tmp.resolve("door"));
        try (DigestDoorServer door = new DigestDoorServer(store);
             ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), new MutableClock(Instant.EPOCH))) {
            Path beamline = tmp.resolve("beamline");
            List<Path> files = SeriesFixture.write(beamline, "bt", "s1", 2, 1_000_000, 5);
            WebDavTarget target = new WebDavTarget(door.url("pnfs/archive"), 5_000, null);
            MigrationReport r = new ArchiveMigrator(new SeriesScanner(beamline), catalog, List.of(target), Throttle.NONE)
                    .migrate(null, ProgressReporter.NONE);
            assertTrue(r.ok(), r.errors().toString());
            assertEquals(0, door.gets.get(), "verification used the Digest header, no GET");
            for (Path f : files) {
                CatalogCopy c = catalog.copies(beamline.relativize(f).toString()).get(0);
                assertEquals(CopyState.VERIFIED, c.state());
                assertEquals("digest:adler32+sha-256", c.method());
            }
            SeriesFixture.corrupt(door.file("pnfs/archive/bt/s1/s1_data_000001.h5"));
            VerifyReport v = new ArchiveVerifier(catalog, List.of(target)).verify(null, ProgressReporter.NONE);
            assertEquals(1, v.copiesCorrupt(), v.problems().toString());
            assertTrue(v.problems().get(0).contains("server reports"), v.problems().get(0));
            assertEquals(0, door.gets.get());
        }
    }
}
