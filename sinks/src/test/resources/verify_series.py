# Reads a Beamflow series with h5py + hdf5plugin the way NeXus readers do: the frames through the NXdata
# signal of the master (a virtual dataset over the data files), the frame numbers from each data file it maps;
# prints a JSON summary: per stored frame the SHA-1 of its little-endian pixel bytes, the reduction arrays
# and the summary attributes.
import sys, os, json, hashlib
import h5py, hdf5plugin, numpy as np

m = h5py.File(sys.argv[1], 'r')
out = {'frames': {}, 'filters': [], 'data_files': []}
nxdata = m['/entry/data']
signal = nxdata.attrs['signal'].decode()
if signal in nxdata:
    d = nxdata[signal]
    assert d.is_virtual, 'the signal is a virtual dataset'
    row = 0
    for src in d.virtual_sources():
        out['data_files'].append(src.file_name)
        with h5py.File(os.path.join(os.path.dirname(sys.argv[1]), src.file_name), 'r') as f:
            ds = f[src.dset_name]
            pl = ds.id.get_create_plist()
            out['filters'].append([pl.get_filter(i)[0] for i in range(pl.get_nfilters())])
            assert ds.chunks == (1,) + ds.shape[1:], ds.chunks
            fnums = f['/entry/data/frame_number'][:]
            assert ds.shape[0] == len(fnums), (ds.shape, len(fnums))
        for i in range(len(fnums)):
            a = np.ascontiguousarray(d[row + i]).astype(d.dtype.newbyteorder('<'))
            out['frames'][str(int(fnums[i]))] = hashlib.sha1(a.tobytes()).hexdigest()
        row += len(fnums)
    assert row == d.shape[0], ('virtual dataset rows', d.shape, row)
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
out['wavelength'] = float(m['/entry/instrument/beam_incident_wavelength'][()])
out['distance'] = float(m['/entry/instrument/detector/distance'][()])
out['rule_versions'] = [int(v) for v in m['/entry/rule_versions'][:]]
print(json.dumps(out))
