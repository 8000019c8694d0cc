package io.beamflow.app.cli;

import io.beamflow.archive.ArchiveException;
import io.beamflow.archive.ArchiveMigrator;
import io.beamflow.archive.ArchivePolicy;
import io.beamflow.archive.ArchivePurger;
import io.beamflow.archive.ArchiveRestorer;
import io.beamflow.archive.ArchiveService;
import io.beamflow.archive.ArchiveVerifier;
import io.beamflow.archive.ChecksumAlgorithms;
import io.beamflow.archive.SeriesScanner;
import io.beamflow.archive.Throttle;
import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.report.ArchiveStatus;
import io.beamflow.archive.report.MigrationReport;
import io.beamflow.archive.report.ProgressReporter;
import io.beamflow.archive.report.PurgeReport;
import io.beamflow.archive.report.RestoreReport;
import io.beamflow.archive.report.VerifyReport;
import io.beamflow.archive.target.ArchiveTarget;
import io.beamflow.archive.target.ArchiveTargets;
import io.beamflow.core.config.ArchiveConfig;
import io.beamflow.core.config.BeamflowConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code beamflow archive}: migration of closed series from the beamline filesystem to archive targets
 * (POSIX / dCache NFS, HTTP WebDAV / dCache WebDAV door), with a catalog, verification, retention-based
 * purge and restore.
 */
@Command(name = "archive", mixinStandardHelpOptions = true,
        description = {"Migrate closed series to archive storage, verify, purge and restore.",
            "Exit codes: 0 ok, 1 problems found (failed copies, corrupt copies, refused purges), 2 usage or setup error.",
            "WebDAV targets get the HTTP Authorization header from $BEAMFLOW_ARCHIVE_AUTHORIZATION"
                + " (e.g. 'Bearer <macaroon>') when set."},
        subcommands = {
            ArchiveCommand.Status.class,
            ArchiveCommand.Migrate.class,
            ArchiveCommand.Verify.class,
            ArchiveCommand.Purge.class,
            ArchiveCommand.Restore.class,
            ArchiveCommand.Run.class,
        })
public final class ArchiveCommand implements Runnable {
    /** Exit code when problems were found. */
    static final int PROBLEMS = 1;
    /** Exit code for usage or setup errors. */
    static final int SETUP_ERROR = 2;
    /** Environment variable with the HTTP Authorization header value for WebDAV targets. */
    static final String AUTH_ENV = "BEAMFLOW_ARCHIVE_AUTHORIZATION";

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by all archive sub-commands; they override the configuration file. */
    static final class Options {
        @Option(names = {"-c", "--config"}, description = "Beamflow YAML configuration (archive and sink sections).")
        Path config;
        @Option(names = "--root", description = "Beamline root to migrate from (default: archive.beamlineRoot, else sink.outputRoot).")
        Path root;
        @Option(names = "--catalog", description = "Catalog JDBC URL (jdbc:sqlite:FILE or jdbc:postgresql://...).")
        String catalogUrl;
        @Option(names = {"-t", "--target"}, description = "Archive target (repeatable): file:///path, a path, or http(s)://... (WebDAV).")
        List<String> targets = new ArrayList<>();
        @Option(names = "--required-copies", description = "Verified copies required before purge.")
        Integer requiredCopies;
        @Option(names = "--retention-days", description = "Days a file stays on the beamline filesystem after the policy is met.")
        Integer retentionDays;
        @Option(names = {"-q", "--quiet"}, description = "Service mode: log lines instead of a terminal progress line.")
        boolean quiet;
        @Option(names = "--checksums", split = ",", description = "Checksums to compute and record: adler32 (always; dCache's),"
                + " optionally sha-256 (default archive.checksums, else adler32).")
        List<String> checksums = new ArrayList<>();
    }

    /** What a sub-command works with, resolved from configuration and options. */
    static final class Setup implements AutoCloseable {
        final ArchiveConfig config;
        final Path root;
        final ArchiveCatalog catalog;
        final List<ArchiveTarget> targets;
        final ArchivePolicy policy;
        /** The policy of a series: its beamtime's retention where {@code sink.beamtimeStore} gives one. */
        final java.util.function.Function<String, ArchivePolicy> policyOf;
        final ChecksumAlgorithms checksums;
        final ProgressReporter reporter;
        final Clock clock = Clock.systemUTC();

        Setup(Options o) {
            BeamflowConfig bc = o.config == null ? new BeamflowConfig() : BeamflowConfig.load(o.config);
            config = bc.archive;
            root = o.root != null ? o.root : Path.of(config.beamlineRoot != null ? config.beamlineRoot : bc.sink.outputRoot);
            List<String> specs = o.targets.isEmpty() ? config.targets : o.targets;
            if (specs.isEmpty()) {
                throw new IllegalArgumentException("no archive targets: set archive.targets in the configuration or pass --target");
            }
            policy = new ArchivePolicy(o.requiredCopies != null ? o.requiredCopies : config.requiredCopies,
                    o.retentionDays != null ? o.retentionDays : config.retentionDays);
            policyOf = bc.sink.beamtimeStore == null || bc.sink.beamtimeStore.isBlank() ? key -> policy
                    : new io.beamflow.archive.BeamtimeRetention(
                            new io.beamflow.core.beamtime.BeamtimeStore(Path.of(bc.sink.beamtimeStore)), policy);
            checksums = ChecksumAlgorithms.parse(o.checksums.isEmpty() ? config.checksums : o.checksums);
            targets = ArchiveTargets.of(specs, System.getenv(AUTH_ENV), config.httpTimeoutMs);
            catalog = ArchiveCatalog.open(o.catalogUrl != null ? o.catalogUrl : config.catalogUrl, clock);
            reporter = ProgressReporter.forCommand(o.quiet, System.out, 30_000);
        }

        @Override
        public void close() {
            catalog.close();
            targets.forEach(ArchiveTarget::close);
        }
    }

    /** Base of the sub-commands: builds the setup and maps failures to exit codes. */
    abstract static class Sub implements Callable<Integer> {
        @Mixin
        Options options = new Options();
        @Spec
        CommandLine.Model.CommandSpec spec;

        abstract int execute(Setup s, PrintWriter out) throws IOException;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try (Setup s = new Setup(options)) {
                int code = execute(s, out);
                out.flush();
                return code;
            } catch (ArchiveException | IOException | IllegalArgumentException | BeamflowConfig.ConfigException e) {
                err.println("beamflow archive " + spec.name() + ": " + e.getMessage());
                return SETUP_ERROR;
            } finally {
                err.flush();
            }
        }
    }

    /** {@code archive status}. */
    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "Show per series: files, size, verified copies per target, bad copies, purge state.")
    static final class Status extends Sub {
        @Option(names = {"-s", "--series"}, description = "Series: beamtime/seriesId, seriesId, or a beamtime id (all its series; default all).")
        String series;

        @Override
        int execute(Setup s, PrintWriter out) throws IOException {
            ArchiveStatus st = new ArchiveStatus(s.catalog, s.targets, s.policy, new SeriesScanner(s.root));
            out.print(st.format(st.series(series)));
            return 0;
        }
    }

    /** {@code archive migrate}. */
    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = "Copy closed series to every target, verify each copy, record it in the catalog (one pass).")
    static final class Migrate extends Sub {
        @Option(names = {"-s", "--series"}, description = "Series: beamtime/seriesId, seriesId, or a beamtime id (all its series; default all closed series).")
        String series;
        @Option(names = "--throttle-bytes-per-second", description = "Transfer limit (default archive.throttleBytesPerSecond; 0 = none).")
        Long throttle;
        @Option(names = "--parallel", description = "Files copied concurrently (default archive.parallelFiles).")
        Integer parallel;

        @Override
        int execute(Setup s, PrintWriter out) throws IOException {
            ArchiveMigrator m = new ArchiveMigrator(new SeriesScanner(s.root), s.catalog, s.targets,
                    new Throttle(throttle != null ? throttle : s.config.throttleBytesPerSecond),
                    parallel != null ? parallel : s.config.parallelFiles, s.checksums);
            MigrationReport r = m.migrate(series, s.reporter);
            r.skipped().forEach(e -> out.println("SKIPPED " + e));
            r.errors().forEach(e -> out.println("ERROR " + e));
            out.println("migrate: " + r);
            return r.ok() ? 0 : PROBLEMS;
        }
    }

    /** {@code archive verify}. */
    @Command(name = "verify", mixinStandardHelpOptions = true,
            description = "Re-check every recorded copy against the catalog checksums; report corrupt or missing copies.")
    static final class Verify extends Sub {
        @Option(names = {"-s", "--series"}, description = "Series: beamtime/seriesId, seriesId, or a beamtime id (all its series; default all).")
        String series;

        @Override
        int execute(Setup s, PrintWriter out) {
            VerifyReport r = new ArchiveVerifier(s.catalog, s.targets).verify(series, s.reporter);
            r.problems().forEach(p -> out.println("BAD " + p));
            out.println("verify: " + r);
            return r.ok() ? 0 : PROBLEMS;
        }
    }

    /** {@code archive purge}. */
    @Command(name = "purge", mixinStandardHelpOptions = true,
            description = {"Delete files from the beamline filesystem whose policy is met: required verified copies,",
                "retention elapsed, copies re-verified now, and beamline bytes still matching the catalog."})
    static final class Purge extends Sub {
        @Option(names = {"-s", "--series"}, description = "Series: beamtime/seriesId, seriesId, or a beamtime id (all its series; default all).")
        String series;
        @Option(names = {"-n", "--dry-run"}, description = "Only report what would be deleted.")
        boolean dryRun;
        @Option(names = "--no-reverify", description = "Trust the catalog's VERIFIED states instead of re-reading the copies.")
        boolean noReverify;

        @Override
        int execute(Setup s, PrintWriter out) {
            PurgeReport r = new ArchivePurger(s.catalog, s.targets, s.policy, s.policyOf, s.root, s.clock,
                    s.config.reverifyBeforePurge && !noReverify).purge(series, dryRun);
            r.refusals().forEach(p -> out.println("REFUSED " + p));
            out.println("purge: " + r);
            return r.refused() == 0 ? 0 : PROBLEMS;
        }
    }

    /** {@code archive restore}. */
    @Command(name = "restore", mixinStandardHelpOptions = true,
            description = "Copy a series back from the archive into a directory, verifying both checksums of every file.")
    static final class Restore extends Sub {
        @Option(names = {"-s", "--series"}, required = true, description = "Series: beamtime/seriesId or seriesId.")
        String series;
        @Option(names = "--to", required = true, description = "Destination directory (the series' files land in it).")
        Path dest;
        @Option(names = "--overwrite", description = "Replace destination files whose bytes differ from the archive.")
        boolean overwrite;

        @Override
        int execute(Setup s, PrintWriter out) throws IOException {
            RestoreReport r = new ArchiveRestorer(s.catalog, s.targets, new Throttle(s.config.throttleBytesPerSecond),
                    overwrite).restore(series, dest, s.reporter);
            r.errors().forEach(e -> out.println("ERROR " + e));
            out.println("restore: " + r);
            return r.ok() ? 0 : PROBLEMS;
        }
    }

    /** {@code archive run}. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Migration service: migrate newly closed series every poll interval until stopped (SIGTERM).")
    static final class Run extends Sub {
        @Option(names = "--poll-interval-ms", description = "Time between passes (default archive.pollIntervalMs).")
        Long pollIntervalMs;
        @Option(names = "--purge", description = "Also purge what the policy allows after each pass (default archive.purgeInService).")
        boolean purge;
        @Option(names = "--once", description = "Run a single pass and exit (for cron and tests).")
        boolean once;

        @Override
        int execute(Setup s, PrintWriter out) {
            ArchiveMigrator m = new ArchiveMigrator(new SeriesScanner(s.root), s.catalog, s.targets,
                    new Throttle(s.config.throttleBytesPerSecond), s.config.parallelFiles, s.checksums);
            ArchivePurger p = purge || s.config.purgeInService
                    ? new ArchivePurger(s.catalog, s.targets, s.policy, s.policyOf, s.root, s.clock,
                            s.config.reverifyBeforePurge)
                    : null;
            ArchiveService service = new ArchiveService(m, p,
                    pollIntervalMs != null ? pollIntervalMs : s.config.pollIntervalMs, s.reporter);
            if (once) {
                service.runPass();
            } else {
                Thread hook = new Thread(service::stop, "archive-shutdown");
                Runtime.getRuntime().addShutdownHook(hook);
                service.run();
            }
            out.println("run: " + service.passes() + " passes, " + service.failedPasses() + " with errors");
            return service.failedPasses() == 0 ? 0 : PROBLEMS;
        }
    }
}
