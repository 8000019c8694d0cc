package io.beamflow.reduce.kernel;

import io.beamflow.core.config.ReductionConfig;
import io.beamflow.core.frame.PixelType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds a {@link FrameReducer} for an image shape from the reduction configuration (reading calibration files). */
public final class FrameReducerFactory {
    private FrameReducerFactory() {
    }

    /**
     * @param config reduction settings
     * @return a copy with corrections, integration, peak finding and mask ROIs off (needs no files)
     */
    public static ReductionConfig statisticsOnly(ReductionConfig config) {
        ReductionConfig c = new ReductionConfig();
        c.corrections.saturationThreshold = config.corrections.saturationThreshold;
        c.rois = new ArrayList<>(config.rois.stream().filter(r -> r.maskFile.isEmpty()).toList());
        return c;
    }

    /**
     * @param config reduction settings
     * @param width  image width
     * @param height image height
     * @param type   pixel type (for the default saturation level)
     * @return a reducer
     * @throws IllegalArgumentException when a calibration or geometry file is missing or does not fit
     */
    public static FrameReducer create(ReductionConfig config, int width, int height, PixelType type) {
        int n = Math.multiplyExact(width, height);
        ReductionConfig.CorrectionConfig c = config.corrections;
        float[] pedestal = c.pedestalFile.isEmpty() ? null
                : CalibrationLoader.readImage(Path.of(c.pedestalFile), c.pedestalDataset, n);
        float[] gain = c.gainFile.isEmpty() ? null : CalibrationLoader.readImage(Path.of(c.gainFile), c.gainDataset, n);
        float[] flat = c.flatFieldFile.isEmpty() ? null
                : CalibrationLoader.readImage(Path.of(c.flatFieldFile), c.flatFieldDataset, n);
        byte[] mask = c.maskFile.isEmpty() ? null : CalibrationLoader.readMask(Path.of(c.maskFile), c.maskDataset, n);
        double saturation = c.saturationThreshold > 0 ? c.saturationThreshold : PixelDecoder.maxValue(type);
        PixelCorrector corrector = new PixelCorrector(n, pedestal, gain, flat, mask, saturation);
        List<Roi> rois = new ArrayList<>();
        for (ReductionConfig.RoiConfig r : config.rois) {
            if (r.maskFile.isEmpty()) {
                rois.add(Roi.rectangle(r.name, r.x, r.y, r.width, r.height));
            } else {
                byte[] roiMask = CalibrationLoader.readMask(Path.of(r.maskFile), r.maskDataset, n);
                boolean whole = r.width == 0 || r.height == 0;
                rois.add(new Roi(r.name, whole ? 0 : r.x, whole ? 0 : r.y, whole ? width : r.width,
                        whole ? height : r.height, roiMask));
            }
        }
        AzimuthalIntegrator integrator = null;
        PoniGeometry poni = null;
        if (!config.integration.poniFile.isEmpty()) {
            poni = PoniGeometry.read(Path.of(config.integration.poniFile));
            integrator = new AzimuthalIntegrator(poni, width, height, config.integration.bins,
                    RadialUnit.fromPyFaiName(config.integration.unit), mask);
        }
        PeakFinder8 peaks = null;
        ReductionConfig.PeakFinderConfig p = config.peaks;
        if (p.enabled) {
            // Beam centre: configured, else the PONI (exact for an untilted detector), else the image centre.
            double cx = p.beamCenterX >= 0 ? p.beamCenterX : poni != null ? poni.poni2M() / poni.pixel2M() : width / 2.0;
            double cy = p.beamCenterY >= 0 ? p.beamCenterY : poni != null ? poni.poni1M() / poni.pixel1M() : height / 2.0;
            peaks = new PeakFinder8(width, height, cx, cy, p.radialBinWidthPx, p.minSnr, p.minAdc, p.minPixels,
                    p.maxPixels, p.backgroundIterations);
        }
        return new FrameReducer(width, height, corrector, new FrameStatistics(width, height, rois), integrator, peaks);
    }
}
