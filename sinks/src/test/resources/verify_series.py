# Reads a Beamflow series (master + data files via external links) with h5py + hdf5plugin and prints
# a JSON summary: per stored frame the SHA-1 of its little-endian pixel bytes, the reduction arrays
# and the summary attributes.
import sys, json, hashlib
import h5py, hdf5plugin, numpy as np

m = h5py.File(sys.argv[1], 'r')
out = {'frames': {}, 'filters': [], 'data_files': []}
for k in sorted(m['/entry/data'].keys()):
    if not k.startswith('data_'):
        continue
    d = m['/entry/data/' + k]
    out['data_files'].append(k)
    pl = d.id.get_create_plist()
    out['filters'].append([pl.get_filter(i)[0] for i in range(pl.get_nfilters())])
    fnums = d.file['/entry/data/frame_number'][:]
    assert d.shape[0] == len(fnums), (d.shape, len(fnums))
    assert d.chunks == (1,) + d.shape[1:], d.chunks
    for i in range(d.shape[0]):
        a = np.ascontiguousarray(d[i]).astype(d.dtype.newbyteorder('<'))
        out['frames'][str(int(fnums[i]))] = hashlib.sha1(a.tobytes()).hexdigest()
r = m['/entry/reduction']
def col(name, conv):
    return [conv(v) for v in r[name][:]] if name in r else None
out['frame_number'] = col('frame_number', int)
out['decision'] = col('decision', lambda b: b.rstrip(b'\0').decode())
out['rule_name'] = col('rule_name', lambda b: b.rstrip(b'\0').decode())
out['rule_version'] = col('rule_version', int)
out['pixels_stored'] = col('pixels_stored', int)
out['sum'] = col('sum', float)
out['peak_count'] = col('peak_count', int)
out['peak_start'] = col('peak_start', int)
out['peaks_x'] = [float(v) for v in r['peaks/x'][:]] if 'peaks' in r else None
out['roi_sums'] = r['roi_sums'][:].tolist() if 'roi_sums' in r else None
out['radial_profile'] = r['radial_profile'][:].tolist() if 'radial_profile' in r else None
out['radial_axis'] = r['radial_axis'][:].tolist() if 'radial_axis' in r else None
out['attrs'] = {k: (v.decode() if isinstance(v, bytes) else (v.item() if hasattr(v, 'item') else v)) for k, v in r.attrs.items()}
out['nx_class'] = m['/entry'].attrs['NX_class'].decode()
out['definition'] = m['/entry/definition'][()].decode()
out['series_id'] = m['/entry/series_id'][()].decode()
out['x_pixel_size'] = float(m['/entry/instrument/detector/x_pixel_size'][()])
out['distance'] = float(m['/entry/instrument/detector/distance'][()])
out['rule_versions'] = [int(v) for v in m['/entry/rule_versions'][:]]
print(json.dumps(out))
