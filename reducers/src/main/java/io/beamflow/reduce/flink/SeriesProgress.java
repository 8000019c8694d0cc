package io.beamflow.reduce.flink;

import java.util.ArrayList;
import java.util.List;

/** Keyed state of a series during module assembly (a Flink POJO). */
public final class SeriesProgress {
    /** Whether SERIES_START was forwarded. */
    public boolean started;
    /** Streams that delivered records of this series. */
    public List<String> streams = new ArrayList<>();
    /** Streams that delivered SERIES_END. */
    public List<String> endedStreams = new ArrayList<>();
    /** Largest frame count announced by a SERIES_END. */
    public long announcedFrames;
    /** Processing time at which the series is closed even if streams still miss their SERIES_END (0: none). */
    public long endDeadlineMs;
    /** Whether SERIES_END was forwarded; later parts are late. */
    public boolean finished;
}
