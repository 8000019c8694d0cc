package io.beamflow.archive.catalog;

import io.beamflow.archive.ArchiveException;
import io.beamflow.archive.ArchiveSeries;
import io.beamflow.archive.FileChecksums;
import io.beamflow.archive.SeriesFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The archive catalog: every file migrated from the beamline filesystem, its checksums, and the state of
 * its copy on each target. JDBC over an embedded SQLite file by default ({@code jdbc:sqlite:path}), or a
 * PostgreSQL server ({@code jdbc:postgresql://...}) for shared deployments; both use the same portable
 * schema ({@code catalog-schema.sql}, version {@value #SCHEMA_VERSION}). A catalog written by an older
 * Beamflow is migrated in place, in one transaction, when opened (version 1: SHA-256 was mandatory; version 2:
 * no series catalog); every row stays readable. Besides the archive's files and copies it holds the series
 * catalog: every series the HDF5 sink committed, with its accounting and its files' sizes and ADLER32
 * ({@link #recordSeries}). Writes are idempotent upserts keyed by (path) and (path, target), so a migration that
 * is killed and rerun never creates duplicate entries. Each copy records how it was last verified.
 */
public final class ArchiveCatalog implements AutoCloseable {
    private static final String SCHEMA = "catalog-schema.sql";
    private static final String MIGRATE_1_TO_2 = "catalog-migrate-1-to-2.sql";
    /** The schema version this code writes (see {@code catalog-schema.sql}). */
    public static final int SCHEMA_VERSION = 3;
    /** Advisory lock key of migration and purge passes on PostgreSQL ("BFAR"). */
    private static final long PG_LOCK_KEY = 0x42464152L;

    private static final com.fasterxml.jackson.databind.ObjectMapper RULES_JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    private static final com.fasterxml.jackson.core.type.TypeReference<Map<String, Long>> RULES_TYPE =
            new com.fasterxml.jackson.core.type.TypeReference<>() { };

    private final Connection conn;
    private final Clock clock;
    private final String url;

    private ArchiveCatalog(Connection conn, Clock clock, String url) {
        this.conn = conn;
        this.clock = clock;
        this.url = url;
    }

    /**
     * Opens (and creates when needed) a catalog.
     *
     * @param jdbcUrl {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host/db?user=...}
     * @param clock   clock for the recorded times
     * @return the catalog
     * @throws ArchiveException when the database cannot be opened or the schema applied
     */
    public static ArchiveCatalog open(String jdbcUrl, Clock clock) {
        try {
            if (jdbcUrl.startsWith("jdbc:sqlite:")) {
                String file = jdbcUrl.substring("jdbc:sqlite:".length());
                int q = file.indexOf('?');
                file = q < 0 ? file : file.substring(0, q);
                if (!file.isEmpty() && !file.equals(":memory:") && !file.startsWith("file:")) {
                    Path parent = Path.of(file).toAbsolutePath().getParent();
                    if (parent != null) {
                        Files.createDirectories(parent);
                    }
                }
            }
            loadDriver(jdbcUrl);
            Connection c = DriverManager.getConnection(jdbcUrl);
            if (jdbcUrl.startsWith("jdbc:sqlite:")) {
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA busy_timeout = 30000");
                    st.execute("PRAGMA journal_mode = WAL");
                    st.execute("PRAGMA synchronous = FULL");
                }
            }
            c.setAutoCommit(true);
            ArchiveCatalog cat = new ArchiveCatalog(c, clock, jdbcUrl);
            cat.applySchema();
            return cat;
        } catch (SQLException | IOException e) {
            throw new ArchiveException("cannot open archive catalog " + jdbcUrl + ": " + e.getMessage(), e);
        }
    }

    /**
     * Registers the driver through this class's loader: in a Flink task manager Beamflow's jars are user code, which
     * the JDBC service lookup of the system class loader does not see.
     */
    private static void loadDriver(String jdbcUrl) {
        String driver = jdbcUrl.startsWith("jdbc:sqlite:") ? "org.sqlite.JDBC"
                : jdbcUrl.startsWith("jdbc:postgresql:") ? "org.postgresql.Driver" : null;
        if (driver != null) {
            try {
                Class.forName(driver, true, ArchiveCatalog.class.getClassLoader());
            } catch (ClassNotFoundException e) {
                // DriverManager names the missing driver
            }
        }
    }

    /** @return the JDBC URL */
    public String url() {
        return url;
    }

    private void applySchema() throws SQLException, IOException {
        int version = schemaVersion();
        if (version > SCHEMA_VERSION) {
            throw new SQLException("catalog schema version " + version + " is newer than this Beamflow understands ("
                    + SCHEMA_VERSION + "); use a newer Beamflow");
        }
        if (version == SCHEMA_VERSION) {
            run(SCHEMA); // idempotent: creates nothing
            return;
        }
        // a new catalog, or one of an older Beamflow: upgraded in place, in one transaction (every row kept)
        boolean auto = conn.getAutoCommit();
        conn.setAutoCommit(false);
        try {
            if (version == 1) {
                run(MIGRATE_1_TO_2);
            }
            // 2 -> 3 adds the series catalog (catalog_series, catalog_series_file): the schema's CREATE ... IF NOT
            // EXISTS statements create what is missing and leave the archive's tables and rows as they are
            run(SCHEMA);
            try (Statement st = conn.createStatement()) {
                st.executeUpdate("INSERT INTO archive_schema (version) VALUES (" + SCHEMA_VERSION + ")");
            }
            conn.commit();
        } catch (SQLException | IOException | RuntimeException e) {
            conn.rollback();
            throw e;
        } finally {
            conn.setAutoCommit(auto);
        }
    }

    /** @return 0 for an empty database, 1 for a catalog from before versioning, else the recorded version */
    private int schemaVersion() throws SQLException {
        if (!tableExists("archive_file")) {
            return 0;
        }
        if (!tableExists("archive_schema")) {
            return 1;
        }
        try (Statement st = conn.createStatement();
             ResultSet rs = st.executeQuery("SELECT MAX(version) FROM archive_schema")) {
            int v = rs.next() ? rs.getInt(1) : 0;
            return v == 0 ? 1 : v;
        }
    }

    private boolean tableExists(String name) throws SQLException {
        // only the schema the connection works in (PostgreSQL's search path), else any (SQLite has none)
        String schema = conn.getSchema();
        for (String n : new String[] {name, name.toUpperCase(java.util.Locale.ROOT)}) {
            try (ResultSet rs = conn.getMetaData().getTables(null, schema, n, new String[] {"TABLE"})) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    /** @return the schema version of an open catalog */
    public synchronized int schemaVersionNow() {
        try {
            return schemaVersion();
        } catch (SQLException e) {
            throw fail("read the schema version", e);
        }
    }

    private void run(String resource) throws SQLException, IOException {
        String sql;
        try (InputStream in = ArchiveCatalog.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IOException("schema resource " + resource + " missing");
            }
            sql = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        StringBuilder cleaned = new StringBuilder();
        for (String line : sql.split("\n")) {
            if (!line.trim().startsWith("--")) {
                cleaned.append(line).append('\n');
            }
        }
        try (Statement st = conn.createStatement()) {
            for (String stmt : cleaned.toString().split(";\\s*\n")) {
                if (!stmt.isBlank()) {
                    st.execute(stmt.trim());
                }
            }
        }
    }

    /**
     * Registers a file with its checksums unless it is registered already (the first registration wins).
     *
     * @param file      the file
     * @param checksums its checksums
     * @return the catalog record after the call (compare its checksums: a difference means the source changed)
     */
    public synchronized CatalogFile registerFile(SeriesFile file, FileChecksums checksums) {
        String sql = "INSERT INTO archive_file (path, series, size_bytes, adler32, sha256, source_mtime_ms, registered_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path) DO NOTHING";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, file.relPath());
            ps.setString(2, ArchiveSeries.keyOf(file.relPath()));
            ps.setLong(3, file.sizeBytes());
            ps.setString(4, checksums.adler32());
            if (checksums.sha256() == null) {
                ps.setNull(5, Types.CHAR);
            } else {
                ps.setString(5, checksums.sha256());
            }
            ps.setLong(6, file.mtimeMs());
            ps.setLong(7, clock.millis());
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("register " + file.relPath(), e);
        }
        return file(file.relPath()).orElseThrow(() -> new ArchiveException("file vanished from catalog: " + file.relPath(), null));
    }

    /**
     * @param path file path
     * @return its record, if registered
     */
    public synchronized Optional<CatalogFile> file(String path) {
        List<CatalogFile> l = queryFiles("SELECT * FROM archive_file WHERE path = ?", path);
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /**
     * Files of the selected series, ordered by series and path.
     *
     * @param selection null for all, a series key, or a series id
     * @return matching files (purged ones included)
     */
    public synchronized List<CatalogFile> files(String selection) {
        List<CatalogFile> all;
        if (selection == null || selection.isEmpty()) {
            all = queryFiles("SELECT * FROM archive_file ORDER BY series, path");
        } else {
            // a key, a series id, or a beamtime (old layout <beamtime>/..., ASAP3 <year>/data/<beamtime>/raw/...)
            all = queryFiles("SELECT * FROM archive_file WHERE series = ? OR series LIKE ? OR series LIKE ? "
                    + "OR series LIKE ? ORDER BY series, path", selection, "%/" + selection, selection + "/%",
                    "%/data/" + selection + "/raw/%");
        }
        all.removeIf(f -> !ArchiveSeries.matches(f.series(), selection));
        return all;
    }

    private List<CatalogFile> queryFiles(String sql, String... params) {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<CatalogFile> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long purged = rs.getLong("purged_ms");
                    Long purgedMs = rs.wasNull() ? null : purged;
                    out.add(new CatalogFile(rs.getString("path"), rs.getString("series"), rs.getLong("size_bytes"),
                            new FileChecksums(rs.getString("adler32").trim(), trimmed(rs.getString("sha256"))),
                            rs.getLong("source_mtime_ms"), rs.getLong("registered_ms"), purgedMs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail("query files", e);
        }
    }

    private static String trimmed(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }

    /**
     * Records the state of a copy (upsert keyed by path and target). The retention clock
     * ({@code first_verified_ms}) is kept across re-verifications and cleared when the copy is bad.
     *
     * @param path    file path
     * @param target  target URI
     * @param state   new state
     * @param method  verification method, or null
     * @param detail  problem description, or null
     */
    public synchronized void recordCopy(String path, String target, CopyState state, String method, String detail) {
        long now = clock.millis();
        String sql = "INSERT INTO archive_copy (path, target, state, first_verified_ms, last_checked_ms, verify_method, detail)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (path, target) DO UPDATE SET"
                + " state = excluded.state,"
                + " first_verified_ms = CASE WHEN excluded.state = 'VERIFIED'"
                + "   THEN COALESCE(archive_copy.first_verified_ms, excluded.first_verified_ms) ELSE NULL END,"
                + " last_checked_ms = excluded.last_checked_ms,"
                + " verify_method = excluded.verify_method,"
                + " detail = excluded.detail";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, path);
            ps.setString(2, target);
            ps.setString(3, state.name());
            if (state == CopyState.VERIFIED) {
                ps.setLong(4, now);
            } else {
                ps.setNull(4, Types.BIGINT);
            }
            ps.setLong(5, now);
            ps.setString(6, method);
            ps.setString(7, detail == null ? null : detail.length() > 2000 ? detail.substring(0, 2000) : detail);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("record copy of " + path + " on " + target, e);
        }
    }

    /**
     * @param path file path
     * @return its copies, by target
     */
    public synchronized List<CatalogCopy> copies(String path) {
        return queryCopies("SELECT * FROM archive_copy WHERE path = ? ORDER BY target", path);
    }

    /**
     * Copies of all files of the selected series, grouped by file path.
     *
     * @param selection null for all, a series key or id
     * @return path to copies
     */
    public synchronized Map<String, List<CatalogCopy>> copiesBySeries(String selection) {
        Map<String, List<CatalogCopy>> out = new LinkedHashMap<>();
        for (CatalogFile f : files(selection)) {
            out.put(f.path(), new ArrayList<>());
        }
        for (CatalogCopy c : queryCopies("SELECT * FROM archive_copy ORDER BY path, target")) {
            List<CatalogCopy> l = out.get(c.path());
            if (l != null) {
                l.add(c);
            }
        }
        return out;
    }

    private List<CatalogCopy> queryCopies(String sql, String... params) {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<CatalogCopy> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long fv = rs.getLong("first_verified_ms");
                    Long firstVerified = rs.wasNull() ? null : fv;
                    out.add(new CatalogCopy(rs.getString("path"), rs.getString("target"),
                            CopyState.valueOf(rs.getString("state").trim()), firstVerified,
                            rs.getLong("last_checked_ms"), rs.getString("verify_method"), rs.getString("detail")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail("query copies", e);
        }
    }

    /**
     * Marks a file as removed from the beamline filesystem.
     *
     * @param path file path
     */
    public synchronized void markPurged(String path) {
        try (PreparedStatement ps = conn.prepareStatement("UPDATE archive_file SET purged_ms = ? WHERE path = ?")) {
            ps.setLong(1, clock.millis());
            ps.setString(2, path);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw fail("mark purged " + path, e);
        }
    }

    /**
     * Records a committed series and its files (upserts keyed by series key and file path): recording the same
     * series again, as a commit replayed after a Flink restart does, leaves one row with the same values and keeps
     * when it was first recorded. One transaction: a reader sees the series with all its files or not at all.
     *
     * @param s     the series ({@code committedMs} and {@code recordedMs} are set from the clock)
     * @param files its files (their copies are ignored: they come from the archive's tables)
     * @return whether the series was new to the catalog
     */
    public synchronized boolean recordSeries(CatalogSeries s, List<CatalogSeriesFile> files) {
        long now = clock.millis();
        String series = "INSERT INTO catalog_series (series_key, beamtime, series_id, start_time, end_time, detector,"
                + " status, frames_received, frames_kept, frames_reduced_only, frames_vetoed, frames_rejected,"
                + " frames_missing, rule_versions, size_bytes, file_count, committed_ms, recorded_ms)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (series_key) DO UPDATE SET"
                + " beamtime = excluded.beamtime, series_id = excluded.series_id, start_time = excluded.start_time,"
                + " end_time = excluded.end_time, detector = excluded.detector, status = excluded.status,"
                + " frames_received = excluded.frames_received, frames_kept = excluded.frames_kept,"
                + " frames_reduced_only = excluded.frames_reduced_only, frames_vetoed = excluded.frames_vetoed,"
                + " frames_rejected = excluded.frames_rejected, frames_missing = excluded.frames_missing,"
                + " rule_versions = excluded.rule_versions, size_bytes = excluded.size_bytes,"
                + " file_count = excluded.file_count, recorded_ms = excluded.recorded_ms";
        String file = "INSERT INTO catalog_series_file (path, series_key, size_bytes, adler32) VALUES (?, ?, ?, ?)"
                + " ON CONFLICT (path) DO UPDATE SET series_key = excluded.series_key,"
                + " size_bytes = excluded.size_bytes, adler32 = excluded.adler32";
        try {
            boolean auto = conn.getAutoCommit();
            conn.setAutoCommit(false);
            try {
                boolean existed = seriesRecord(s.key()).isPresent();
                try (PreparedStatement ps = conn.prepareStatement(series)) {
                    int i = 1;
                    ps.setString(i++, s.key());
                    ps.setString(i++, s.beamtime());
                    ps.setString(i++, s.seriesId());
                    ps.setString(i++, s.startTime());
                    ps.setString(i++, s.endTime());
                    ps.setString(i++, s.detector());
                    ps.setString(i++, s.status());
                    ps.setLong(i++, s.framesReceived());
                    ps.setLong(i++, s.framesKept());
                    ps.setLong(i++, s.framesReducedOnly());
                    ps.setLong(i++, s.framesVetoed());
                    ps.setLong(i++, s.framesRejected());
                    ps.setLong(i++, s.framesMissing());
                    ps.setString(i++, RULES_JSON.writeValueAsString(new java.util.TreeMap<>(s.ruleVersions())));
                    ps.setLong(i++, s.sizeBytes());
                    ps.setInt(i++, s.fileCount());
                    ps.setLong(i++, now);
                    ps.setLong(i, now);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = conn.prepareStatement(file)) {
                    for (CatalogSeriesFile f : files) {
                        ps.setString(1, f.path());
                        ps.setString(2, s.key());
                        ps.setLong(3, f.sizeBytes());
                        ps.setString(4, f.adler32());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                conn.commit();
                return !existed;
            } catch (SQLException | RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
                conn.rollback();
                throw e;
            } finally {
                conn.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw fail("record series " + s.key(), e);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ArchiveException("cannot encode the rule versions of " + s.key() + ": " + e.getMessage(), e);
        }
    }

    /**
     * Recorded series, by start time.
     *
     * @param beamtime a beamtime id; null or empty for every series
     * @return its series
     */
    public synchronized List<CatalogSeries> series(String beamtime) {
        if (beamtime == null || beamtime.isEmpty()) {
            return querySeries("SELECT * FROM catalog_series ORDER BY start_time, series_key");
        }
        return querySeries("SELECT * FROM catalog_series WHERE beamtime = ? ORDER BY start_time, series_key", beamtime);
    }

    /**
     * @param selection a series key, or a series id (unique in the catalog)
     * @return the series, if recorded
     * @throws ArchiveException when a series id names several series (give the key)
     */
    public synchronized Optional<CatalogSeries> seriesRecord(String selection) {
        List<CatalogSeries> l = querySeries("SELECT * FROM catalog_series WHERE series_key = ?", selection);
        if (l.isEmpty()) {
            l = querySeries("SELECT * FROM catalog_series WHERE series_id = ? ORDER BY series_key", selection);
        }
        if (l.size() > 1) {
            throw new ArchiveException("series id '" + selection + "' names " + l.size() + " series ("
                    + l.stream().map(CatalogSeries::key).toList() + "); give the series key", null);
        }
        return l.isEmpty() ? Optional.empty() : Optional.of(l.get(0));
    }

    /**
     * @param seriesKey a series key
     * @return its committed files by path, each with its archive copies
     */
    public synchronized List<CatalogSeriesFile> seriesFiles(String seriesKey) {
        Map<String, List<CatalogCopy>> copies = new LinkedHashMap<>();
        for (CatalogCopy c : queryCopies("SELECT c.* FROM archive_copy c JOIN catalog_series_file f ON f.path = c.path"
                + " WHERE f.series_key = ? ORDER BY c.path, c.target", seriesKey)) {
            copies.computeIfAbsent(c.path(), k -> new ArrayList<>()).add(c);
        }
        String sql = "SELECT * FROM catalog_series_file WHERE series_key = ? ORDER BY path";
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, seriesKey);
            List<CatalogSeriesFile> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String path = rs.getString("path");
                    out.add(new CatalogSeriesFile(path, rs.getString("series_key"), rs.getLong("size_bytes"),
                            rs.getString("adler32").trim(), copies.getOrDefault(path, List.of())));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail("query the files of series " + seriesKey, e);
        }
    }

    private List<CatalogSeries> querySeries(String sql, String... params) {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<CatalogSeries> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Map<String, Long> rules = RULES_JSON.readValue(rs.getString("rule_versions"), RULES_TYPE);
                    out.add(new CatalogSeries(rs.getString("series_key"), rs.getString("beamtime"),
                            rs.getString("series_id"), rs.getString("start_time"), rs.getString("end_time"),
                            rs.getString("detector"), rs.getString("status"), rs.getLong("frames_received"),
                            rs.getLong("frames_kept"), rs.getLong("frames_reduced_only"), rs.getLong("frames_vetoed"),
                            rs.getLong("frames_rejected"), rs.getLong("frames_missing"), rules,
                            rs.getLong("size_bytes"), rs.getInt("file_count"), rs.getLong("committed_ms"),
                            rs.getLong("recorded_ms")));
                }
            }
            return out;
        } catch (SQLException e) {
            throw fail("query series", e);
        } catch (IOException e) {
            throw new ArchiveException("archive catalog " + url + ": unreadable rule_versions: " + e.getMessage(), e);
        }
    }

    /**
     * @return number of rows in (archive_file, archive_copy), for consistency checks
     */
    public synchronized long[] rowCounts() {
        try (Statement st = conn.createStatement()) {
            long[] out = new long[2];
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM archive_file")) {
                rs.next();
                out[0] = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM archive_copy")) {
                rs.next();
                out[1] = rs.getLong(1);
            }
            return out;
        } catch (SQLException e) {
            throw fail("count rows", e);
        }
    }

    private ArchiveException fail(String what, SQLException e) {
        return new ArchiveException("archive catalog " + url + ": cannot " + what + ": " + e.getMessage(), e);
    }

    /**
     * Takes the catalog's exclusive lock for a migration or purge pass, so that two processes (a service
     * and a manual command) never copy or delete the same files at once. SQLite: an OS file lock on
     * {@code <db>.lock}; PostgreSQL: a session advisory lock. Both are released by {@link PassLock#close()}
     * and by the operating system or server when the process dies (kill -9 included).
     *
     * @return the held lock
     * @throws ArchiveException when another process holds it
     */
    public synchronized PassLock lockPass() {
        if (url.startsWith("jdbc:sqlite:")) {
            String file = url.substring("jdbc:sqlite:".length());
            int q = file.indexOf('?');
            file = q < 0 ? file : file.substring(0, q);
            if (file.isEmpty() || file.equals(":memory:") || file.startsWith("file:")) {
                return () -> { };
            }
            Path lockFile = Path.of(file + ".lock");
            try {
                java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(lockFile,
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
                java.nio.channels.FileLock lock;
                try {
                    lock = ch.tryLock();
                } catch (java.nio.channels.OverlappingFileLockException e) {
                    lock = null;
                }
                if (lock == null) {
                    ch.close();
                    throw new ArchiveException("another archive migration or purge is running against " + url
                            + " (lock " + lockFile + " is held)", null);
                }
                java.nio.channels.FileLock held = lock;
                return () -> {
                    try {
                        held.release();
                        ch.close();
                    } catch (IOException e) {
                        // released with the channel or at process exit
                    }
                };
            } catch (IOException e) {
                throw new ArchiveException("cannot lock " + lockFile + ": " + e.getMessage(), e);
            }
        }
        if (url.startsWith("jdbc:postgresql:")) {
            try (Statement st = conn.createStatement();
                 ResultSet rs = st.executeQuery("SELECT pg_try_advisory_lock(" + PG_LOCK_KEY + ")")) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new ArchiveException("another archive migration or purge is running against " + url
                            + " (advisory lock " + PG_LOCK_KEY + " is held)", null);
                }
            } catch (SQLException e) {
                throw fail("take the advisory lock", e);
            }
            return () -> {
                synchronized (this) {
                    try (Statement st = conn.createStatement()) {
                        st.execute("SELECT pg_advisory_unlock(" + PG_LOCK_KEY + ")");
                    } catch (SQLException e) {
                        // released when the session ends
                    }
                }
            };
        }
        return () -> { };
    }

    /** A held pass lock; closing releases it. */
    @FunctionalInterface
    public interface PassLock extends AutoCloseable {
        @Override
        void close();
    }

    @Override
    public synchronized void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // closing; nothing left to do
        }
    }
}
