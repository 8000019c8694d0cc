package io.beamflow.sink.hdf5;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.junit.jupiter.api.Test;

/** The sink's committables as version 1 wrote them (the writer state has {@link SinkStateUpgradeTest}). */
class CommittableStateTest {
    @Test
    void shouldRestoreACommittableWrittenByVersion1() throws IOException {
        ByteArrayOutputStream bos = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bos)) { // version 1: three modified-UTF-8 strings, a long
            out.writeUTF("s1");
            out.writeUTF("/raw/bt/s1/.s1_data_000001.h5.inprogress");
            out.writeUTF("/raw/bt/s1/s1_data_000001.h5");
            out.writeLong(4096);
        }
        SimpleVersionedSerializer<Hdf5Committable> s = new Hdf5Serializers.CommittableSerializer();
        Hdf5Committable expected = new Hdf5Committable("s1", "/raw/bt/s1/.s1_data_000001.h5.inprogress",
                "/raw/bt/s1/s1_data_000001.h5", 4096);
        assertEquals(expected, s.deserialize(1, bos.toByteArray()));
        assertEquals(expected, s.deserialize(s.getVersion(), s.serialize(expected)));
        assertThrows(IOException.class, () -> s.deserialize(99, bos.toByteArray()));
    }
}
