package io.beamflow.reduce.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.config.ReductionConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Module orientations and placement (3x2 module into a 5x5 image). */
class ModuleGeometryTest {
    private static ReductionConfig.ModulePlacement at(int x, int y, int rot, boolean flip) {
        ReductionConfig.ModulePlacement p = new ReductionConfig.ModulePlacement();
        p.x = x;
        p.y = y;
        p.rotationDeg = rot;
        p.flipX = flip;
        return p;
    }

    /** Source pixel i of a 3x2 module ends at (x, y); returns x + 10 * y per source pixel. */
    private static int[] placed(ReductionConfig.ModulePlacement p) {
        int[] dest = new ModuleGeometry(5, 5, List.of(p)).destinationIndices(0, 3, 2);
        int[] xy = new int[dest.length];
        for (int i = 0; i < dest.length; i++) {
            xy[i] = dest[i] % 5 + 10 * (dest[i] / 5);
        }
        return xy;
    }

    @Test
    void shouldPlaceModulesWithEachOrientation() {
        // source layout: row 0 = a b c, row 1 = d e f
        assertArrayEquals(new int[] {11, 12, 13, 21, 22, 23}, placed(at(1, 1, 0, false)));
        // 180: f e d / c b a
        assertArrayEquals(new int[] {23, 22, 21, 13, 12, 11}, placed(at(1, 1, 180, false)));
        // 90 CCW (2x3): c f / b e / a d
        assertArrayEquals(new int[] {30, 20, 10, 31, 21, 11}, placed(at(0, 1, 90, false)));
        // 270 CCW (2x3): d a / e b / f c
        assertArrayEquals(new int[] {1, 11, 21, 0, 10, 20}, placed(at(0, 0, 270, false)));
        // flip x: c b a / f e d
        assertArrayEquals(new int[] {2, 1, 0, 12, 11, 10}, placed(at(0, 0, 0, true)));
    }

    @Test
    void shouldMaskGapsAndMissingModulesAndRefuseModulesThatDoNotFit() {
        ModuleGeometry g = new ModuleGeometry(5, 5, List.of(at(0, 0, 0, false), at(0, 3, 0, false)));
        byte[] mask = g.invalidMask(new int[][] {g.destinationIndices(0, 3, 2), null});
        int valid = 0;
        for (byte b : mask) {
            valid += b == 0 ? 1 : 0;
        }
        assertEquals(6, valid);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new ModuleGeometry(5, 5, List.of(at(4, 0, 0, false))).destinationIndices(0, 3, 2));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> g.destinationIndices(2, 3, 2));
    }
}
