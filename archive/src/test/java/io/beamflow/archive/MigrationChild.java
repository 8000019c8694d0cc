package io.beamflow.archive;

import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.report.LogProgressReporter;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.ArchiveTargets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * A migration in its own JVM, for the kill -9 test. Arguments: beamline root, catalog JDBC URL,
 * throttle in bytes/s, then target specs.
 */
public final class MigrationChild {
    private MigrationChild() {
    }

    /** @param args root, catalog URL, throttle, targets... */
    public static void main(String[] args) throws Exception {
        List<ArchiveTarget> targets = new ArrayList<>();
        for (int i = 3; i < args.length; i++) {
            targets.add(ArchiveTargets.of(args[i], null));
        }
        try (ArchiveCatalog catalog = ArchiveCatalog.open(args[1], Clock.systemUTC())) {
            MigrationReport r = new ArchiveMigrator(new SeriesScanner(Path.of(args[0])), catalog, targets,
                    new Throttle(Long.parseLong(args[2]))).migrate(null, new LogProgressReporter(200));
            System.out.println("REPORT " + r);
            r.errors().forEach(e -> System.out.println("ERROR " + e));
            System.exit(r.ok() ? 0 : 1);
        }
    }
}
