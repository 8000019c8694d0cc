package io.beamflow.core.beamtime;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * Beamtimes kept in an append-only JSON-lines file ({@code beamtimes.jsonl}): every open and close appends the
 * beamtime's whole record, synced to disk; the last record of an id wins. The control API writes it; the HDF5
 * sink reads it (re-reading when the file changed) to find the beamtime a series belongs to. Thread-safe.
 */
public final class BeamtimeStore {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final Map<String, Beamtime> byId = new LinkedHashMap<>();
    private FileTime loadedModified;
    private long loadedSize = -1;

    /** @param file the JSON-lines file (created at the first open) */
    public BeamtimeStore(Path file) {
        this.file = file;
        reloadIfChanged();
    }

    /** @return the store file */
    public Path path() {
        return file;
    }

    /** @return every beamtime, in the order they were opened */
    public synchronized List<Beamtime> list() {
        reloadIfChanged();
        return List.copyOf(byId.values());
    }

    /**
     * @param id beamtime id
     * @return that beamtime
     */
    public synchronized Optional<Beamtime> find(String id) {
        reloadIfChanged();
        return Optional.ofNullable(byId.get(id));
    }

    /**
     * @param beamline a beamline; empty: any
     * @param t        when the series started
     * @return the beamtime a series started then on that beamline belongs to
     */
    public synchronized Optional<Beamtime> at(String beamline, Instant t) {
        return all(beamline, t).stream().findFirst();
    }

    /**
     * @param beamline a beamline; empty: any
     * @param t        an instant
     * @return every beamtime scheduled and not closed then on that beamline (at most one per beamline)
     */
    public synchronized List<Beamtime> all(String beamline, Instant t) {
        reloadIfChanged();
        return byId.values().stream()
                .filter(b -> (beamline == null || beamline.isEmpty() || b.beamline().equals(beamline)) && b.covers(t))
                .toList();
    }

    /**
     * Validates and stores a new beamtime.
     *
     * @param b candidate
     * @return the problems (nothing stored when not empty)
     */
    public synchronized List<String> open(Beamtime b) {
        reloadIfChanged();
        List<String> problems = BeamtimeValidator.problems(b, byId.values());
        if (problems.isEmpty()) {
            append(b);
        }
        return problems;
    }

    /**
     * Closes an open beamtime: series starting later are refused.
     *
     * @param id   beamtime id
     * @param when closing time
     * @return the closed beamtime
     * @throws NoSuchElementException when there is no such beamtime
     * @throws IllegalStateException  when it is closed already
     */
    public synchronized Beamtime close(String id, Instant when) {
        reloadIfChanged();
        Beamtime b = byId.get(id);
        if (b == null) {
            throw new NoSuchElementException("no beamtime " + id);
        }
        if (!b.isOpen()) {
            throw new IllegalStateException("beamtime " + id + " was closed at " + b.closedAt());
        }
        Beamtime closed = b.closed(when);
        append(closed);
        return closed;
    }

    private void append(Beamtime b) {
        try {
            Path dir = file.toAbsolutePath().getParent();
            Files.createDirectories(dir);
            byte[] line = (JSON.writeValueAsString(b) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                long size = ch.size();
                if (size > 0) {
                    ByteBuffer last = ByteBuffer.allocate(1);
                    ch.read(last, size - 1);
                    if (last.get(0) != '\n') {
                        ch.write(ByteBuffer.wrap(new byte[] {'\n'}), size); // end a line torn by a crash
                        size++;
                    }
                }
                ch.write(ByteBuffer.wrap(line), size);
                ch.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
        byId.put(b.id(), b);
        loadedSize = -1; // re-read (cheap) next time, so that the modification time is current
    }

    private void reloadIfChanged() {
        try {
            if (!Files.exists(file)) {
                byId.clear();
                loadedSize = -1;
                return;
            }
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            if (size == loadedSize && modified.equals(loadedModified)) {
                return;
            }
            Map<String, Beamtime> read = new LinkedHashMap<>();
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).trim();
                if (l.isEmpty()) {
                    continue;
                }
                try {
                    Beamtime b = JSON.readValue(l, Beamtime.class);
                    read.put(b.id(), b);
                } catch (IOException e) {
                    LoggerFactory.getLogger(BeamtimeStore.class).warn("{} line {} is torn or corrupt, skipped: {}",
                            file, i + 1, e.getMessage());
                }
            }
            byId.clear();
            byId.putAll(read);
            loadedModified = modified;
            loadedSize = size;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

}
