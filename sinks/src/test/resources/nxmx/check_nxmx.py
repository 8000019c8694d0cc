# Checks a master file against what dxtbx's FormatNXmx (DIALS) needs, with h5py (dxtbx itself is not packaged
# in Debian): the NXmx definition, NXdata signal, every depends_on chain ending in ".", the detector module's
# axes and the position of the beam centre they give, sensor material, sample rotation axis, wavelength.
# Prints JSON with the values found; exits non-zero (an AssertionError) on the first violation.
import sys, json
import h5py, numpy as np

f = h5py.File(sys.argv[1], 'r')
def s(v):
    return v.decode() if isinstance(v, bytes) else str(v)
def cls(path):
    return s(f[path].attrs['NX_class'])

entries = [k for k in f if cls('/' + k) == 'NXentry']
assert entries == ['entry'], entries
e = f['/entry']
assert s(e['definition'][()]) == 'NXmx'
out = {}

def chain(start):
    """Follows a depends_on chain as dxtbx does; returns [(path, dataset)], checking each step."""
    steps, path = [], start
    while path != '.':
        assert path in f, 'depends_on target missing: ' + path
        d = f[path]
        for a in ('transformation_type', 'vector', 'depends_on'):
            assert a in d.attrs, path + ' lacks @' + a
        assert s(d.attrs['transformation_type']) in ('translation', 'rotation'), path
        assert len(d.attrs['vector']) == 3, path
        steps.append((path, d))
        assert len(steps) < 20, 'depends_on loop at ' + path
        path = s(d.attrs['depends_on'])
    return steps

def to_lab(steps, point):
    """Applies a chain (innermost first) to a point in McStas metres; first values of array axes."""
    p = np.array(point, dtype=float)
    for path, d in steps:
        v = np.array(d.attrs['vector'], dtype=float)
        off = np.array(d.attrs['offset'], dtype=float) if 'offset' in d.attrs else np.zeros(3)
        val = float(np.ravel(d[()])[0])
        if s(d.attrs['transformation_type']) == 'translation':
            p = p + v * val + off
        else:
            assert abs(val) < 1e-9, path + ': rotated detectors are beyond this check'
            p = p + off
    return p

inst = [k for k in e if isinstance(e[k], h5py.Group) and cls('/entry/' + k) == 'NXinstrument']
assert inst == ['instrument'], inst
dets = [k for k in e['instrument'] if isinstance(e['instrument'][k], h5py.Group) and cls('/entry/instrument/' + k) == 'NXdetector']
assert dets == ['detector'], dets
det = e['instrument/detector']
material = s(det['sensor_material'][()])
assert material in ('Si', 'CdTe', 'GaAs'), 'DIALS knows Si, CdTe, GaAs; got ' + material
out['sensor_material'] = material
out['sensor_thickness'] = float(det['sensor_thickness'][()]); assert s(det['sensor_thickness'].attrs['units']) == 'm'
det_chain = chain(s(det['depends_on'][()]))
out['detector_chain'] = [p for p, _ in det_chain]
mods = [k for k in det if isinstance(det[k], h5py.Group) and cls(det[k].name) == 'NXdetector_module']
assert len(mods) == 1, mods
mod = det[mods[0]]
origin_idx = [int(v) for v in mod['data_origin'][()]]
size = [int(v) for v in mod['data_size'][()]]
out['data_origin'], out['data_size'] = origin_idx, size
fast, slow = mod['fast_pixel_direction'], mod['slow_pixel_direction']
for ax in (fast, slow):
    assert s(ax.attrs['transformation_type']) == 'translation' and s(ax.attrs['units']) == 'm', ax.name
fast_chain, slow_chain = chain(fast.name), chain(slow.name)
assert [p for p, _ in fast_chain][1:] == out['detector_chain'], 'the module hangs on the detector chain'
px, py = float(fast[()]), float(slow[()])
fv, sv = np.array(fast.attrs['vector']), np.array(slow.attrs['vector'])
origin = to_lab(det_chain, np.array(fast.attrs['offset'], dtype=float))
bx, by = float(det['beam_center_x'][()]), float(det['beam_center_y'][()])
beam_pixel = origin + bx * px * fv + by * py * sv
out['beam_centre_lab_m'] = beam_pixel.tolist()
out['distance'] = float(det['distance'][()])
out['pixel_size'] = [px, py]
out['saturation_value'] = int(det['saturation_value'][()])
out['count_time'] = float(det['count_time'][()])
out['frame_time'] = float(det['frame_time'][()])
mask = det['pixel_mask'][()]
out['pixel_mask_shape'] = list(mask.shape)
out['pixel_mask_nonzero'] = int(np.count_nonzero(mask))
ds = det['detectorSpecific']
for k in ('nimages', 'ntrigger', 'x_pixels_in_detector', 'y_pixels_in_detector'):
    out[k] = int(ds[k][()])
assert list(ds['pixel_mask'].shape) == out['pixel_mask_shape']

sample = e['sample']
assert cls(sample.name) == 'NXsample'
sample_chain = chain(s(sample['depends_on'][()]))
rot = [(p, d) for p, d in sample_chain if s(d.attrs['transformation_type']) == 'rotation']
assert len(rot) == 1, 'one goniometer rotation axis'
out['omega_path'] = rot[0][0]
out['omega_vector'] = [float(v) for v in rot[0][1].attrs['vector']]
out['omega'] = [float(v) for v in rot[0][1][()]]
out['omega_units'] = s(rot[0][1].attrs['units'])

beam = e['instrument/beam']
assert cls(beam.name) == 'NXbeam'
out['wavelength'] = float(beam['incident_wavelength'][()])
out['wavelength_units'] = s(beam['incident_wavelength'].attrs['units'])

data = e['data']
assert cls(data.name) == 'NXdata'
signal = data[s(data.attrs['signal'])]
out['signal_shape'] = list(signal.shape)
out['signal_virtual'] = bool(signal.is_virtual)
print(json.dumps(out))
