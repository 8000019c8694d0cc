package io.beamflow.core.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
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
        } catch (IOException e) {
            throw new ConfigException("cannot read configuration " + file + ": " + e.getMessage(), e);
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
            throw new ConfigException(source + ": unknown key '" + e.getPropertyName() + "' at "
                    + e.getPathReference() + " (known: " + e.getKnownPropertyIds() + ")", e);
        } catch (IOException e) {
            throw new ConfigException(source + ": " + e.getMessage(), e);
        }
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
