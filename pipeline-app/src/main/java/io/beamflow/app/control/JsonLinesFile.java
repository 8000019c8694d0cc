package io.beamflow.app.control;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.LoggerFactory;

/** Append-only file of one JSON object per line, synced to disk on every append. */
final class JsonLinesFile<T> {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private final Path file;
    private final Class<T> type;

    JsonLinesFile(Path file, Class<T> type) {
        this.file = file;
        this.type = type;
    }

    Path path() {
        return file;
    }

    synchronized void append(T value) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            byte[] line = (MAPPER.writeValueAsString(value) + "\n").getBytes(StandardCharsets.UTF_8);
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                    StandardOpenOption.WRITE)) {
                long size = ch.size();
                if (size > 0) {
                    java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
                    ch.read(last, size - 1);
                    if (last.get(0) != '\n') {
                        // a torn line from a crash: end it so that the new record stays on its own line
                        ch.write(java.nio.ByteBuffer.wrap(new byte[] {'\n'}), size);
                        size++;
                    }
                }
                ch.write(java.nio.ByteBuffer.wrap(line), size);
                ch.force(false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }

    /** @return every readable record; torn lines (a crash during append) are skipped */
    synchronized List<T> readAll() {
        List<T> out = new ArrayList<>();
        if (!Files.exists(file)) {
            return out;
        }
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            for (int i = 0; i < lines.size(); i++) {
                String l = lines.get(i).trim();
                if (l.isEmpty()) {
                    continue;
                }
                try {
                    out.add(MAPPER.readValue(l, type));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    LoggerFactory.getLogger(JsonLinesFile.class).warn("{} line {} is torn or corrupt, skipped: {}", file,
                            i + 1, e.getOriginalMessage());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }
}
