package io.beamflow.app.control;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The audit log of rule and series changes: {@code audit.jsonl}, one {@link AuditEntry} per line. */
public final class AuditLog {
    /** File name inside the store directory. */
    public static final String FILE = "audit.jsonl";

    private final JsonLinesFile<AuditEntry> file;
    private final List<AuditEntry> entries;

    /** @param directory store directory (created when missing) */
    public AuditLog(Path directory) {
        this.file = new JsonLinesFile<>(directory.resolve(FILE), AuditEntry.class);
        this.entries = new ArrayList<>(file.readAll());
    }

    /** @param entry entry to record (synced to disk before returning) */
    public synchronized void record(AuditEntry entry) {
        file.append(entry);
        entries.add(entry);
    }

    /**
     * @param limit at most this many entries
     * @return the newest entries, oldest first
     */
    public synchronized List<AuditEntry> latest(int limit) {
        int from = Math.max(0, entries.size() - Math.max(0, limit));
        return List.copyOf(entries.subList(from, entries.size()));
    }

    /** @return the log file */
    public Path path() {
        return file.path();
    }
}
