package io.beamflow.ingest.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** Parses JSON message parts (bounded by the header limit before parsing) into objects. */
final class JsonParts {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private JsonParts() {
    }

    /**
     * @return the parsed JSON object, or {@code null} if the bytes are not one JSON object
     */
    static JsonNode parseObject(byte[] bytes) {
        try {
            JsonNode node = MAPPER.readTree(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (JsonProcessingException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    static String describe(byte[] bytes) {
        int n = Math.min(bytes.length, 80);
        StringBuilder sb = new StringBuilder(n + 8);
        for (int i = 0; i < n; i++) {
            char c = (char) (bytes[i] & 0xFF);
            sb.append(c >= 32 && c < 127 ? c : '.');
        }
        return bytes.length > n ? sb.append("...").toString() : sb.toString();
    }

    static byte[] toBytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise JSON", e);
        }
    }
}
