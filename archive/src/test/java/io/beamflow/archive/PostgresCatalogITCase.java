package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.report.PurgeReport;
import io.beamflow.archive.report.RestoreReport;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.PosixTarget;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The same catalog schema and upserts on a real PostgreSQL server (the shared-deployment dialect), the series
 * catalog and the in-place upgrades from schema versions 1 and 2 included.
 */
class PostgresCatalogITCase {
    @TempDir
    Path tmp;

    @Test
    void shouldKeepCatalogOnPostgresqlThroughMigrateResumePurgeAndRestore() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            // a version-1 catalog in a schema of its own is migrated in place, as on SQLite
            try (java.sql.Connection raw = java.sql.DriverManager.getConnection(pg.jdbcUrl());
                 java.sql.Statement st = raw.createStatement()) {
                st.execute("CREATE SCHEMA legacy");
                st.execute("SET search_path TO legacy");
                CatalogSchemaMigrationTest.exerciseMigration(pg.jdbcUrl() + "&currentSchema=legacy", raw);
            }
            // a version-2 catalog gets the series catalog in place
            try (java.sql.Connection raw = java.sql.DriverManager.getConnection(pg.jdbcUrl());
                 java.sql.Statement st = raw.createStatement()) {
                st.execute("CREATE SCHEMA v2");
                st.execute("SET search_path TO v2");
                CatalogSchemaMigrationTest.exerciseMigrationFrom2(pg.jdbcUrl() + "&currentSchema=v2", raw);
            }
            MutableClock clock = new MutableClock(Instant.parse("2026-01-01T00:00:00Z"));
            try (ArchiveCatalog c = ArchiveCatalog.open(pg.jdbcUrl(), clock)) {
                ArchiveCatalogTest.exerciseUpserts(c, clock, tmp);
                SeriesCatalogTest.exerciseSeries(c, clock);
            }
            try (ArchiveCatalog a = ArchiveCatalog.open(pg.jdbcUrl(), clock);
                 ArchiveCatalog b = ArchiveCatalog.open(pg.jdbcUrl(), clock)) {
                ArchiveCatalogTest.assertLockIsExclusive(a, b, tmp);
            }
            Path beamline = tmp.resolve("beamline");
            List<Path> files = SeriesFixture.write(beamline, "bt", "s9", 3, 300_000, 11);
            List<ArchiveTarget> targets = List.of(new PosixTarget(tmp.resolve("a")), new PosixTarget(tmp.resolve("b")));
            // the schema is applied again on every open: it must be idempotent
            try (ArchiveCatalog c = ArchiveCatalog.open(pg.jdbcUrl(), clock)) {
                MigrationReport r = new ArchiveMigrator(new SeriesScanner(beamline), c, targets, Throttle.NONE, 2)
                        .migrate(null, ProgressReporter.NONE);
                assertTrue(r.ok(), r.errors().toString());
                assertEquals(0, new ArchiveMigrator(new SeriesScanner(beamline), c, targets, Throttle.NONE)
                        .migrate(null, ProgressReporter.NONE).copiesWritten());
                // + bt/s1/s1_master.h5 (1 copy, marked purged) from exerciseUpserts; assertLockIsExclusive then
                // archived bt/s1/s1_data_000001.h5 (1 copy) and skipped that already purged master; exerciseSeries
                // recorded 1 copy of a series-catalog file
                assertArrayEquals(new long[] {2 + files.size(), 3 + 2L * files.size()}, c.rowCounts());
                PurgeReport p = new ArchivePurger(c, targets, new ArchivePolicy(2, 0), beamline, clock, true).purge("s9", false);
                assertEquals(files.size(), p.filesPurged(), p.refusals().toString());
                RestoreReport rr = new ArchiveRestorer(c, targets, Throttle.NONE).restore("bt/s9", tmp.resolve("back"), ProgressReporter.NONE);
                assertTrue(rr.ok(), rr.errors().toString());
                assertEquals(files.size(), rr.filesRestored());
                for (Path f : files) {
                    assertEquals(c.file(beamline.relativize(f).toString()).orElseThrow().checksums(),
                            ChecksumAccumulator.of(tmp.resolve("back").resolve(f.getFileName()), ChecksumAlgorithms.ADLER32));
                }
                assertTrue(Files.exists(tmp.resolve("back/s9_master.h5")));
            }
        }
    }
}
