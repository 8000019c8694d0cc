package io.beamflow.reduce.flink.source.reader;

import io.beamflow.core.journal.CheckpointedIndexFile;
import io.beamflow.core.journal.remote.JournalClient;
import io.beamflow.reduce.flink.source.split.JournalSplit;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the ingest nodes where the journals' completed checkpoint stands, so that they may delete the
 * cycles below it: a {@link CheckpointedIndexFile} next to local journals, a RELEASE request to the
 * journal server for remote ones. Releases run on their own thread, newest checkpoint first and older
 * ones dropped, so that a slow or absent server never holds the task thread; a failed release is logged
 * and made good by the next checkpoint (a release only ever says "below this index").
 */
final class CheckpointPositionPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CheckpointPositionPublisher.class);

    private final CheckpointedIndexFile localFiles;
    private final int serverTimeoutMs;
    private final Map<String, JournalClient> clients = new HashMap<>();
    private ExecutorService releaseThread;

    /**
     * @param journalDirectory local journal directory, or {@code null} when only remote journals are read
     * @param serverTimeoutMs  how long a release request waits for its reply
     */
    CheckpointPositionPublisher(String journalDirectory, int serverTimeoutMs) {
        this.localFiles = journalDirectory == null ? null : new CheckpointedIndexFile(journalDirectory);
        this.serverTimeoutMs = serverTimeoutMs;
    }

    /** @param splits the splits as a completed checkpoint holds them */
    void publish(List<JournalSplit> splits) {
        List<JournalSplit> remote = splits.stream().filter(JournalSplit::isRemote).toList();
        for (JournalSplit s : splits) {
            if (!s.isRemote() && localFiles != null) {
                try {
                    localFiles.publish(s.streamId(), s.startIndex());
                } catch (IOException e) {
                    LOG.warn("cannot publish the checkpointed index of stream {}: {}", s.streamId(), e.toString());
                }
            }
        }
        if (remote.isEmpty()) {
            return;
        }
        releaseThread().execute(() -> release(remote));
    }

    /** One thread, at most one release waiting: a newer checkpoint's release replaces the waiting one. */
    private synchronized ExecutorService releaseThread() {
        if (releaseThread == null) {
            releaseThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1), r -> {
                Thread t = new Thread(r, "journal-release");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.DiscardOldestPolicy());
        }
        return releaseThread;
    }

    private void release(List<JournalSplit> splits) {
        for (JournalSplit s : splits) {
            if (s.startIndex() < 0) {
                continue;
            }
            try {
                clients.computeIfAbsent(s.server(), e -> new JournalClient(e, serverTimeoutMs))
                        .release(s.remoteStream(), s.startIndex());
            } catch (RuntimeException e) {
                LOG.warn("journal server {}: cannot release stream {} below index {}: {}", s.server(),
                        s.remoteStream(), s.startIndex(), e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        ExecutorService executor;
        synchronized (this) {
            executor = releaseThread;
        }
        if (executor == null) {
            return;
        }
        executor.execute(() -> {
            clients.values().forEach(JournalClient::close);
            clients.clear();
        });
        executor.shutdown();
        try {
            if (!executor.awaitTermination(2L * serverTimeoutMs, TimeUnit.MILLISECONDS)) {
                LOG.warn("journal release thread did not stop within {} ms", 2L * serverTimeoutMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
