package io.beamflow.core.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * JSON form of rule documents, and the "active rules" file through which a running job learns of a
 * new version: {@code <rulesDirectory>/active.json}, replaced atomically (write temp, rename).
 */
public final class RuleDocumentCodec {
    /** File name of the active document inside a rules directory. */
    public static final String ACTIVE_FILE = "active.json";

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(SerializationFeature.INDENT_OUTPUT);

    private RuleDocumentCodec() {
    }

    /**
     * @param json JSON text
     * @return the document
     * @throws IllegalArgumentException with the parser's message (line/column) when the JSON is bad
     */
    public static RuleDocument fromJson(String json) {
        try {
            return MAPPER.readValue(json, RuleDocument.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("bad rule document: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
                    + ", column " + e.getLocation().getColumnNr()), e);
        }
    }

    /**
     * @param doc document
     * @return its JSON text
     */
    public static String toJson(RuleDocument doc) {
        try {
            return MAPPER.writeValueAsString(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Atomically replaces the active document of a rules directory.
     *
     * @param rulesDirectory directory watched by the running job
     * @param doc            the validated document to activate
     */
    public static void writeActive(Path rulesDirectory, RuleDocument doc) {
        try {
            Files.createDirectories(rulesDirectory);
            Path tmp = Files.createTempFile(rulesDirectory, ".active", ".tmp");
            Files.writeString(tmp, toJson(doc));
            Files.move(tmp, rulesDirectory.resolve(ACTIVE_FILE), StandardCopyOption.ATOMIC_MOVE,
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write active rules in " + rulesDirectory, e);
        }
    }

    /**
     * @param rulesDirectory directory watched by the running job
     * @return the active document, or {@link RuleDocument#keepAll()} when none was written yet
     */
    public static RuleDocument readActive(Path rulesDirectory) {
        Path file = rulesDirectory.resolve(ACTIVE_FILE);
        if (!Files.exists(file)) {
            return RuleDocument.keepAll();
        }
        try {
            return fromJson(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
