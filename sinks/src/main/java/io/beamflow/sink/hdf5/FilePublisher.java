package io.beamflow.sink.hdf5;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** Publishes finished files by renaming them from their in-progress name to their final name. */
public final class FilePublisher {
    private FilePublisher() {
    }

    /** Outcome of a publish. */
    public enum Outcome {
        /** The file was renamed now. */
        RENAMED,
        /** The file was already under its final name (a commit replayed after a restart). */
        ALREADY_COMMITTED
    }

    /**
     * Renames {@code c.tempPath} to {@code c.finalPath} atomically; idempotent.
     *
     * @param c committable
     * @return what happened
     * @throws IOException when neither the in-progress nor the final file exists (data lost), when the
     *                     in-progress file does not have the size it was closed with, or when the rename
     *                     fails (permissions, read-only filesystem); the final name is never half-written
     */
    public static Outcome publish(Hdf5Committable c) throws IOException {
        Path temp = c.temp();
        Path target = c.target();
        if (!Files.exists(temp)) {
            if (Files.exists(target) && Files.size(target) == c.bytes()) {
                return Outcome.ALREADY_COMMITTED;
            }
            throw new IOException("cannot commit " + target + ": in-progress file " + temp + " is missing");
        }
        long size = Files.size(temp);
        if (size != c.bytes()) {
            throw new IOException("cannot commit " + target + ": in-progress file has " + size
                    + " bytes, " + c.bytes() + " were written");
        }
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("cannot commit " + target + ": filesystem does not support atomic rename", e);
        }
        return Outcome.RENAMED;
    }
}
