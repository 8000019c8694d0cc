package io.beamflow.archive.target;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Adler32;

/**
 * An HTTP/1.1 server on a real loopback socket (port 0) whose answers a test scripts per request, for the
 * streamed PUT client: it records each request (method, target, headers, body length and ADLER32, the
 * connection it came on) and lets the script send {@code 100 Continue}, read or skip the body, answer, and
 * close the connection.
 */
final class ScriptedHttpServer implements AutoCloseable {
    /** A request as received. */
    record Request(int connection, String method, String target, Map<String, String> headers) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        long contentLength() {
            String cl = header("content-length");
            return cl == null ? 0 : Long.parseLong(cl);
        }
    }

    /** What the script does with a request. */
    interface Script {
        void answer(Request r, Exchange ex) throws IOException;
    }

    /** One request's conversation. */
    final class Exchange {
        private final InputStream in;
        private final OutputStream out;
        final Request request;
        boolean close;

        Exchange(Request request, InputStream in, OutputStream out) {
            this.request = request;
            this.in = in;
            this.out = out;
        }

        void send(String raw) throws IOException {
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
        }

        void sendContinue() throws IOException {
            send("HTTP/1.1 100 Continue\r\n\r\n");
        }

        /** Reads the announced body; records its length and ADLER32. */
        void readBody() throws IOException {
            long left = request.contentLength();
            Adler32 sum = new Adler32();
            byte[] buf = new byte[1 << 16];
            long n = 0;
            while (left > 0) {
                int k = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (k < 0) {
                    break;
                }
                sum.update(buf, 0, k);
                left -= k;
                n += k;
            }
            bodies.add(new Body(request.target(), n, sum.getValue()));
        }

        void reply(int code, String headers) throws IOException {
            send("HTTP/1.1 " + code + " Scripted\r\n" + headers + (headers.contains("Content-Length") ? "" : "Content-Length: 0\r\n")
                    + "\r\n");
        }
    }

    /** A body received. */
    record Body(String target, long bytes, long adler32) {
    }

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final Script script;
    final AtomicInteger connections = new AtomicInteger();
    final List<Request> requests = new CopyOnWriteArrayList<>();
    final List<Body> bodies = new CopyOnWriteArrayList<>();
    final Map<Integer, Integer> requestsPerConnection = new ConcurrentHashMap<>();

    ScriptedHttpServer(Script script) throws IOException {
        this.script = script;
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        threads.execute(this::acceptLoop);
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getLocalPort() + path);
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                int id = connections.incrementAndGet();
                threads.execute(() -> serve(s, id));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int id) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String[] lines = head.split("\r\n");
                String[] first = lines[0].split(" ");
                Map<String, String> headers = new ConcurrentHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int c = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim());
                }
                Request r = new Request(id, first[0], first[1], headers);
                requests.add(r);
                requestsPerConnection.merge(id, 1, Integer::sum);
                Exchange ex = new Exchange(r, in, out);
                script.answer(r, ex);
                if (ex.close) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int state = 0;
        while (state < 4) {
            int c = in.read();
            if (c < 0) {
                return null;
            }
            b.write(c);
            state = (c == '\r' && (state == 0 || state == 2)) || (c == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
