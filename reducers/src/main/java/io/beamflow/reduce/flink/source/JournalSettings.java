package io.beamflow.reduce.flink.source;

import io.beamflow.core.journal.JournalConfig;
import java.io.Serializable;
import java.nio.file.Path;

/**
 * How the ingest nodes' journals are laid out (roll cycle, block size), so that readers open them
 * exactly as they were created.
 *
 * @param rollCycle      Chronicle roll-cycle name
 * @param blockSizeBytes Chronicle block size
 */
public record JournalSettings(String rollCycle, long blockSizeBytes) implements Serializable {
    /** Chronicle defaults used by {@link JournalConfig#of(Path)}. */
    public static final JournalSettings DEFAULT = new JournalSettings(JournalConfig.DEFAULT_ROLL_CYCLE,
            JournalConfig.DEFAULT_BLOCK_SIZE);

    /**
     * @param directory one stream's journal directory
     * @return the journal configuration for it
     */
    public JournalConfig config(Path directory) {
        return new JournalConfig(directory, rollCycle, blockSizeBytes);
    }
}
