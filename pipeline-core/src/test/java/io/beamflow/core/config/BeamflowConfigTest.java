package io.beamflow.core.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BeamflowConfigTest {
    private static BeamflowConfig parse(String yaml) {
        return BeamflowConfig.read(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    @Test
    void shouldReadSectionsAndKeepDefaults() {
        BeamflowConfig c = parse("simulator:\n  frames: 12\nsink:\n  framesPerFile: 5\n");
        assertEquals(12, c.simulator.frames);
        assertEquals(5, c.sink.framesPerFile);
        assertEquals(1024, c.simulator.width);
    }

    @Test
    void shouldNameUnknownKey() {
        BeamflowConfig.ConfigException e = assertThrows(BeamflowConfig.ConfigException.class,
                () -> parse("sink:\n  framesPerFlie: 5\n"));
        assertTrue(e.getMessage().contains("framesPerFlie"), e.getMessage());
    }

    @Test
    void shouldLoadShippedDemoConfig() {
        Path demo = Path.of(System.getProperty("beamflow.repo.root", "..")).resolve("config/demo.yaml");
        BeamflowConfig c = BeamflowConfig.load(demo);
        assertTrue(c.simulator.frames >= 1000);
        assertEquals(1024, c.simulator.width);
    }

    @Test
    void shouldLoadShippedJournalServerDemoConfig() {
        Path config = Path.of(System.getProperty("beamflow.repo.root", ".."))
                .resolve("config/demo-journal-server.yaml");
        BeamflowConfig c = BeamflowConfig.load(config);
        assertEquals(java.util.List.of(c.ingest.journalServerEndpoint), c.reduction.journalServers,
                "the job reads the demo node's journal through its journal server");
    }
}
