package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The committer tells its listener of a series when the master is committed, after the data files, and again when
 * Flink replays the commit after a restart (the master is already under its final name); a failing listener is
 * counted and the commit stands.
 */
class Hdf5CommitterTest {
    @TempDir
    Path dir;

    /** A commit request as Flink's committer operator hands it over. */
    static final class Request implements CommitRequest<Hdf5Committable> {
        final Hdf5Committable c;
        boolean alreadyCommitted;
        boolean failed;

        Request(Hdf5Committable c) {
            this.c = c;
        }

        @Override
        public Hdf5Committable getCommittable() {
            return c;
        }

        @Override
        public int getNumberOfRetries() {
            return 0;
        }

        @Override
        public void signalFailedWithKnownReason(Throwable t) {
            failed = true;
        }

        @Override
        public void signalFailedWithUnknownReason(Throwable t) {
            failed = true;
        }

        @Override
        public void retryLater() {
        }

        @Override
        public void updateAndRetryLater(Hdf5Committable committable) {
        }

        @Override
        public void signalAlreadyCommitted() {
            alreadyCommitted = true;
        }
    }

    private Hdf5Committable file(String name, int bytes) throws Exception {
        Path temp = dir.resolve("." + name + ".inprogress");
        Files.write(temp, new byte[bytes]);
        return new Hdf5Committable("s1", temp.toString(), dir.resolve(name).toString(), bytes);
    }

    @Test
    void shouldTellTheListenerOfACommittedSeriesAgainWhenTheCommitIsReplayed() throws Exception {
        List<String> told = new ArrayList<>();
        Hdf5SinkWriterTest.CountingMetrics metrics = new Hdf5SinkWriterTest.CountingMetrics();
        SeriesCommitListener listener = new SeriesCommitListener() {
            @Override
            public void seriesCommitted(String seriesId, Path master) {
                told.add(seriesId + " " + master.getFileName() + " data committed: "
                        + Files.exists(dir.resolve("s1_data_000001.h5")));
            }

            @Override
            public void close() {
                told.add("closed");
            }
        };
        Hdf5Committer committer = new Hdf5Committer(metrics, listener);
        Hdf5Committable master = file("s1_master.h5", 10);
        Hdf5Committable data = file("s1_data_000001.h5", 20);
        committer.commit(List.of(new Request(master), new Request(data)));
        assertEquals(List.of("s1 s1_master.h5 data committed: true"), told, "once, after the data file");

        Request replayed = new Request(master);
        committer.commit(List.of(replayed));
        assertTrue(replayed.alreadyCommitted);
        assertEquals(2, told.size(), "a replayed commit tells the listener again (it is idempotent)");

        Request dataOnly = new Request(file("s1_data_000002.h5", 5));
        committer.commit(List.of(dataOnly));
        assertEquals(2, told.size(), "data files alone are not a committed series");
        committer.close();
        assertEquals("closed", told.get(2));
    }

    @Test
    void shouldKeepTheCommitWhenTheListenerFails() throws Exception {
        Hdf5SinkWriterTest.CountingMetrics metrics = new Hdf5SinkWriterTest.CountingMetrics();
        Hdf5Committer committer = new Hdf5Committer(metrics, new SeriesCommitListener() {
            @Override
            public void seriesCommitted(String seriesId, Path master) {
                throw new IllegalStateException("catalog listener broken");
            }

            @Override
            public void close() {
            }
        });
        Request r = new Request(file("s1_master.h5", 10));
        committer.commit(List.of(r));
        assertTrue(!r.failed && Files.exists(dir.resolve("s1_master.h5")));
        assertEquals(1, metrics.count("hdf5CommitListenerErrors"));
        assertEquals(1, metrics.count("hdf5FilesCommitted"));
    }
}
