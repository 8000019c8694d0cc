package io.beamflow.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beamflow.core.wire.MessageType;
import io.beamflow.ingest.protocol.SimplonProtocolAdapter;
import io.beamflow.ingest.testutil.IngestNodeProcessMain;
import io.beamflow.ingest.testutil.JournalRecords;
import io.beamflow.ingest.testutil.JournalRecords.Rec;
import io.beamflow.testing.Await;
import io.beamflow.testing.ChildJvm;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A DECTRIS stream v1 series of {@code nimages 200 x ntrigger 2} frames whose ingest node process is killed
 * (SIGKILL) after 150 frames and restarted on the same journal: the restarted node's accounting continues the
 * series (frames from before the restart counted, the announced count from the journaled header), so the
 * series end reports the 400 the sender announced, not the frames received since the restart.
 */
class AccountingRestartITCase {
    private static final int W = 64;
    private static final int H = 48;

    @TempDir
    Path tmp;

    private static ChildJvm node(String endpoint, Path journal, Path log) {
        return ChildJvm.builder(IngestNodeProcessMain.class.getName()).jvmArgs("-Xmx256m")
                .args(endpoint, journal.toString(), SimplonProtocolAdapter.NAME).output(log).start();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void frame(ZMQ.Socket s, int n) {
        ByteBuffer b = ByteBuffer.allocate(W * H * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < W * H; i++) {
            b.putShort((short) (n * 7 + i));
        }
        s.sendMore(utf8("{\"htype\":\"dimage-1.0\",\"series\":7,\"frame\":" + n + ",\"hash\":\"\"}"));
        s.sendMore(utf8("{\"htype\":\"dimage_d-1.0\",\"shape\":[" + W + "," + H + "],\"type\":\"uint16\",\"encoding\":\"<\"}"));
        s.sendMore(b.array());
        s.send(utf8("{\"htype\":\"dconfig-1.0\",\"start_time\":0,\"stop_time\":1,\"real_time\":1}"));
    }

    @Test
    void shouldReportAnnouncedFramesAndCountEveryFrameAfterAKillAndRestartMidSeries() throws Exception {
        Path journalRoot = tmp.resolve("journal");
        String endpoint;
        try (ChildJvm first = node("tcp://127.0.0.1:*", journalRoot, tmp.resolve("first.log"));
                ZContext ctx = new ZContext()) {
            endpoint = first.awaitLine("READY", l -> l.startsWith("READY ")).substring(6);
            ZMQ.Socket s = ctx.createSocket(SocketType.PUSH);
            s.connect(endpoint);
            s.sendMore(utf8("{\"htype\":\"dheader-1.0\",\"series\":7,\"header_detail\":\"basic\"}"));
            s.send(utf8("{\"x_pixels_in_detector\":" + W + ",\"y_pixels_in_detector\":" + H
                    + ",\"bit_depth_image\":16,\"nimages\":200,\"ntrigger\":2}"));
            for (int n = 0; n < 150; n++) {
                frame(s, n);
            }
            // every frame sent is journaled before the kill: nothing in flight is lost with the process
            Await.until(() -> first.outputTail(20), () -> first.lastLine(l -> l.equals("JOURNALED 150")).isPresent());
            first.kill9();
        }
        try (ChildJvm second = node(endpoint, journalRoot, tmp.resolve("second.log"));
                ZContext ctx = new ZContext()) {
            second.awaitLine("READY", l -> l.startsWith("READY "));
            ZMQ.Socket s = ctx.createSocket(SocketType.PUSH);
            s.connect(endpoint);
            for (int n = 150; n < 400; n++) {
                frame(s, n);
            }
            s.send(utf8("{\"htype\":\"dseries_end-1.0\",\"series\":7}"));
            // the node prints its summary every 2 s: the series as one, across both processes
            Await.until(() -> second.outputTail(20), () -> second.lastLine(
                    l -> l.equals("  series 7: ended, frames 400, gaps 0, rejected 0, sender reported 400")).isPresent());
        }
        List<Rec> all = JournalRecords.readAll(journalRoot.resolve(io.beamflow.ingest.receive.ReceiveSockets.streamId(endpoint)));
        Rec end = all.get(all.size() - 1);
        assertEquals(MessageType.SERIES_END, end.type());
        assertEquals(400, end.payloadLength(), "the series end carries nimages x ntrigger of the header");
        assertEquals(400, JournalRecords.frames(all).size());
    }
}
