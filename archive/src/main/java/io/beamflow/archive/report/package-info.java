/**
 * What archive operations tell their callers: the reports of migration, verification, purge and restore,
 * progress output for a terminal or a log, and the per-series status table of {@code beamflow archive status}.
 */
package io.beamflow.archive.report;
