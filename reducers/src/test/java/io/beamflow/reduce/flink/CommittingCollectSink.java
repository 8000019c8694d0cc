package io.beamflow.reduce.flink;

import io.beamflow.core.result.FrameResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Test sink with two-phase commit semantics: results are buffered per checkpoint and published only
 * by the committer after the checkpoint completed, as one file per committable written atomically
 * (temp + rename) into a directory, so it works across processes; commits are idempotent by committable
 * id. What a test reads from {@link #committed(Path)} is what an exactly-once sink made visible.
 */
final class CommittingCollectSink implements Sink<FrameResult>, SupportsCommitter<CommittingCollectSink.Batch> {
    private static final long serialVersionUID = 1L;
    private final String directory;

    CommittingCollectSink(Path directory) {
        this.directory = directory.toAbsolutePath().toString();
    }

    /** @return committed result keys ({@code kind series#frame decision}) */
    static List<String> committed(Path directory) throws IOException {
        List<String> all = new ArrayList<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".batch")).toList()) {
                all.addAll(Files.readAllLines(f, StandardCharsets.UTF_8));
            }
        }
        return all;
    }

    static String key(FrameResult r) {
        return r.kind + " " + r.seriesId + "#" + r.frameNumber + " " + (r.kind == FrameResult.Kind.FRAME
                ? r.decision + " v" + r.ruleVersion + (r.pixels == null ? " nopixels" : " pixels") : "");
    }

    /** A batch of result keys made visible together. */
    record Batch(String id, List<String> keys) {
    }

    @Override
    public SinkWriter<FrameResult> createWriter(WriterInitContext context) {
        String prefix = context.getTaskInfo().getIndexOfThisSubtask() + "-" + context.getTaskInfo().getAttemptNumber()
                + "-" + UUID.randomUUID();
        return new CommittingSinkWriter<FrameResult, Batch>() {
            private List<String> buffer = new ArrayList<>();
            private long batches;

            @Override
            public void write(FrameResult r, Context ctx) {
                buffer.add(key(r));
            }

            @Override
            public void flush(boolean endOfInput) {
                // Everything is handed over in prepareCommit.
            }

            @Override
            public Collection<Batch> prepareCommit() {
                List<String> keys = buffer;
                buffer = new ArrayList<>();
                return keys.isEmpty() ? List.of()
                        : List.of(new Batch(prefix + "-" + ++batches, keys));
            }

            @Override
            public void close() {
                // Nothing to release.
            }
        };
    }

    @Override
    public Committer<Batch> createCommitter(CommitterInitContext context) {
        return new Committer<>() {
            @Override
            public void commit(Collection<CommitRequest<Batch>> requests) throws IOException {
                for (CommitRequest<Batch> req : requests) {
                    Batch b = req.getCommittable();
                    Path target = Path.of(directory, b.id() + ".batch");
                    if (Files.exists(target)) {
                        req.signalAlreadyCommitted();
                        continue;
                    }
                    Files.createDirectories(target.getParent());
                    Path tmp = Path.of(directory, "." + b.id() + ".tmp");
                    Files.write(tmp, b.keys(), StandardCharsets.UTF_8);
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                }
            }

            @Override
            public void close() {
                // Nothing to release.
            }
        };
    }

    @Override
    public SimpleVersionedSerializer<Batch> getCommittableSerializer() {
        return new SimpleVersionedSerializer<>() {
            @Override
            public int getVersion() {
                return 1;
            }

            @Override
            public byte[] serialize(Batch b) throws IOException {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try (DataOutputStream out = new DataOutputStream(bytes)) {
                    out.writeUTF(b.id());
                    out.writeInt(b.keys().size());
                    for (String k : b.keys()) {
                        out.writeUTF(k);
                    }
                }
                return bytes.toByteArray();
            }

            @Override
            public Batch deserialize(int version, byte[] serialized) throws IOException {
                try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
                    String id = in.readUTF();
                    int n = in.readInt();
                    List<String> keys = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        keys.add(in.readUTF());
                    }
                    return new Batch(id, keys);
                }
            }
        };
    }
}
