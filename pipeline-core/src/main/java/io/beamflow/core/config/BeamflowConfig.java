package io.beamflow.core.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The whole Beamflow configuration, as read from a YAML file such as {@code config/demo.yaml}.
 * Each section has its own class; unknown keys are errors so that a typo in a beamline's
 * configuration is reported rather than silently ignored.
 */
public final class BeamflowConfig {
    /** Ingest nodes: endpoints, limits, journal. */
    public IngestConfig ingest = new IngestConfig();
    /** The simulated detector used by {@code beamflow simulate} and the demo. */
    public SimulatorConfig simulator = new SimulatorConfig();
    /** The Flink job: parallelism, checkpoints, reduction stages. */
    public ReductionConfig reduction = new ReductionConfig();
    /** HDF5/NeXus output. */
    public SinkConfig sink = new SinkConfig();
    /** Control API, dashboard, live view and metrics. */
    public ControlConfig control = new ControlConfig();
    /** Archive migration. */
    public ArchiveConfig archive = new ArchiveConfig();

    private static ObjectMapper yamlMapper() {
        return new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .findAndRegisterModules();
    }

    /**
     * Reads a configuration file.
     *
     * @param file YAML file
     * @return the configuration
     * @throws ConfigException when the file cannot be read or has unknown or ill-typed keys
     */
    public static BeamflowConfig load(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new ConfigException("configuration file " + file + " not found (working directory "
                    + Path.of("").toAbsolutePath() + ")", e);
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration " + file + ": " + e, e);
        }
    }

    /**
     * Reads a configuration from a stream.
     *
     * @param in     YAML text
     * @param source name for error messages
     * @return the configuration
     */
    public static BeamflowConfig read(InputStream in, String source) {
        try {
            BeamflowConfig c = yamlMapper().readValue(in, BeamflowConfig.class);
            return c == null ? new BeamflowConfig() : c;
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(where(source, e) + "unknown key '" + keyPath(e) + "' (known in this section: "
                    + e.getKnownPropertyIds() + ")", e);
        } catch (JsonMappingException e) {
            throw new ConfigException(where(source, e) + "key '" + keyPath(e) + "': " + firstLine(e.getOriginalMessage()),
                    e);
        } catch (JsonProcessingException e) {
            throw new ConfigException(where(source, e) + "not valid YAML: " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
    }

    private static String where(String source, JsonProcessingException e) {
        JsonLocation l = e.getLocation();
        return source + (l == null || l.getLineNr() <= 0 ? "" : ":" + l.getLineNr()) + ": ";
    }

    /** @return the dotted key path of a mapping error, e.g. {@code control.httpPort} */
    private static String keyPath(JsonMappingException e) {
        StringBuilder sb = new StringBuilder();
        for (JsonMappingException.Reference r : e.getPath()) {
            if (r.getFieldName() != null) {
                sb.append(sb.length() == 0 ? "" : ".").append(r.getFieldName());
            } else if (r.getIndex() >= 0) {
                sb.append('[').append(r.getIndex()).append(']');
            }
        }
        return sb.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).trim();
    }

    /** Thrown for unreadable or invalid configuration. */
    public static final class ConfigException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        /**
         * @param message what is wrong and where
         * @param cause   underlying error
         */
        public ConfigException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
