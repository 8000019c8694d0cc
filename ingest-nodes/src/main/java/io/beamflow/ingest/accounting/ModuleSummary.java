package io.beamflow.ingest.accounting;

import io.beamflow.core.wire.RejectReason;
import java.util.Map;

/**
 * What one ingest stream saw of one module of one series.
 *
 * @param moduleIndex     module index
 * @param framesReceived  frames accepted and journaled
 * @param bytesReceived   payload bytes journaled (pixels, or the compressed bytes of frames kept compressed)
 * @param gaps            frame numbers skipped between accepted frames
 * @param firstFrame      lowest accepted frame number, -1 if none
 * @param lastFrame       highest accepted frame number, -1 if none
 * @param rejected        rejected messages by reason (only those attributable to this series and module)
 */
public record ModuleSummary(int moduleIndex, long framesReceived, long bytesReceived, long gaps, long firstFrame,
        long lastFrame, Map<RejectReason, Long> rejected) {
}
