package io.beamflow.ingest.protocol;

import io.beamflow.core.wire.WireLimits;

/** Creates the protocol adapter named in the configuration. */
public final class ProtocolAdapters {
    private ProtocolAdapters() {
    }

    /**
     * @param protocol {@code native}, {@code dectris-stream-v1} or {@code dectris-stream-v2}
     * @return a new adapter writing through {@code writer}
     * @throws IllegalArgumentException for an unknown protocol
     */
    public static ProtocolAdapter create(String protocol, IngestRecordWriter writer, WireLimits limits) {
        String p = protocol == null ? NativeProtocolAdapter.NAME : protocol;
        return switch (p) {
            case NativeProtocolAdapter.NAME -> new NativeProtocolAdapter(writer, limits);
            case SimplonProtocolAdapter.NAME -> new SimplonProtocolAdapter(writer, limits,
                    new SimplonImageDecoder(BitshuffleSupport.decoder()));
            case Stream2ProtocolAdapter.NAME -> new Stream2ProtocolAdapter(writer, limits,
                    new SimplonImageDecoder(BitshuffleSupport.decoder()));
            default -> throw new IllegalArgumentException("unknown ingest protocol '" + protocol
                    + "' (expected native, dectris-stream-v1 or dectris-stream-v2)");
        };
    }
}
