package io.beamflow.bench.codec;

import io.beamflow.core.codec.BitshuffleLz4Codec;
import io.beamflow.core.sim.FrameSynthesizer;
import io.beamflow.core.sim.SimulationParameters;
import java.util.concurrent.TimeUnit;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bitshuffle+LZ4 compression and decompression of a realistic uint16 frame, against plain LZ4 of the
 * same bytes (the baseline: what the LZ4 library alone costs) and a memory copy.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class BitshuffleLz4Benchmark {
    /** Frame edge length in pixels. */
    @Param({"1024", "2048"})
    public int size;

    private byte[] frame;
    private byte[] packed;
    private int packedLength;
    private byte[] out;
    private byte[] lz4Out;
    private final BitshuffleLz4Codec codec = new BitshuffleLz4Codec();
    private final LZ4Compressor lz4 = LZ4Factory.fastestInstance().fastCompressor();

    /** Builds the frame and its compressed form. */
    @Setup
    public void setup() {
        FrameSynthesizer synth = new FrameSynthesizer(SimulationParameters.defaults(size, size).withHitFraction(1.0));
        frame = FrameSynthesizer.toLittleEndianBytes(synth.frame(1));
        packed = new byte[BitshuffleLz4Codec.maxCompressedLength(frame.length, 2)];
        packedLength = codec.compress(frame, 0, frame.length, 2, packed, 0);
        out = new byte[frame.length];
        lz4Out = new byte[lz4.maxCompressedLength(frame.length)];
    }

    /** @return compressed length (frames/s = throughput) */
    @Benchmark
    public int bitshuffleLz4Compress() {
        return codec.compress(frame, 0, frame.length, 2, packed, 0);
    }

    /** @return decompressed length */
    @Benchmark
    public int bitshuffleLz4Decompress() {
        return codec.decompress(packed, 0, packedLength, 2, out, 0);
    }

    /** @return compressed length of plain LZ4 (baseline) */
    @Benchmark
    public int plainLz4Compress() {
        return lz4.compress(frame, 0, frame.length, lz4Out, 0, lz4Out.length);
    }

    /** @return a copied byte (baseline: memory bandwidth) */
    @Benchmark
    public byte copy() {
        System.arraycopy(frame, 0, out, 0, frame.length);
        return out[out.length - 1];
    }
}
