package io.beamflow.sink.hdf5;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a series' stored frames into data files of {@code framesPerFile} frames each: opens the next file with the
 * first frame that needs it, appends each frame's encoded chunk and frame number, and completes the file (NXdata
 * attributes, first and last frame number) when it is full or the series ends, handing it out as an
 * {@link Hdf5Committable}. Its counters live in the series state, so that they survive a checkpoint.
 */
final class DataFileRoller {
    static final String DATA = "/entry/data/data";
    static final String FRAME_NUMBER = "/entry/data/frame_number";

    private final Hdf5SinkSettings settings;
    private final SeriesPaths paths;
    private final NexusSeriesWriter.State s;
    private final List<Hdf5Committable> completed;
    private Hdf5FileWriter data;
    private ChunkedDataset frames;
    private ChunkedDataset frameNumbers;
    private final byte[] frameNumberRow = new byte[8];

    /**
     * @param completed where finished files are handed out
     */
    DataFileRoller(Hdf5SinkSettings settings, SeriesPaths paths, NexusSeriesWriter.State state,
                   List<Hdf5Committable> completed) {
        this.settings = settings;
        this.paths = paths;
        this.s = state;
        this.completed = completed;
    }

    /** Reopens the data file open at the snapshot, if any (where the sink puts it now, else where recorded). */
    void resume(byte[] snapshot) throws IOException {
        if (snapshot != null) {
            Path p = SeriesPaths.inProgress(paths.dataFile(s.dataFileIndex));
            open(Hdf5FileWriter.resume(snapshot, Files.exists(p) ? p : null));
        }
    }

    /** @return the open data file's snapshot, or {@code null} when none is open */
    byte[] snapshot() throws IOException {
        return data == null ? null : data.snapshot();
    }

    private void open(Hdf5FileWriter file) {
        data = file;
        frames = file.chunked(DATA);
        frameNumbers = file.chunked(FRAME_NUMBER);
    }

    /** @return the number of the data file that holds the n-th stored frame of the series (1-based) */
    int fileOfStoredFrame(long n) {
        return (int) ((n - 1) / settings.framesPerFile()) + 1;
    }

    /** Appends one stored frame, opening a data file first or completing it afterwards as needed. */
    void write(FrameCompressor.EncodedChunk c, long frameNumber) throws IOException {
        if (data == null) {
            int index = s.dataFileIndex + 1;
            Hdf5FileWriter created = Hdf5FileWriter.create(SeriesPaths.inProgress(paths.dataFile(index)));
            try {
                created.group("/entry/data");
                created.chunkedDataset(DATA, H5Type.of(s.pixelType), new long[] {s.height, s.width}, 1,
                        settings.compression());
                created.chunkedDataset(FRAME_NUMBER, H5Type.INT64, new long[0],
                        Math.min(ReductionTable.MAX_ROWS_PER_CHUNK, settings.framesPerFile()), Compression.NONE);
            } catch (RuntimeException e) {
                created.abort();
                throw e;
            }
            open(created);
            s.dataFileIndex = index; // the master links only data files that exist
            s.framesInDataFile = 0;
            s.dataFirstFrame = frameNumber;
        }
        data.appendEncodedChunk(frames, c.data, 0, c.length);
        s.storedBytes += c.length;
        s.rawBytes += c.rawLength;
        ByteBuffer.wrap(frameNumberRow).order(ByteOrder.LITTLE_ENDIAN).putLong(0, frameNumber);
        data.appendRows(frameNumbers, frameNumberRow, 0, 1);
        s.dataLastFrame = frameNumber;
        s.framesInDataFile++;
        if (s.framesInDataFile >= settings.framesPerFile()) {
            close();
        }
    }

    /** Completes the open data file, if any, and hands it out. */
    void close() throws IOException {
        if (data == null) {
            return;
        }
        data.attribute("/entry", "NX_class", "NXentry");
        data.attribute("/entry/data", "NX_class", "NXdata");
        data.attribute("/entry/data", "signal", "data");
        data.attribute(DATA, "image_nr_low", s.dataFirstFrame);
        data.attribute(DATA, "image_nr_high", s.dataLastFrame);
        data.attribute(DATA, "compression", settings.compression().configName());
        Path temp = data.path();
        data.close();
        data = null;
        s.framesInClosedFiles += s.framesInDataFile;
        s.closedFileFrames.add(s.framesInDataFile);
        completed.add(new Hdf5Committable(s.seriesId, temp.toString(),
                paths.dataFile(s.dataFileIndex).toString(), Files.size(temp)));
    }

    /** Deletes the open data file (after a write failure: it may be damaged); its frames are no longer stored. */
    void discard() {
        if (data != null) {
            data.abort();
            data = null;
            s.framesInDataFile = 0;
            s.dataFileIndex--;
        }
    }

    /** @return the completed data files, in order, as the rows of the master's virtual dataset */
    List<VirtualSource> closedFiles() {
        List<VirtualSource> files = new ArrayList<>();
        for (int i = 0; i < s.closedFileFrames.size(); i++) {
            files.add(new VirtualSource(paths.dataFileName(i + 1), DATA, s.closedFileFrames.get(i)));
        }
        return files;
    }

    /** Closes the open file without completing it (kept for a resume). */
    void release() {
        if (data != null) {
            data.release();
        }
    }

    /** Closes and deletes the open file. */
    void abort() {
        if (data != null) {
            data.abort();
        }
    }
}
