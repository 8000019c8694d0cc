package io.beamflow.core.journal;

import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of one frame journal (one Chronicle Queue directory per ingest stream).
 *
 * @param directory      queue directory; created if missing
 * @param rollCycle      Chronicle roll-cycle name, e.g. {@code FIVE_MINUTELY}, {@code FAST_HOURLY}
 * @param blockSizeBytes Chronicle mapping block size; must exceed the largest record several times
 */
public record JournalConfig(Path directory, String rollCycle, long blockSizeBytes) {

    /** Default roll cycle: short cycles keep the unit of deletion (and so the disk bound) small. */
    public static final String DEFAULT_ROLL_CYCLE = "FIVE_MINUTELY";
    /** Default block size: 256 MiB, enough for records of up to 64 MiB. */
    public static final long DEFAULT_BLOCK_SIZE = 256L << 20;

    /** Checks the arguments. */
    public JournalConfig {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(rollCycle, "rollCycle");
        if (blockSizeBytes < (1 << 20)) {
            throw new IllegalArgumentException("blockSizeBytes must be >= 1 MiB");
        }
    }

    /**
     * @param directory queue directory
     * @return a config with default roll cycle and block size
     */
    public static JournalConfig of(Path directory) {
        return new JournalConfig(directory, DEFAULT_ROLL_CYCLE, DEFAULT_BLOCK_SIZE);
    }
}
