package io.beamflow.archive.target;

import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One HTTP/1.1 client connection of the streaming PUT: a non-blocking socket channel waited on with a selector,
 * so every write and read has a timeout; bodies are written straight from the caller's (direct) buffers.
 * Response heads are parsed with bounded sizes, bodies of answers are discarded up to a bound.
 */
final class HttpConnection implements AutoCloseable {
    /** Largest response head (status line and headers) accepted. */
    static final int MAX_HEAD_BYTES = 64 << 10;
    /** Largest response body read and discarded to keep a connection; a larger one ends the connection. */
    static final long MAX_DISCARD_BYTES = 1 << 20;
    private static final int MAX_HEADERS = 256;

    private final String key;
    private final SocketChannel ch;
    private final Selector selector;
    private final SelectionKey selection;
    /** Response bytes read and not consumed yet, in read mode. */
    private final ByteBuffer in = ByteBuffer.allocate(MAX_HEAD_BYTES).flip();
    private int requests;
    private boolean reusable = true;

    /** A parsed response head; header names are lower-case, repeated headers joined with {@code ", "}. */
    record Head(int status, boolean http11, Map<String, String> headers) {
        String header(String lowerName) {
            return headers.get(lowerName);
        }

        boolean informational() {
            return status / 100 == 1;
        }

        boolean closes() {
            String c = headers.get("connection");
            return !http11 || (c != null && tokens(c).contains("close"));
        }
    }

    private HttpConnection(String key, SocketChannel ch) throws IOException {
        this.key = key;
        this.ch = ch;
        this.selector = Selector.open();
        this.selection = ch.register(selector, 0);
    }

    /**
     * Connects (within {@code timeoutMs}).
     *
     * @param host      host name or address
     * @param port      port
     * @param timeoutMs connect timeout
     * @return the connection
     * @throws IOException when the connection fails
     */
    static HttpConnection open(String host, int port, long timeoutMs) throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.socket().connect(new InetSocketAddress(host, port), (int) Math.min(Integer.MAX_VALUE, Math.max(1, timeoutMs)));
            ch.configureBlocking(false);
            return new HttpConnection(keyOf(host, port), ch);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    /** @return the pool key of a host and port */
    static String keyOf(String host, int port) {
        return host.toLowerCase(Locale.ROOT) + ":" + port;
    }

    String key() {
        return key;
    }

    /** @return how many requests this connection has begun */
    int requests() {
        return requests;
    }

    /** Counts a request begun on this connection. */
    void requestBegun() {
        requests++;
    }

    /** @return whether the connection may carry another request (no close asked, nothing left unread) */
    boolean reusable() {
        return reusable && ch.isOpen() && !in.hasRemaining();
    }

    /** Marks the connection as not reusable (it is closed instead of being pooled). */
    void doNotReuse() {
        reusable = false;
    }

    /**
     * @return whether an idle pooled connection is still usable: open, and the server has neither closed it nor
     *         sent anything unasked
     */
    boolean idleAndOpen() {
        if (!ch.isOpen() || !reusable) {
            return false;
        }
        try {
            ByteBuffer probe = ByteBuffer.allocate(1);
            return ch.read(probe) == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Writes all remaining bytes of {@code data} (moving its position), waiting at most {@code idleTimeoutMs}
     * each time the server takes nothing.
     *
     * @param data          bytes to send
     * @param idleTimeoutMs longest wait without progress
     * @throws IOException when the server closes or takes no data within the timeout
     */
    void write(ByteBuffer data, long idleTimeoutMs) throws IOException {
        while (data.hasRemaining()) {
            if (ch.write(data) == 0 && !await(SelectionKey.OP_WRITE, idleTimeoutMs)) {
                reusable = false;
                throw new SocketTimeoutException("the server took no data for " + idleTimeoutMs + " ms");
            }
        }
    }

    /** @param ascii a request head @param idleTimeoutMs as for {@link #write} @throws IOException on failure */
    void writeAscii(String ascii, long idleTimeoutMs) throws IOException {
        write(ByteBuffer.wrap(ascii.getBytes(StandardCharsets.ISO_8859_1)), idleTimeoutMs);
    }

    private boolean await(int op, long timeoutMs) throws IOException {
        selection.interestOps(op);
        try {
            int n = selector.select(Math.max(1, timeoutMs));
            selector.selectedKeys().clear();
            return n > 0;
        } finally {
            if (selection.isValid()) {
                selection.interestOps(0);
            }
        }
    }

    /** Reads what is available now, without waiting. @return bytes read, -1 at end of stream */
    private int fillNow() throws IOException {
        in.compact();
        try {
            return ch.read(in);
        } finally {
            in.flip();
        }
    }

    /** Reads at least one more byte into {@link #in}, waiting up to {@code timeoutMs}. */
    private void fill(long timeoutMs, String what) throws IOException {
        fill(System.nanoTime() + timeoutMs * 1_000_000L, timeoutMs, what);
    }

    /** Reads at least one more byte into {@link #in} before {@code deadlineNs} ({@code timeoutMs} after its start). */
    private void fill(long deadlineNs, long timeoutMs, String what) throws IOException {
        if (in.limit() == in.capacity() && in.position() == 0) {
            reusable = false;
            throw new IOException(what + " exceeds " + MAX_HEAD_BYTES + " bytes");
        }
        while (true) {
            int n = fillNow();
            if (n > 0) {
                return;
            }
            if (n < 0) {
                reusable = false;
                throw new EOFException("the server closed the connection before " + what + " was complete");
            }
            long left = (deadlineNs - System.nanoTime()) / 1_000_000L;
            if (left <= 0 || !await(SelectionKey.OP_READ, left)) {
                if (System.nanoTime() - deadlineNs >= 0) {
                    reusable = false;
                    throw new SocketTimeoutException("no " + what + " within " + timeoutMs + " ms");
                }
            }
        }
    }

    /**
     * Waits for a whole response head to arrive without taking it, and without giving up the connection when none
     * comes.
     *
     * @param waitMs longest wait
     * @return whether a head is buffered ({@link #readHead} returns it at once); false when none came in time
     * @throws IOException when the connection ends or the head is too large
     */
    boolean awaitHead(long waitMs) throws IOException {
        long deadline = System.nanoTime() + waitMs * 1_000_000L;
        while (headEnd() < 0) {
            if (in.limit() == in.capacity() && in.position() == 0) {
                reusable = false;
                throw new IOException("response head exceeds " + MAX_HEAD_BYTES + " bytes");
            }
            int n = fillNow();
            if (n < 0) {
                reusable = false;
                throw new EOFException("the server closed the connection before the response head was complete");
            }
            if (n == 0) {
                long left = (deadline - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                await(SelectionKey.OP_READ, left);
            }
        }
        return true;
    }

    /**
     * Reads one response head.
     *
     * @param timeoutMs longest wait for the whole head
     * @return the head
     * @throws IOException when the connection ends or times out, or the head is malformed or too large
     */
    Head readHead(long timeoutMs) throws IOException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000L;
        int end;
        while ((end = headEnd()) < 0) {
            fill(deadline, timeoutMs, "response head");
        }
        byte[] raw = new byte[end - in.position()];
        in.get(raw);
        try {
            return parse(new String(raw, StandardCharsets.ISO_8859_1));
        } catch (IOException e) {
            reusable = false;
            throw e;
        }
    }

    /** @return the index after the blank line ending the head in {@link #in}, or -1 */
    private int headEnd() {
        for (int i = in.position(); i + 1 < in.limit(); i++) {
            if (in.get(i) == '\n') {
                if (in.get(i + 1) == '\n') {
                    return i + 2;
                }
                if (i + 2 < in.limit() && in.get(i + 1) == '\r' && in.get(i + 2) == '\n') {
                    return i + 3;
                }
            }
        }
        return -1;
    }

    static Head parse(String head) throws IOException {
        String[] lines = head.split("\r?\n");
        String status = lines[0];
        // status-line = HTTP-version SP 3DIGIT SP reason-phrase
        if (!status.matches("HTTP/1\\.[01] [1-5][0-9][0-9]( .*)?")) {
            throw new IOException("malformed HTTP status line: " + printable(status));
        }
        boolean http11 = status.startsWith("HTTP/1.1");
        int code = Integer.parseInt(status.substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        int count = 0;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue;
            }
            if (++count > MAX_HEADERS) {
                throw new IOException("more than " + MAX_HEADERS + " response headers");
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new IOException("malformed HTTP response header: " + printable(line));
            }
            String name = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            headers.merge(name, value, (a, b) -> a + ", " + b);
        }
        return new Head(code, http11, headers);
    }

    private static String printable(String s) {
        String t = s.length() > 120 ? s.substring(0, 120) + "..." : s;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    static List<String> tokens(String value) {
        List<String> out = new ArrayList<>();
        for (String t : value.split(",")) {
            out.add(t.trim().toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /**
     * Reads and drops the body of a response (bounded); the connection stays reusable only when the body had
     * a known end and was read completely.
     *
     * @param head      the response head
     * @param headRequest whether the request was a HEAD
     * @param timeoutMs longest wait for each part of the body
     * @throws IOException when the body is malformed or the connection fails
     */
    void discardBody(Head head, boolean headRequest, long timeoutMs) throws IOException {
        if (head.closes()) {
            reusable = false;
        }
        if (headRequest || head.informational() || head.status() == 204 || head.status() == 304) {
            return;
        }
        String te = head.header("transfer-encoding");
        if (te != null) {
            if (!tokens(te).get(tokens(te).size() - 1).equals("chunked")) {
                reusable = false;
                return;
            }
            discardChunked(timeoutMs);
            return;
        }
        String cl = head.header("content-length");
        if (cl == null) {
            // the body ends when the server closes: never reuse, read nothing more
            reusable = false;
            return;
        }
        long length = contentLength(cl);
        if (length > MAX_DISCARD_BYTES) {
            reusable = false;
            return;
        }
        skip(length, timeoutMs);
    }

    /** @return the value of a {@code Content-Length} header; differing repeated values are refused */
    static long contentLength(String value) throws IOException {
        long length = -1;
        for (String v : value.split(",")) {
            String t = v.trim();
            if (!t.matches("[0-9]{1,18}")) {
                throw new IOException("malformed Content-Length: " + printable(value));
            }
            long l = Long.parseLong(t);
            if (length >= 0 && l != length) {
                throw new IOException("conflicting Content-Length values: " + printable(value));
            }
            length = l;
        }
        return length;
    }

    private void skip(long n, long timeoutMs) throws IOException {
        long left = n;
        while (left > 0) {
            if (!in.hasRemaining()) {
                fill(timeoutMs, "response body");
            }
            int k = (int) Math.min(left, in.remaining());
            in.position(in.position() + k);
            left -= k;
        }
    }

    private void discardChunked(long timeoutMs) throws IOException {
        long total = 0;
        while (true) {
            String sizeLine = line(timeoutMs);
            int semi = sizeLine.indexOf(';');
            String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).trim();
            if (!hex.matches("[0-9a-fA-F]{1,8}")) {
                reusable = false;
                throw new IOException("malformed chunk size: " + printable(sizeLine));
            }
            long size = Long.parseLong(hex, 16);
            total += size;
            if (total > MAX_DISCARD_BYTES) {
                reusable = false;
                return;
            }
            if (size == 0) {
                // trailers, up to the blank line
                while (!line(timeoutMs).isEmpty()) {
                    total += 1;
                }
                return;
            }
            skip(size, timeoutMs);
            if (!line(timeoutMs).isEmpty()) {
                reusable = false;
                throw new IOException("malformed chunked body: no CRLF after a chunk");
            }
        }
    }

    /** @return the next line of the response (without its line end), at most 8 KiB */
    private String line(long timeoutMs) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (true) {
            if (!in.hasRemaining()) {
                fill(timeoutMs, "chunked response body");
            }
            byte b = in.get();
            if (b == '\n') {
                int len = sb.length();
                return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
            }
            if (sb.length() > 8192) {
                reusable = false;
                throw new IOException("response line longer than 8 KiB");
            }
            sb.append((char) (b & 0xff));
        }
    }

    @Override
    public void close() {
        reusable = false;
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
        try {
            ch.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
