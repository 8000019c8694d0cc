# Opens a master file with fabio (Debian python3-fabio, EigerImage) as users do and prints, as JSON, the frame
# count it reports and the SHA-1 of each frame's little-endian pixel bytes in fabio's frame order.
import sys, json, hashlib
import hdf5plugin  # noqa: F401 (the bitshuffle/LZ4 filter for libhdf5)
import fabio, numpy as np

img = fabio.open(sys.argv[1])
out = {'class': type(img).__name__, 'nframes': img.nframes, 'frames': []}
for i in range(img.nframes):
    frame = img.getframe(i) if i else img
    a = np.ascontiguousarray(frame.data).astype(frame.data.dtype.newbyteorder('<'))
    out['frames'].append(hashlib.sha1(a.tobytes()).hexdigest())
print(json.dumps(out))
