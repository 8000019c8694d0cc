package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogFile;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.PosixTarget;
import io.beamflow.core.metrics.MetricNames;
import io.beamflow.testing.Await;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Metrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The polling service picks up a series that closes while it runs, archives and purges it, and stops on request. */
class ArchiveServiceTest {
    @TempDir
    Path tmp;

    @Test
    void shouldArchiveAndPurgeSeriesClosedWhileServiceRuns() throws Exception {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        Metrics.addRegistry(registry);
        Path beamline = Files.createDirectories(tmp.resolve("beamline"));
        List<ArchiveTarget> targets = List.of(new PosixTarget(tmp.resolve("a")), new PosixTarget(tmp.resolve("b")));
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
        try (ArchiveCatalog catalog = ArchiveCatalog.open("jdbc:sqlite:" + tmp.resolve("c.db"), clock)) {
            ArchiveService service = new ArchiveService(
                    new ArchiveMigrator(new SeriesScanner(beamline), catalog, targets, Throttle.NONE, 2),
                    new ArchivePurger(catalog, targets, new ArchivePolicy(2, 0), beamline, clock, true),
                    50, ProgressReporter.NONE);
            Thread t = new Thread(service::run, "archive-service-test");
            t.start();
            try {
                // the series is written like the sink does: a temporary name first, renamed when committed
                List<Path> staged = SeriesFixture.write(tmp.resolve("staging"), "bt", "s1", 2, 50_000, 1);
                Path stagedMaster = staged.get(staged.size() - 1);
                Files.move(stagedMaster, stagedMaster.resolveSibling(stagedMaster.getFileName() + ".inprogress"));
                Files.createDirectories(beamline.resolve("bt"));
                Files.move(tmp.resolve("staging/bt/s1"), beamline.resolve("bt/s1"));
                List<Path> files = staged.stream().map(f -> beamline.resolve("bt/s1").resolve(f.getFileName())).toList();
                Path master = files.get(files.size() - 1);
                Path hidden = master.resolveSibling(master.getFileName() + ".inprogress");
                // two whole passes began after the open series appeared: the service has looked at it
                long passesBefore = service.passes();
                Await.atLeast(passesBefore + 2, service::passes, "archive service passes");
                assertEquals(0, catalog.rowCounts()[0], "nothing archived while the series is open");
                Files.move(hidden, master);
                Await.until("the series archived and purged (" + beamline.resolve("bt/s1") + " gone)",
                        () -> !Files.exists(beamline.resolve("bt/s1")));
                assertTrue(catalog.files(null).stream().allMatch(CatalogFile::purged));
                assertEquals(files.size(), catalog.files(null).size());
            } finally {
                service.stop();
                t.join(TimeUnit.SECONDS.toMillis(30));
            }
            assertFalse(t.isAlive(), "service stopped");
            assertTrue(service.passes() > 1);
            assertEquals(0, service.failedPasses());
            Counter purged = registry.find(MetricNames.ARCHIVE_PURGED).counter();
            assertEquals(3.0, purged == null ? 0 : purged.count(), "purges counted in the metrics");
            Counter verified = registry.find(MetricNames.ARCHIVE_COPIES).tags("op", "migrate", "state", "VERIFIED").counter();
            assertEquals(6.0, verified == null ? 0 : verified.count());
        } finally {
            Metrics.removeRegistry(registry);
        }
    }
}
