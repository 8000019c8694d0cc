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
     * @param width  image width
     * @param height image height
     * @param type   pixel type (for the default saturation level)
     * @return a reducer
     * @throws IllegalArgumentException when a calibration or geometry file is missing or does not fit
     */
    public static FrameReducer create(ReductionConfig config, int width, int height, PixelType type) {
        int n = width * height;
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
            rois.add(Roi.rectangle(r.name, r.x, r.y, r.width, r.height));
        }
        AzimuthalIntegrator integrator = null;
        if (!config.integration.poniFile.isEmpty()) {
            integrator = new AzimuthalIntegrator(PoniGeometry.read(Path.of(config.integration.poniFile)), width, height,
                    config.integration.bins, RadialUnit.fromPyFaiName(config.integration.unit), mask);
        }
        PeakFinder8 peaks = null;
        ReductionConfig.PeakFinderConfig p = config.peaks;
        if (p.enabled) {
            peaks = new PeakFinder8(width, height, p.beamCenterX < 0 ? width / 2.0 : p.beamCenterX,
                    p.beamCenterY < 0 ? height / 2.0 : p.beamCenterY, p.radialBinWidthPx, p.minSnr, p.minAdc,
                    p.minPixels, p.maxPixels, p.backgroundIterations);
        }
        return new FrameReducer(width, height, corrector, new FrameStatistics(width, height, rois), integrator, peaks);
    }
}
