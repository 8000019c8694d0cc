/**
 * The series catalog: every series the HDF5 sink commits is recorded, at its master file's commit, in the
 * archive's catalog database (beamtime, times, detector, frame accounting, rule versions, files with sizes and
 * ADLER32), off the frame path and without ever failing the job ({@link io.beamflow.app.catalog.CatalogRecording});
 * read back for {@code GET /api/beamtimes/{id}/series} and {@code beamflow catalog}
 * ({@link io.beamflow.app.catalog.SeriesCatalogJson}), and exported as SciCat-style dataset records for a facility
 * catalog ({@link io.beamflow.app.catalog.CatalogExport}).
 */
package io.beamflow.app.catalog;
