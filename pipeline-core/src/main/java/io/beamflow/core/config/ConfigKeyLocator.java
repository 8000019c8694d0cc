package io.beamflow.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Finds the line of a key (dotted path such as {@code ingest.protocol}) in a YAML configuration file,
 * so that a start-up error can name the file, line and key of a bad value.
 */
public final class ConfigKeyLocator {
    /** Stands for an open array on the stack (which holds no field name). */
    private static final String[] ARRAY = new String[0];

    private ConfigKeyLocator() {
    }

    /**
     * @param file      YAML file
     * @param dottedKey key path, sections separated by dots
     * @return the 1-based line of the key, or 0 when the file does not set it (a default) or cannot be read
     */
    public static int line(Path file, String dottedKey) {
        if (file == null) {
            return 0;
        }
        try (JsonParser p = new YAMLFactory().createParser(file.toFile())) {
            // one entry per open container: the current field name for objects, ARRAY for arrays
            Deque<String[]> stack = new ArrayDeque<>();
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                switch (t) {
                    case START_OBJECT -> stack.push(new String[1]);
                    case START_ARRAY -> stack.push(ARRAY);
                    case END_OBJECT, END_ARRAY -> {
                        if (!stack.isEmpty()) {
                            stack.pop();
                        }
                    }
                    case FIELD_NAME -> {
                        String[] top = stack.peek();
                        if (top != null && top.length == 1) {
                            top[0] = p.currentName();
                            if (path(stack).equals(dottedKey)) {
                                return p.currentTokenLocation().getLineNr();
                            }
                        }
                    }
                    default -> { }
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    private static String path(Deque<String[]> stack) {
        StringBuilder sb = new StringBuilder();
        var it = stack.descendingIterator();
        while (it.hasNext()) {
            String[] level = it.next();
            if (level.length == 0 || level[0] == null) {
                continue;
            }
            if (sb.length() > 0) {
                sb.append('.');
            }
            sb.append(level[0]);
        }
        return sb.toString();
    }
}
