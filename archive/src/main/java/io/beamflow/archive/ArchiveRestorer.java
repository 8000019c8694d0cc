package io.beamflow.archive;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogCopy;
import io.beamflow.archive.catalog.CatalogFile;
import io.beamflow.archive.catalog.CopyState;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.report.RestoreReport;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.RelativePaths;
import io.beamflow.archive.target.VerifyOutcome;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Copies a series back from the archive into a directory. Each file is read from the first target with a
 * VERIFIED copy (configured order), written under a temporary name, checked against both catalog checksums
 * and renamed; a copy that does not match is reported and the next target is tried.
 */
public final class ArchiveRestorer {
    private static final Logger LOG = LoggerFactory.getLogger(ArchiveRestorer.class);

    private final ArchiveCatalog catalog;
    private final List<ArchiveTarget> targets;
    private final Throttle throttle;
    private final boolean overwrite;

    /**
     * A restorer that refuses to replace destination files whose bytes differ from the archive.
     *
     * @param catalog  the catalog
     * @param targets  configured targets, in order of preference
     * @param throttle transfer limit
     */
    public ArchiveRestorer(ArchiveCatalog catalog, List<ArchiveTarget> targets, Throttle throttle) {
        this(catalog, targets, throttle, false);
    }

    /**
     * @param catalog   the catalog
     * @param targets   configured targets, in order of preference
     * @param throttle  transfer limit
     * @param overwrite replace destination files whose bytes differ from the archive
     */
    public ArchiveRestorer(ArchiveCatalog catalog, List<ArchiveTarget> targets, Throttle throttle, boolean overwrite) {
        this.catalog = catalog;
        this.targets = List.copyOf(targets);
        this.throttle = throttle;
        this.overwrite = overwrite;
    }

    /**
     * Restores one series.
     *
     * @param selection series key or id; must match exactly one catalogued series
     * @param destDir   directory to restore into (the series' files land directly in it)
     * @param reporter  progress output
     * @return what was restored
     * @throws ArchiveException when the selection matches no or several series
     * @throws IOException when the destination cannot be created
     */
    public RestoreReport restore(String selection, Path destDir, ProgressReporter reporter) throws IOException {
        List<CatalogFile> files = catalog.files(selection);
        TreeSet<String> series = new TreeSet<>();
        files.forEach(f -> series.add(f.series()));
        if (series.isEmpty()) {
            throw new ArchiveException("no archived series matches '" + selection + "'", null);
        }
        if (series.size() > 1) {
            throw new ArchiveException("'" + selection + "' matches several series " + series + "; give beamtime/seriesId", null);
        }
        RestoreReport report = new RestoreReport();
        report.series = series.first();
        Files.createDirectories(destDir);
        Map<String, List<CatalogCopy>> copies = catalog.copiesBySeries(report.series);
        TransferProgress progress = new TransferProgress(files.size(),
                files.stream().mapToLong(CatalogFile::sizeBytes).sum(), reporter);
        for (CatalogFile f : files) {
            String inSeries = f.path().substring(report.series.length() + 1);
            restoreFile(f, destDir.resolve(RelativePaths.check(inSeries)), copies.getOrDefault(f.path(), List.of()),
                    report, progress);
            progress.fileDone();
        }
        progress.finish();
        LOG.info("archive restore: {}", report);
        return report;
    }

    private void restoreFile(CatalogFile f, Path dest, List<CatalogCopy> copies, RestoreReport report,
            TransferProgress progress) throws IOException {
        if (Files.exists(dest)) {
            if (Files.isRegularFile(dest) && Files.size(dest) == f.sizeBytes()
                    && f.checksums().mismatch(ChecksumAccumulator.of(dest, ChecksumAlgorithms.toCheck(f.checksums()))) == null) {
                report.filesAlreadyPresent++;
                progress.addBytes(f.sizeBytes());
                return;
            }
            if (!overwrite) {
                String line = f.path() + ": " + dest + " exists with other content; not replaced (use overwrite)";
                LOG.error("archive restore: {}", line);
                ArchiveMetrics.error("restore");
                report.error(line);
                return;
            }
        }
        Files.createDirectories(dest.getParent());
        Path tmp = dest.resolveSibling("." + dest.getFileName() + ".beamflow-part");
        List<String> tried = new ArrayList<>();
        for (ArchiveTarget t : ordered(copies)) {
            long before = progress.doneBytes();
            ChecksumAccumulator sums = new ChecksumAccumulator(ChecksumAlgorithms.toCheck(f.checksums()));
            try (InputStream in = t.open(f.path());
                 FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                copy(in, out, sums, progress);
                ch.force(true);
            } catch (IOException e) {
                Files.deleteIfExists(tmp);
                tried.add(t.uri() + ": " + e);
                progress.addBytes(before - progress.doneBytes());
                continue;
            }
            String mismatch = f.checksums().mismatch(sums.result());
            if (mismatch != null) {
                Files.deleteIfExists(tmp);
                LOG.error("archive restore: {} on {} is CORRUPT ({}); trying the next copy", f.path(), t.uri(), mismatch);
                catalog.recordCopy(f.path(), t.uri(), CopyState.CORRUPT, VerifyOutcome.METHOD_RESTORE, mismatch);
                ArchiveMetrics.copy("restore", CopyState.CORRUPT);
                tried.add(t.uri() + ": corrupt (" + mismatch + ")");
                progress.addBytes(before - progress.doneBytes());
                continue;
            }
            Files.move(tmp, dest, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            report.filesRestored++;
            report.bytesRestored += f.sizeBytes();
            return;
        }
        String line = f.path() + ": no good copy on any target " + tried;
        LOG.error("archive restore: {}", line);
        ArchiveMetrics.error("restore");
        report.error(line);
    }

    private void copy(InputStream in, OutputStream out, ChecksumAccumulator sums, TransferProgress progress)
            throws IOException {
        byte[] buf = new byte[1 << 20];
        int n;
        while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
            sums.update(buf, 0, n);
            out.write(buf, 0, n);
            throttle.acquire(n);
            progress.addBytes(n);
        }
    }

    /** Targets with a VERIFIED copy first (configured order), then the others as a last resort. */
    private List<ArchiveTarget> ordered(List<CatalogCopy> copies) {
        List<ArchiveTarget> out = new ArrayList<>(targets);
        out.sort(Comparator.comparing((ArchiveTarget t) -> copies.stream()
                .noneMatch(c -> c.verified() && c.target().equals(t.uri()))));
        return out;
    }
}
