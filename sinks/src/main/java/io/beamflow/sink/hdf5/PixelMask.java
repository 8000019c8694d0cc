package io.beamflow.sink.hdf5;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pixel mask and module layout of a series' master: the configured mask file's values (DECTRIS bit meanings),
 * with every pixel between the modules of a multi-module detector flagged as a gap (bit 0).
 *
 * @param values  {@code width * height} mask values, row-major; {@code null}: every pixel good (nothing to store)
 * @param source  where the mask came from, for the master ({@code null}: no file and no gaps, nothing to say)
 * @param modules the module layout that applies to the series' frames (empty: the image is one module)
 */
record PixelMask(int[] values, String source, List<Hdf5SinkSettings.Module> modules) {
    /** Bit 0 of a DECTRIS pixel mask: a pixel with no sensor (a gap between modules). */
    static final int GAP = 1;
    private static final Logger LOG = LoggerFactory.getLogger(PixelMask.class);

    /**
     * Builds the mask of a series whose frames are {@code width x height}. A mask file that cannot be used (missing,
     * unreadable, another size) is left out with a warning and the reason in {@link #source}; so is a module layout
     * that does not fit the frames.
     */
    static PixelMask of(Hdf5SinkSettings.Detector d, int width, int height) {
        if (width < 1 || height < 1) {
            return new PixelMask(null, null, List.of());
        }
        StringBuilder source = new StringBuilder();
        List<Hdf5SinkSettings.Module> modules = d.modules();
        for (Hdf5SinkSettings.Module m : modules) {
            if ((long) m.x() + m.width() > width || (long) m.y() + m.height() > height) {
                source.append("module layout not applied: module ").append(m.width()).append('x').append(m.height())
                        .append(" at ").append(m.x()).append(',').append(m.y()).append(" does not fit the ")
                        .append(width).append('x').append(height).append(" frames; ");
                LOG.warn("pixel mask: the module layout does not fit {}x{} frames; the master describes one module",
                        width, height);
                modules = List.of();
                break;
            }
        }
        int[] values = null;
        if (!d.pixelMaskFile().isEmpty()) {
            try {
                values = PixelMaskReader.read(Path.of(d.pixelMaskFile()), d.pixelMaskDataset(), width, height);
                source.append("file ").append(d.pixelMaskFile());
            } catch (IOException | RuntimeException e) {
                source.append("file not applied: ").append(e.getMessage());
                LOG.warn("pixel mask file not applied: {}", e.getMessage());
            }
        }
        if (!modules.isEmpty()) {
            boolean[] covered = new boolean[width * height];
            for (Hdf5SinkSettings.Module m : modules) {
                for (int y = m.y(); y < m.y() + m.height(); y++) {
                    java.util.Arrays.fill(covered, y * width + m.x(), y * width + m.x() + m.width(), true);
                }
            }
            int gaps = 0;
            for (int i = 0; i < covered.length; i++) {
                if (!covered[i]) {
                    if (values == null) {
                        values = new int[width * height];
                    }
                    values[i] |= GAP;
                    gaps++;
                }
            }
            source.append(source.length() == 0 || source.toString().endsWith("; ") ? "" : "; ")
                    .append(gaps).append(" gap pixels between ").append(modules.size()).append(" modules (bit 0)");
        }
        return new PixelMask(values, source.length() == 0 ? null : source.toString(), modules);
    }
}
