# Writes pixel mask files with the tools users have (numpy, fabio, h5py) into argv[1], for PixelMaskReaderTest:
# a height x width mask whose value at (row r, column c) is (7 r + 3 c) % 5, in each format the sink reads, and
# files it must refuse.
import sys, os
import numpy as np, h5py, fabio.tifimage

out, h, w = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
r, c = np.mgrid[0:h, 0:w]
m = ((r * 7 + c * 3) % 5).astype(np.uint32)
p = lambda n: os.path.join(out, n)
np.save(p('c_uint32.npy'), m)
np.save(p('fortran_uint16.npy'), np.asfortranarray(m.astype(np.uint16)))
np.save(p('uint8.npy'), m.astype(np.uint8))
np.save(p('bool.npy'), m > 2)
fabio.tifimage.TifImage(data=m).write(p('uint32.tif'))
fabio.tifimage.TifImage(data=m.astype(np.uint16)).write(p('uint16.tif'))
with h5py.File(p('mask.h5'), 'w') as f:
    f.create_dataset('/pixel_mask', data=m, compression='gzip')
    f.create_dataset('/entry/instrument/detector/pixel_mask', data=m.astype(np.uint8))
np.save(p('negative_int32.npy'), (m.astype(np.int32) - 1))
np.save(p('small.npy'), m[:10, :10].copy())
np.save(p('float.npy'), m.astype(np.float32))
fabio.tifimage.TifImage(data=m[:10, :10].copy()).write(p('small.tif'))
with open(p('truncated.npy'), 'wb') as f:
    f.write(open(p('c_uint32.npy'), 'rb').read()[:-4])
print('ok')
