package io.beamflow.reduce.flink.rules;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/** Versioned serializer of {@link RuleFileSplit} (version 1: the directory as UTF-8). */
public final class RuleFileSplitSerializer implements SimpleVersionedSerializer<RuleFileSplit> {
    @Override
    public int getVersion() {
        return 1;
    }

    @Override
    public byte[] serialize(RuleFileSplit split) {
        return split.rulesDirectory().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public RuleFileSplit deserialize(int version, byte[] serialized) throws IOException {
        if (version != 1) {
            throw new IOException("unknown rule split version " + version);
        }
        return new RuleFileSplit(new String(serialized, StandardCharsets.UTF_8));
    }
}
