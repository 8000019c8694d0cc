package io.beamflow.reduce.flink.source.enumerator;

import io.beamflow.core.journal.remote.JournalClient;
import io.beamflow.reduce.flink.source.JournalLocations;
import io.beamflow.reduce.flink.source.split.JournalSplit;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discovers ingest streams periodically, so streams that appear later are picked up: as sub-directories
 * of the local journal directory, or by asking each journal server for its streams (a server that does
 * not answer is logged and asked again at the next round). Assigns each stream to a reader by a stable
 * hash of its id. In bounded
 * mode it stops discovering once {@code expectedStreams} streams were found and then tells every reader
 * that no more splits will come.
 */
public final class JournalSplitEnumerator implements SplitEnumerator<JournalSplit, JournalEnumeratorState> {
    private static final Logger LOG = LoggerFactory.getLogger(JournalSplitEnumerator.class);

    private final SplitEnumeratorContext<JournalSplit> context;
    private final JournalLocations journals;
    private final Map<String, JournalClient> clients = new HashMap<>();
    private final Map<String, String> serverProblems = new HashMap<>();
    private volatile boolean closed;
    private final long discoveryIntervalMs;
    private final int expectedStreams;
    private final boolean bounded;
    private final Set<String> assignedStreams;
    private final Map<String, JournalSplit> pending = new LinkedHashMap<>();
    private boolean discoveryDone;

    /**
     * @param context             Flink's enumerator context
     * @param journals            where the journals are: a local directory or journal servers
     * @param discoveryIntervalMs how often to look for new streams
     * @param expectedStreams     bounded mode: number of streams after which discovery stops
     * @param bounded             whether the source is bounded
     * @param restored            restored state, or {@code null}
     */
    public JournalSplitEnumerator(SplitEnumeratorContext<JournalSplit> context, JournalLocations journals,
            long discoveryIntervalMs, int expectedStreams, boolean bounded, JournalEnumeratorState restored) {
        this.context = context;
        this.journals = journals;
        this.discoveryIntervalMs = discoveryIntervalMs;
        this.expectedStreams = Math.max(1, expectedStreams);
        this.bounded = bounded;
        this.assignedStreams = new HashSet<>();
        if (restored != null) {
            assignedStreams.addAll(restored.assignedStreams());
            for (JournalSplit s : restored.pendingSplits()) {
                pending.put(s.streamId(), s);
            }
        }
    }

    @Override
    public void start() {
        context.callAsync(this::discover, this::onDiscovered, 0, discoveryIntervalMs);
    }

    private List<JournalSplit> discover() {
        return journals.remote() ? discoverRemote() : discoverLocal();
    }

    /** Runs on the enumerator's single worker thread, which alone uses the clients. */
    private List<JournalSplit> discoverRemote() {
        List<JournalSplit> found = new ArrayList<>();
        for (String server : journals.servers()) {
            try {
                List<String> streams = clients.computeIfAbsent(server,
                        s -> new JournalClient(s, journals.serverTimeoutMs())).streamIds();
                for (String stream : streams) {
                    found.add(JournalSplit.remote(server, stream, JournalSplit.FROM_FIRST, 0));
                }
                if (serverProblems.remove(server) != null) {
                    LOG.info("journal server {} answers again", server);
                }
            } catch (RuntimeException e) {
                if (closed) {
                    break; // the clients were closed under a running discovery: the job is stopping
                }
                String problem = String.valueOf(e.getMessage());
                if (!problem.equals(serverProblems.put(server, problem))) {
                    LOG.warn("cannot list the streams of journal server {} (asking again every {} ms): {}", server,
                            discoveryIntervalMs, problem);
                }
            }
        }
        return found;
    }

    private List<JournalSplit> discoverLocal() {
        List<JournalSplit> found = new ArrayList<>();
        File[] dirs = new File(journals.directory()).listFiles(File::isDirectory);
        if (dirs == null) {
            return found;
        }
        for (File d : dirs) {
            if (!d.getName().startsWith(".")) {
                found.add(new JournalSplit(d.getName(), d.getAbsolutePath(), JournalSplit.FROM_FIRST, 0));
            }
        }
        return found;
    }

    private void onDiscovered(List<JournalSplit> found, Throwable error) {
        if (error != null) {
            LOG.warn("cannot discover journal streams in {}: {}", journals, error.toString());
            return;
        }
        if (discoveryDone) {
            return;
        }
        for (JournalSplit s : found) {
            if (!assignedStreams.contains(s.streamId()) && !pending.containsKey(s.streamId())) {
                LOG.info("discovered journal stream {}", s.streamId());
                pending.put(s.streamId(), s);
            }
        }
        if (bounded && assignedStreams.size() + pending.size() >= expectedStreams) {
            discoveryDone = true;
        }
        assignPending();
    }

    private void assignPending() {
        int parallelism = context.currentParallelism();
        for (var it = pending.values().iterator(); it.hasNext(); ) {
            JournalSplit s = it.next();
            int owner = Math.floorMod(s.streamId().hashCode(), parallelism);
            if (context.registeredReaders().containsKey(owner)) {
                context.assignSplit(s, owner);
                assignedStreams.add(s.streamId());
                it.remove();
            }
        }
        if (discoveryDone && pending.isEmpty()) {
            for (int reader : context.registeredReaders().keySet()) {
                context.signalNoMoreSplits(reader);
            }
        }
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
        // Splits are pushed on discovery; readers do not ask.
    }

    @Override
    public void addSplitsBack(List<JournalSplit> splits, int subtaskId) {
        for (JournalSplit s : splits) {
            assignedStreams.remove(s.streamId());
            pending.put(s.streamId(), s);
        }
        assignPending();
    }

    @Override
    public void addReader(int subtaskId) {
        assignPending();
    }

    @Override
    public JournalEnumeratorState snapshotState(long checkpointId) {
        return new JournalEnumeratorState(assignedStreams, new ArrayList<>(pending.values()));
    }

    @Override
    public void close() throws IOException {
        closed = true;
        clients.values().forEach(JournalClient::close);
        clients.clear();
    }
}
