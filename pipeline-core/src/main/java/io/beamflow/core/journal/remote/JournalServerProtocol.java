package io.beamflow.core.journal.remote;

/**
 * Commands of the journal server an ingest node runs for Flink sources on other hosts (ZeroMQ
 * REQ/ROUTER, all parts ASCII unless noted).
 *
 * <pre>
 * request                                         reply
 * STREAMS                                         OK, JSON array of stream ids
 * READ stream fromIndex maxRecords maxBytes       RECORDS, nextIndex, then one part per record:
 *                                                   8-byte little-endian journal index + record bytes
 *                                                   (native header + body, as in the journal)
 * RELEASE stream index                            OK   (journal cycles below index may be deleted)
 * SERIES_ENDS stream                              OK, SERIES_END records counted so far (each request
 *                                                   scans on by at most 16384 records: ask again)
 * anything else / failure                         ERROR, message
 * </pre>
 * {@code fromIndex} -1 means the first record still in the journal. READ never blocks: it returns what
 * is there now (possibly nothing), and the client asks again from {@code nextIndex}.
 */
public final class JournalServerProtocol {
    /** List streams. */
    public static final String STREAMS = "STREAMS";
    /** Read records. */
    public static final String READ = "READ";
    /** Release journal cycles below an index (a checkpoint covers them). */
    public static final String RELEASE = "RELEASE";
    /** Count the SERIES_END records of a stream (how a bounded job learns that its streams ended). */
    public static final String SERIES_ENDS = "SERIES_ENDS";
    /** Successful reply. */
    public static final String OK = "OK";
    /** Reply carrying records. */
    public static final String RECORDS = "RECORDS";
    /** Failed request. */
    public static final String ERROR = "ERROR";
    /** Largest reply the server assembles. */
    public static final int MAX_REPLY_BYTES = 256 << 20;

    private JournalServerProtocol() {
    }
}
