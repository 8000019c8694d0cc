package io.beamflow.reduce.kernel;

import io.beamflow.core.config.ReductionConfig;
import java.util.List;

/**
 * Where each module's pixels go in the assembled image. A module part of w x h pixels is first
 * mirrored along x when {@code flipX}, then rotated counter-clockwise by {@code rotationDeg} (as seen
 * with y pointing down the screen: 90 maps the module's top row to its left column, read bottom-up),
 * then placed with its first pixel at (x, y). Pixels not covered by any module (gaps) are invalid.
 */
public final class ModuleGeometry {
    private final int width;
    private final int height;
    private final List<ReductionConfig.ModulePlacement> placements;

    /**
     * @param width      assembled width
     * @param height     assembled height
     * @param placements placement per module index
     */
    public ModuleGeometry(int width, int height, List<ReductionConfig.ModulePlacement> placements) {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("assembled image size must be positive: " + width + "x" + height);
        }
        if (placements.isEmpty() || placements.size() > 64) {
            throw new IllegalArgumentException("1..64 modules supported, got " + placements.size());
        }
        for (ReductionConfig.ModulePlacement p : placements) {
            if (p.rotationDeg % 90 != 0) {
                throw new IllegalArgumentException("module rotation must be a multiple of 90 degrees: " + p.rotationDeg);
            }
        }
        this.width = width;
        this.height = height;
        this.placements = List.copyOf(placements);
    }

    /**
     * @param config assembly settings
     * @return the geometry
     */
    public static ModuleGeometry of(ReductionConfig.AssemblyConfig config) {
        return new ModuleGeometry(config.width, config.height, config.modules);
    }

    /** @return number of modules */
    public int modules() {
        return placements.size();
    }

    /** @return assembled width */
    public int width() {
        return width;
    }

    /** @return assembled height */
    public int height() {
        return height;
    }

    /**
     * Computes the destination index of every pixel of a module part.
     *
     * @param module module index
     * @param w      part width
     * @param h      part height
     * @return destination pixel index per source pixel (row-major source order)
     * @throws IllegalArgumentException when the placed module does not fit the assembled image
     */
    public int[] destinationIndices(int module, int w, int h) {
        if (module < 0 || module >= placements.size()) {
            throw new IllegalArgumentException("module " + module + " has no placement (" + placements.size()
                    + " configured)");
        }
        ReductionConfig.ModulePlacement p = placements.get(module);
        int rot = Math.floorMod(p.rotationDeg, 360);
        int placedW = rot % 180 == 0 ? w : h;
        int placedH = rot % 180 == 0 ? h : w;
        if (p.x < 0 || p.y < 0 || p.x + placedW > width || p.y + placedH > height) {
            throw new IllegalArgumentException("module " + module + " (" + placedW + "x" + placedH + " at " + p.x
                    + "," + p.y + ") does not fit the " + width + "x" + height + " image");
        }
        int[] dest = new int[w * h];
        for (int sy = 0; sy < h; sy++) {
            for (int sx = 0; sx < w; sx++) {
                int fx = p.flipX ? w - 1 - sx : sx;
                int dx;
                int dy;
                switch (rot) {
                    case 90 -> {
                        dx = sy;
                        dy = w - 1 - fx;
                    }
                    case 180 -> {
                        dx = w - 1 - fx;
                        dy = h - 1 - sy;
                    }
                    case 270 -> {
                        dx = h - 1 - sy;
                        dy = fx;
                    }
                    default -> {
                        dx = fx;
                        dy = sy;
                    }
                }
                dest[sy * w + sx] = (p.y + dy) * width + p.x + dx;
            }
        }
        return dest;
    }

    /**
     * Copies a module part's pixels into the assembled image.
     *
     * @param dest          destination indices from {@link #destinationIndices}
     * @param part          part pixels
     * @param assembled     assembled pixels
     * @param bytesPerPixel pixel size
     */
    public static void place(int[] dest, byte[] part, byte[] assembled, int bytesPerPixel) {
        if (bytesPerPixel == 2) {
            for (int i = 0; i < dest.length; i++) {
                int d = dest[i] << 1;
                assembled[d] = part[i << 1];
                assembled[d + 1] = part[(i << 1) + 1];
            }
        } else {
            for (int i = 0; i < dest.length; i++) {
                System.arraycopy(part, i * bytesPerPixel, assembled, dest[i] * bytesPerPixel, bytesPerPixel);
            }
        }
    }

    /**
     * @param dest    destination indices of each present module (null entries: missing)
     * @return invalid-pixel mask of the assembled image: 1 for gaps and missing modules
     */
    public byte[] invalidMask(int[][] dest) {
        byte[] mask = new byte[width * height];
        java.util.Arrays.fill(mask, (byte) 1);
        for (int[] d : dest) {
            if (d != null) {
                for (int i : d) {
                    mask[i] = 0;
                }
            }
        }
        return mask;
    }
}
