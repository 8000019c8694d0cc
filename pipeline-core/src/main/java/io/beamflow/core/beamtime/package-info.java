/**
 * Beamtimes: who owns the data of an experiment. {@link io.beamflow.core.beamtime.Beamtime} is the model,
 * {@link io.beamflow.core.beamtime.BeamtimeValidator} checks a candidate, and
 * {@link io.beamflow.core.beamtime.BeamtimeStore} keeps them durably in a JSON-lines file that the control API
 * writes and the HDF5 sink reads to place each series.
 */
package io.beamflow.core.beamtime;
