package io.beamflow.core.journal.remote;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.beamflow.core.wire.ZmqContexts;
import io.beamflow.core.wire.ZmqHandshake;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.agrona.concurrent.UnsafeBuffer;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * Client of an ingest node's journal server ({@link JournalServerProtocol}): lists streams, replays
 * records from an index, releases journal cycles, counts series ends. Blocking calls with a receive
 * timeout; a call that gets no reply in time throws {@link IllegalStateException} and the next call
 * reconnects. Not thread-safe.
 */
public final class JournalClient implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final ZContext context = new ZContext(1);
    private final String endpoint;
    private final int timeoutMs;
    private ZMQ.Socket socket;

    /**
     * One journal record as served: the reply part as received, the record after its 8-byte index (no
     * copy is made of it).
     *
     * @param index journal index
     * @param part  the reply part: 8-byte little-endian index, then the record bytes (native header + body)
     */
    public record Record(long index, byte[] part) {
        /** Where the record starts in {@link #part}. */
        public static final int OFFSET = 8;

        /** @return the record's length in bytes */
        public int length() {
            return part.length - OFFSET;
        }

        /** @return a copy of the record's bytes */
        public byte[] record() {
            return Arrays.copyOfRange(part, OFFSET, part.length);
        }
    }

    /**
     * A batch of records.
     *
     * @param records   the records, in journal order
     * @param nextIndex where the next read continues
     */
    public record Batch(List<Record> records, long nextIndex) {
    }

    /**
     * @param endpoint  the server's endpoint
     * @param timeoutMs how long a call waits for its reply
     */
    public JournalClient(String endpoint, int timeoutMs) {
        this.endpoint = endpoint;
        this.timeoutMs = timeoutMs;
        connect();
    }

    private void connect() {
        if (socket != null) {
            socket.close();
        }
        socket = context.createSocket(SocketType.REQ);
        socket.setReceiveTimeOut(timeoutMs);
        socket.setLinger(0);
        socket.setHandshakeIvl(ZmqHandshake.CONNECT_TIMEOUT_MS);
        socket.connect(endpoint);
    }

    private List<byte[]> call(String... request) {
        for (int i = 0; i < request.length; i++) {
            socket.send(request[i], i < request.length - 1 ? ZMQ.SNDMORE : 0);
        }
        List<byte[]> reply = new ArrayList<>();
        byte[] first = socket.recv(0);
        if (first == null) {
            connect(); // a REQ socket that missed its reply cannot send again
            throw new IllegalStateException("journal server " + endpoint + " did not reply within " + timeoutMs + " ms");
        }
        reply.add(first);
        while (socket.hasReceiveMore()) {
            reply.add(socket.recv(0));
        }
        String status = new String(first, StandardCharsets.US_ASCII);
        if (JournalServerProtocol.ERROR.equals(status)) {
            throw new IllegalArgumentException("journal server: " + new String(reply.get(1), StandardCharsets.UTF_8));
        }
        return reply;
    }

    /** @return the server's stream ids as a JSON array */
    public String streams() {
        return new String(call(JournalServerProtocol.STREAMS).get(1), StandardCharsets.UTF_8);
    }

    /**
     * @return the server's stream ids
     * @throws IllegalStateException when the server does not reply in time or replies with something else
     */
    public List<String> streamIds() {
        String json = streams();
        try {
            List<String> ids = new ArrayList<>();
            for (JsonNode id : JSON.readTree(json)) {
                ids.add(id.asText());
            }
            return ids;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("journal server " + endpoint + " sent an unreadable stream list: "
                    + json, e);
        }
    }

    /**
     * @param stream stream id
     * @return the SERIES_END records the server has counted so far in that stream's journal (it counts on
     *         at each request)
     */
    public long seriesEnds(String stream) {
        return Long.parseLong(new String(call(JournalServerProtocol.SERIES_ENDS, stream).get(1),
                StandardCharsets.US_ASCII));
    }

    /** @return the server's endpoint */
    public String endpoint() {
        return endpoint;
    }

    /**
     * @param stream     stream id
     * @param fromIndex  first index, -1 for the start of the journal
     * @param maxRecords most records to return
     * @param maxBytes   most bytes to return (at least one record is returned if available)
     * @return the records available now (possibly none)
     */
    public Batch read(String stream, long fromIndex, int maxRecords, long maxBytes) {
        List<byte[]> reply = call(JournalServerProtocol.READ, stream, Long.toString(fromIndex),
                Integer.toString(maxRecords), Long.toString(maxBytes));
        long next = Long.parseLong(new String(reply.get(1), StandardCharsets.US_ASCII));
        List<Record> records = new ArrayList<>();
        for (int i = 2; i < reply.size(); i++) {
            byte[] part = reply.get(i);
            if (part.length < Record.OFFSET) {
                throw new IllegalStateException("journal server " + endpoint + " sent a record part of "
                        + part.length + " bytes");
            }
            records.add(new Record(new UnsafeBuffer(part).getLong(0, ByteOrder.LITTLE_ENDIAN), part));
        }
        return new Batch(records, next);
    }

    /**
     * Tells the node that records below {@code index} are covered by a completed checkpoint.
     *
     * @param stream stream id
     * @param index  lowest index still needed
     */
    public void release(String stream, long index) {
        call(JournalServerProtocol.RELEASE, stream, Long.toString(index));
    }

    @Override
    public void close() {
        ZmqContexts.close(context); // also when called from a cancelled (interrupted) Flink task
    }
}
