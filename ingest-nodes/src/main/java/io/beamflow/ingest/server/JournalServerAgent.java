package io.beamflow.ingest.server;

import io.beamflow.core.journal.FrameJournal;
import io.beamflow.core.journal.JournalConfig;
import io.beamflow.core.journal.JournalTailer;
import io.beamflow.core.journal.SeriesEndCounter;
import io.beamflow.core.journal.remote.JournalServerProtocol;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ObjLongConsumer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.UnsafeBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.zeromq.ZMQ;

/**
 * Serves a node's journals to remote readers (a Flink source on another host) over ZeroMQ: replay
 * from any index, batch by batch, and release of journal cycles a completed checkpoint covers. See
 * {@link JournalServerProtocol}. Owns a ROUTER socket and one read-only journal handle per stream.
 */
public final class JournalServerAgent implements Agent {
    private static final Logger LOG = LoggerFactory.getLogger(JournalServerAgent.class);
    private static final int REQUESTS_PER_CYCLE = 8;

    private final ZMQ.Socket socket;
    private final Map<String, FrameJournal> journals = new HashMap<>();
    private final Map<String, JournalTailer> tailers = new HashMap<>();
    private final Map<String, SeriesEndCounter> seriesEnds = new HashMap<>();
    private final ObjLongConsumer<String> release;
    private final List<byte[]> request = new ArrayList<>();

    /**
     * @param socket      bound ROUTER socket; owned from now on
     * @param journals    journal per stream id (opened read-only here, as the node writes them)
     * @param release     called with (stream, index) on RELEASE
     */
    public JournalServerAgent(ZMQ.Socket socket, Map<String, JournalConfig> journals,
            ObjLongConsumer<String> release) {
        this.socket = socket;
        this.release = release;
        journals.forEach((id, config) -> this.journals.put(id, FrameJournal.open(config)));
    }

    @Override
    public int doWork() {
        int work = 0;
        for (int i = 0; i < REQUESTS_PER_CYCLE; i++) {
            byte[] identity = socket.recv(ZMQ.DONTWAIT);
            if (identity == null) {
                break;
            }
            request.clear();
            while (socket.hasReceiveMore()) {
                byte[] part = socket.recv(0);
                if (part != null && request.size() < 16) {
                    request.add(part);
                }
            }
            // A REQ client puts an empty delimiter between its identity and the request.
            boolean delimited = !request.isEmpty() && request.get(0).length == 0;
            if (delimited) {
                request.remove(0);
            }
            socket.send(identity, ZMQ.SNDMORE);
            if (delimited) {
                socket.send(new byte[0], ZMQ.SNDMORE);
            }
            try {
                handle();
            } catch (RuntimeException e) {
                LOG.warn("journal server: request failed", e);
                error(String.valueOf(e.getMessage()));
            }
            work++;
        }
        return work;
    }

    private String arg(int i) {
        return i < request.size() ? new String(request.get(i), StandardCharsets.US_ASCII) : "";
    }

    private void handle() {
        switch (arg(0)) {
            case JournalServerProtocol.STREAMS -> {
                socket.send(JournalServerProtocol.OK, ZMQ.SNDMORE);
                StringBuilder sb = new StringBuilder("[");
                journals.keySet().stream().sorted().forEach(id -> sb.append(sb.length() > 1 ? "," : "")
                        .append('"').append(id).append('"'));
                socket.send(sb.append(']').toString(), 0);
            }
            case JournalServerProtocol.READ -> read(arg(1), Long.parseLong(arg(2)), Integer.parseInt(arg(3)),
                    Long.parseLong(arg(4)));
            case JournalServerProtocol.RELEASE -> {
                String stream = arg(1);
                if (!journals.containsKey(stream)) {
                    error("unknown stream " + stream);
                    return;
                }
                release.accept(stream, Long.parseLong(arg(2)));
                socket.send(JournalServerProtocol.OK, 0);
            }
            case JournalServerProtocol.SERIES_ENDS -> {
                FrameJournal journal = journals.get(arg(1));
                if (journal == null) {
                    error("unknown stream " + arg(1));
                    return;
                }
                long ends = seriesEnds.computeIfAbsent(arg(1), id -> SeriesEndCounter.over(journal)).poll();
                socket.send(JournalServerProtocol.OK, ZMQ.SNDMORE);
                socket.send(Long.toString(ends), 0);
            }
            default -> error("unknown command '" + arg(0) + "'");
        }
    }

    private void read(String stream, long fromIndex, int maxRecords, long maxBytes) {
        FrameJournal journal = journals.get(stream);
        if (journal == null) {
            error("unknown stream " + stream);
            return;
        }
        JournalTailer tailer = tailers.get(stream);
        if (tailer == null || fromIndex < 0 || tailer.index() != fromIndex) {
            if (tailer != null) {
                tailer.close();
            }
            tailer = journal.tailer(fromIndex);
            tailers.put(stream, tailer);
        }
        long budget = Math.min(Math.max(1, maxBytes), JournalServerProtocol.MAX_REPLY_BYTES);
        List<byte[]> records = new ArrayList<>();
        long[] bytes = {0};
        while (records.size() < Math.max(1, maxRecords) && bytes[0] < budget) {
            int n = tailer.poll((index, rec, off, len) -> {
                byte[] out = new byte[8 + len];
                UnsafeBuffer b = new UnsafeBuffer(out);
                b.putLong(0, index, ByteOrder.LITTLE_ENDIAN);
                rec.getBytes(off, out, 8, len);
                records.add(out);
                bytes[0] += out.length;
            });
            if (n == 0) {
                break;
            }
        }
        socket.send(JournalServerProtocol.RECORDS, ZMQ.SNDMORE);
        socket.send(Long.toString(tailer.index()), records.isEmpty() ? 0 : ZMQ.SNDMORE);
        for (int i = 0; i < records.size(); i++) {
            socket.send(records.get(i), i < records.size() - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    private void error(String message) {
        socket.send(JournalServerProtocol.ERROR, ZMQ.SNDMORE);
        socket.send(message, 0);
    }

    @Override
    public void onClose() {
        tailers.values().forEach(JournalTailer::close);
        seriesEnds.values().forEach(SeriesEndCounter::close);
        journals.values().forEach(FrameJournal::close);
        socket.close();
    }

    @Override
    public String roleName() {
        return "journal-server";
    }
}
