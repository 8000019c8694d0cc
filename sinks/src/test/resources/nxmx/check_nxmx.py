# Checks a master file against what dxtbx's FormatNXmx (DIALS) needs, with h5py (dxtbx itself is not packaged
# in Debian): the NXmx definition, NXdata signal, every depends_on chain ending in ".", the detector module's
# axes and the position of the beam centre they give, sensor material, sample rotation axis, wavelength. A
# multi-module detector: every NXdetector_module hangs on the detector chain, its data region lies in the image
# and overlaps no other, its axes put the beam centre on the beam, and the pixel mask flags exactly the pixels
# outside every module as gaps (bit 0).
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
        assert abs(np.linalg.norm(np.array(d.attrs['vector'], dtype=float)) - 1) < 1e-9, path + ': vector not unit length'
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
assert len(mods) >= 1, mods
bx, by = float(det['beam_center_x'][()]), float(det['beam_center_y'][()])
mask = det['pixel_mask'][()]
covered = np.zeros(mask.shape, dtype=int)
out['modules'] = []
for name in mods:
    mod = det[name]
    origin_idx = [int(v) for v in mod['data_origin'][()]]
    size = [int(v) for v in mod['data_size'][()]]
    assert all(v >= 0 for v in origin_idx) and all(v >= 1 for v in size), name
    assert origin_idx[0] + size[0] <= mask.shape[0] and origin_idx[1] + size[1] <= mask.shape[1], name + ' outside the image'
    covered[origin_idx[0]:origin_idx[0] + size[0], origin_idx[1]:origin_idx[1] + size[1]] += 1
    fast, slow = mod['fast_pixel_direction'], mod['slow_pixel_direction']
    for ax in (fast, slow):
        assert s(ax.attrs['transformation_type']) == 'translation' and s(ax.attrs['units']) == 'm', ax.name
    fast_chain, slow_chain = chain(fast.name), chain(slow.name)
    assert [p for p, _ in fast_chain][-len(det_chain):] == out['detector_chain'], name + ' hangs on the detector chain'
    assert [p for p, _ in slow_chain][1:] == [p for p, _ in fast_chain][1:], name + ': fast and slow share a chain'
    px, py = float(fast[()]), float(slow[()])
    fv, sv = np.array(fast.attrs['vector']), np.array(slow.attrs['vector'])
    assert abs(float(np.dot(fv, sv))) < 1e-9, name + ': fast and slow directions not orthogonal'
    # the module's first pixel in the lab, then where the beam centre pixel (of the whole image) lands from it
    origin = to_lab(fast_chain[1:], np.array(fast.attrs['offset'], dtype=float))
    beam_pixel = origin + (bx - origin_idx[1]) * px * fv + (by - origin_idx[0]) * py * sv
    offset = [p for p, _ in fast_chain if p.endswith('/module_offset')]
    out['modules'].append({'name': name, 'data_origin': origin_idx, 'data_size': size,
                           'beam_centre_lab_m': beam_pixel.tolist(), 'module_offset': offset})
assert covered.max() == 1, 'modules overlap'
first = out['modules'][0]
out['data_origin'], out['data_size'] = first['data_origin'], first['data_size']
out['beam_centre_lab_m'] = first['beam_centre_lab_m']
if len(mods) > 1:
    out['gaps_flagged_exactly'] = bool((((mask & 1) != 0) == (covered == 0)).all())
    out['gap_pixels'] = int(np.count_nonzero(covered == 0))
out['distance'] = float(det['distance'][()])
out['pixel_size'] = [px, py]
if 'source' in det['pixel_mask'].attrs:
    out['pixel_mask_source'] = s(det['pixel_mask'].attrs['source'])
out['saturation_value'] = int(det['saturation_value'][()])
out['count_time'] = float(det['count_time'][()])
out['frame_time'] = float(det['frame_time'][()])
out['pixel_mask_shape'] = list(mask.shape)
out['pixel_mask_nonzero'] = int(np.count_nonzero(mask))
ds = det['detectorSpecific']
for k in ('nimages', 'ntrigger', 'x_pixels_in_detector', 'y_pixels_in_detector'):
    out[k] = int(ds[k][()])
assert list(ds['pixel_mask'].shape) == out['pixel_mask_shape']
assert (ds['pixel_mask'][()] == mask).all(), 'detectorSpecific/pixel_mask differs from the detector pixel_mask'
out['pixel_mask_values'] = {str(int(v)): int(np.count_nonzero(mask == v)) for v in np.unique(mask)}

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
