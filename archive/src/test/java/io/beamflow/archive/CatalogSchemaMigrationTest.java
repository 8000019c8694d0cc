package io.beamflow.archive;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CatalogFile;
import io.beamflow.archive.catalog.CopyState;
import io.beamflow.archive.target.VerifyOutcome;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A catalog written before SHA-256 became optional (schema version 1, no version table) is migrated in place
 * when opened: every row stays readable with its checksums and verification method, new ADLER32-only files
 * can be registered, and reopening is a no-op. A catalog from a newer Beamflow is refused, not altered.
 */
class CatalogSchemaMigrationTest {
    private static final String SHA = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

    /** The schema Beamflow wrote before this change, verbatim. */
    static final String[] V1 = {
        "CREATE TABLE IF NOT EXISTS archive_file (path VARCHAR(1024) NOT NULL PRIMARY KEY, series VARCHAR(512) NOT NULL,"
            + " size_bytes BIGINT NOT NULL, adler32 CHAR(8) NOT NULL, sha256 CHAR(64) NOT NULL,"
            + " source_mtime_ms BIGINT NOT NULL, registered_ms BIGINT NOT NULL, purged_ms BIGINT)",
        "CREATE INDEX IF NOT EXISTS archive_file_series ON archive_file (series)",
        "CREATE TABLE IF NOT EXISTS archive_copy (path VARCHAR(1024) NOT NULL, target VARCHAR(1024) NOT NULL,"
            + " state VARCHAR(16) NOT NULL, first_verified_ms BIGINT, last_checked_ms BIGINT NOT NULL,"
            + " verify_method VARCHAR(64), detail VARCHAR(2048), PRIMARY KEY (path, target))",
        "INSERT INTO archive_file VALUES ('bt/old/old_master.h5', 'bt/old', 3, '024d0127', '" + SHA + "', 1, 2, NULL)",
        "INSERT INTO archive_copy VALUES ('bt/old/old_master.h5', 'file:///pool', 'VERIFIED', 5, 6, 'readback', NULL)",
    };

    /** The schema version 2 (before the series catalog), verbatim, with a file, a copy and its version row. */
    static final String[] V2 = {
        "CREATE TABLE IF NOT EXISTS archive_file (path VARCHAR(1024) NOT NULL PRIMARY KEY, series VARCHAR(512) NOT NULL,"
            + " size_bytes BIGINT NOT NULL, adler32 CHAR(8) NOT NULL, sha256 CHAR(64),"
            + " source_mtime_ms BIGINT NOT NULL, registered_ms BIGINT NOT NULL, purged_ms BIGINT)",
        "CREATE INDEX IF NOT EXISTS archive_file_series ON archive_file (series)",
        "CREATE TABLE IF NOT EXISTS archive_copy (path VARCHAR(1024) NOT NULL, target VARCHAR(1024) NOT NULL,"
            + " state VARCHAR(16) NOT NULL, first_verified_ms BIGINT, last_checked_ms BIGINT NOT NULL,"
            + " verify_method VARCHAR(64), detail VARCHAR(2048), PRIMARY KEY (path, target))",
        "CREATE TABLE IF NOT EXISTS archive_schema (version INTEGER NOT NULL)",
        "INSERT INTO archive_schema (version) VALUES (2)",
        "INSERT INTO archive_file VALUES ('2026/data/11012345/raw/s1/s1_master.h5', '2026/data/11012345/raw/s1', 3,"
            + " '024d0127', NULL, 1, 2, NULL)",
        "INSERT INTO archive_copy VALUES ('2026/data/11012345/raw/s1/s1_master.h5', 'file:///pool', 'VERIFIED', 5, 6,"
            + " 'readback:o_direct', NULL)",
    };

    @TempDir
    Path tmp;

    @Test
    void shouldAddTheSeriesCatalogToAVersion2CatalogInPlace() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("v2.db");
        try (Connection raw = DriverManager.getConnection(url)) {
            exerciseMigrationFrom2(url, raw);
        }
    }

    /**
     * Writes a version-2 catalog through {@code raw}, opens it at {@code url}: the archive's rows stay, the series
     * catalog is added and a series recorded there joins the archive copy of its master; also run on PostgreSQL.
     */
    static void exerciseMigrationFrom2(String url, Connection raw) throws Exception {
        try (Statement st = raw.createStatement()) {
            for (String sql : V2) {
                st.execute(sql);
            }
        }
        MutableClock clock = new MutableClock(Instant.parse("2026-11-26T00:00:00Z"));
        try (ArchiveCatalog c = ArchiveCatalog.open(url, clock)) {
            assertEquals(3, c.schemaVersionNow());
            assertEquals(new FileChecksums("024d0127", null),
                    c.file("2026/data/11012345/raw/s1/s1_master.h5").orElseThrow().checksums());
            assertEquals(VerifyOutcome.METHOD_DIRECT, c.copies("2026/data/11012345/raw/s1/s1_master.h5").get(0).method());
            assertEquals(java.util.List.of(), c.series(null), "no series recorded yet");
            SeriesCatalogTest.record(c, "2026/data/11012345/raw/s1", "s1", 3);
            java.util.List<io.beamflow.archive.catalog.CatalogSeriesFile> files =
                    c.seriesFiles("2026/data/11012345/raw/s1");
            io.beamflow.archive.catalog.CatalogSeriesFile master = files.stream()
                    .filter(f -> f.path().endsWith("_master.h5")).findFirst().orElseThrow();
            assertEquals(1, master.copies().size(), "the archive copy from before the upgrade joins on the path");
            assertEquals(CopyState.VERIFIED, master.copies().get(0).state());
        }
        try (ArchiveCatalog again = ArchiveCatalog.open(url, clock)) {
            assertEquals(3, again.schemaVersionNow());
            assertEquals(1, again.series("11012345").size(), "reopening changes nothing");
        }
    }

    @Test
    void shouldMigrateAVersion1CatalogInPlaceAndKeepEveryRowReadable() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("old.db");
        try (Connection raw = DriverManager.getConnection(url)) {
            exerciseMigration(url, raw);
        }
    }

    /** Writes a version-1 catalog through {@code raw}, then opens it at {@code url}; also run on PostgreSQL. */
    static void exerciseMigration(String url, Connection raw) throws Exception {
        try (Statement st = raw.createStatement()) {
            for (String sql : V1) {
                st.execute(sql);
            }
        }
        MutableClock clock = new MutableClock(Instant.parse("2026-06-01T00:00:00Z"));
        try (ArchiveCatalog c = ArchiveCatalog.open(url, clock)) {
            assertEquals(ArchiveCatalog.SCHEMA_VERSION, c.schemaVersionNow());
            CatalogFile old = c.file("bt/old/old_master.h5").orElseThrow();
            assertEquals(new FileChecksums("024d0127", SHA), old.checksums());
            assertEquals(3, old.sizeBytes());
            CatalogCopy copy = c.copies("bt/old/old_master.h5").get(0);
            assertEquals(CopyState.VERIFIED, copy.state());
            assertEquals(VerifyOutcome.METHOD_READBACK, copy.method(), "old copies keep the method they were verified with");
            assertEquals(5L, copy.firstVerifiedMs());

            CatalogFile added = c.registerFile(new SeriesFile("bt/new/new_master.h5", Path.of("x"), 9, 7),
                    FileChecksums.adler32("11e60398"));
            assertNull(added.checksums().sha256(), "SHA-256 is optional after the migration");
            c.recordCopy(added.path(), "file:///pool", CopyState.VERIFIED, VerifyOutcome.METHOD_DIRECT, null);
            assertEquals(2, c.files(null).size());
        }
        try (ArchiveCatalog again = ArchiveCatalog.open(url, clock)) {
            assertEquals(ArchiveCatalog.SCHEMA_VERSION, again.schemaVersionNow());
            assertEquals(2, again.files(null).size(), "reopening a migrated catalog changes nothing");
            assertEquals(VerifyOutcome.METHOD_DIRECT, again.copies("bt/new/new_master.h5").get(0).method());
        }
    }

    @Test
    void shouldRefuseACatalogFromANewerBeamflow() throws Exception {
        String url = "jdbc:sqlite:" + tmp.resolve("new.db");
        try (ArchiveCatalog c = ArchiveCatalog.open(url, new MutableClock(Instant.EPOCH))) {
            assertEquals(ArchiveCatalog.SCHEMA_VERSION, c.schemaVersionNow());
        }
        try (Connection raw = DriverManager.getConnection(url); Statement st = raw.createStatement()) {
            st.execute("UPDATE archive_schema SET version = 99");
        }
        ArchiveException e = assertThrows(ArchiveException.class,
                () -> ArchiveCatalog.open(url, new MutableClock(Instant.EPOCH)));
        assertTrue(e.getMessage().contains("schema version 99 is newer"), e.getMessage());
    }
}
