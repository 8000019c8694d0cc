package io.beamflow.app.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.beamflow.app.catalog.CatalogExport;
import io.beamflow.app.catalog.CatalogRecording;
import io.beamflow.app.catalog.CatalogSync;
import io.beamflow.app.catalog.SeriesCatalogJson;
import io.beamflow.app.catalog.SeriesCatalogRecorder;
import io.beamflow.archive.ArchiveException;
import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.archive.catalog.CatalogSeries;
import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.beamtime.BeamtimeStore;
import io.beamflow.core.config.BeamflowConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code beamflow catalog}: the series catalog (every series the pipeline committed, in the archive's catalog
 * database): list, show, export for a facility catalog (SciCat-style JSON) and sync (record committed series the
 * pipeline could not record, e.g. while the catalog was unreachable). Reads the database directly, like
 * {@code beamflow archive}; whoever can read the catalog file or database may use it. Exit codes: 0 ok, 1 not found
 * or series left unrecorded, 2 usage or setup error.
 */
@Command(name = "catalog", mixinStandardHelpOptions = true,
        description = {"The series catalog: list, show and export committed series; sync records committed series "
                + "missing from it.", "Exit codes: 0 ok, 1 not found / not all recorded, 2 usage or setup error."},
        subcommands = {CatalogCommand.ListSeries.class, CatalogCommand.Show.class, CatalogCommand.Export.class,
            CatalogCommand.Sync.class})
public final class CatalogCommand implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options of every sub-command; they override the configuration file. */
    static final class Options {
        @Option(names = {"-c", "--config"}, description = "Beamflow YAML configuration (archive and sink sections).")
        Path config;
        @Option(names = "--catalog", description = "Catalog JDBC URL (default archive.catalogUrl).")
        String catalogUrl;
        @Option(names = "--root", description = "Beamline root (default archive.beamlineRoot, else sink.outputRoot).")
        Path root;
    }

    /** Base of the sub-commands: opens the catalog and maps failures to exit codes. */
    abstract static class Sub implements Callable<Integer> {
        @Mixin
        Options options = new Options();
        @Spec
        CommandLine.Model.CommandSpec spec;

        abstract int execute(BeamflowConfig config, ArchiveCatalog catalog, Path root, PrintWriter out)
                throws IOException;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            try {
                BeamflowConfig config = options.config == null ? new BeamflowConfig()
                        : BeamflowConfig.load(options.config);
                Path root = options.root != null ? options.root : Path.of(CatalogRecording.rootOf(config));
                try (ArchiveCatalog catalog = ArchiveCatalog.open(
                        options.catalogUrl != null ? options.catalogUrl : config.archive.catalogUrl,
                        Clock.systemUTC())) {
                    int code = execute(config, catalog, root, out);
                    out.flush();
                    return code;
                }
            } catch (ArchiveException | IOException | IllegalArgumentException | BeamflowConfig.ConfigException e) {
                err.println("beamflow catalog " + spec.name() + ": " + e.getMessage());
                return 2;
            } finally {
                err.flush();
            }
        }
    }

    /** {@code catalog list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List committed series, one a line.")
    static final class ListSeries extends Sub {
        @Option(names = {"-b", "--beamtime"}, defaultValue = "", description = "Only this beamtime's series.")
        String beamtime;

        @Override
        int execute(BeamflowConfig config, ArchiveCatalog catalog, Path root, PrintWriter out) {
            out.printf(Locale.ROOT, "%-10s %-24s %-20s %-6s %8s %8s %8s %8s %8s %5s %12s%n", "beamtime", "series",
                    "start", "status", "received", "kept", "vetoed", "rejected", "missing", "files", "bytes");
            for (CatalogSeries s : catalog.series(beamtime)) {
                out.printf(Locale.ROOT, "%-10s %-24s %-20s %-6s %8d %8d %8d %8d %8d %5d %12d%n", s.beamtime(),
                        s.seriesId(), s.startTime().length() > 20 ? s.startTime().substring(0, 20) : s.startTime(),
                        s.status(), s.framesReceived(), s.framesKept(), s.framesVetoed(), s.framesRejected(),
                        s.framesMissing(), s.fileCount(), s.sizeBytes());
            }
            return 0;
        }
    }

    /** {@code catalog show}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "One series as JSON: accounting, rule versions, files with size, ADLER32 and archive copies.")
    static final class Show extends Sub {
        @Parameters(index = "0", description = "Series key (<year>/data/<beamtime>/raw/<series>) or series id.")
        String series;

        @Override
        int execute(BeamflowConfig config, ArchiveCatalog catalog, Path root, PrintWriter out) throws IOException {
            Optional<CatalogSeries> s = catalog.seriesRecord(series);
            if (s.isEmpty()) {
                spec.commandLine().getErr().println("beamflow catalog show: no series '" + series + "' in the catalog");
                return 1;
            }
            out.println(JSON.writeValueAsString(SeriesCatalogJson.series(s.get(), catalog.seriesFiles(s.get().key()))));
            return 0;
        }
    }

    /** {@code catalog export}. */
    @Command(name = "export", mixinStandardHelpOptions = true,
            description = {"Export series as SciCat-style JSON for a facility catalog: RawDataset records and "
                    + "OrigDatablocks with ADLER32 per file.",
                "Every dataset is isPublished=false with an embargoEnd (the beamtime's, else its end + "
                    + "archive.embargoYears); commercial beamtimes are left out unless --include-commercial "
                    + "(then embargoEnd null: never released). Needs sink.beamtimeStore for owners and groups."})
    static final class Export extends Sub {
        @Option(names = {"-b", "--beamtime"}, defaultValue = "", description = "Only this beamtime's series.")
        String beamtime;
        @Option(names = "--include-commercial", description = "Also export commercial (proprietary) beamtimes' series.")
        boolean includeCommercial;
        @Option(names = {"-o", "--output"}, description = "Write the JSON to this file (default: standard output).")
        Path output;

        @Override
        int execute(BeamflowConfig config, ArchiveCatalog catalog, Path root, PrintWriter out) throws IOException {
            Function<String, Optional<Beamtime>> beamtimes;
            if (config.sink.beamtimeStore == null || config.sink.beamtimeStore.isBlank()) {
                beamtimes = id -> Optional.empty();
            } else {
                BeamtimeStore store = new BeamtimeStore(Path.of(config.sink.beamtimeStore));
                beamtimes = store::find;
            }
            Map<String, Object> doc = new CatalogExport(root, includeCommercial, config.archive.embargoYears)
                    .export(catalog, beamtime, beamtimes);
            String json = JSON.writeValueAsString(doc);
            if (output == null) {
                out.println(json);
            } else {
                Path tmp = output.resolveSibling("." + output.getFileName() + ".tmp");
                Files.writeString(tmp, json + "\n");
                Files.move(tmp, output, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                out.printf(Locale.ROOT, "%d datasets, %d left out -> %s%n", ((List<?>) doc.get("datasets")).size(),
                        ((List<?>) doc.get("skipped")).size(), output);
            }
            for (Object sk : (List<?>) doc.get("skipped")) {
                spec.commandLine().getErr().println("left out: " + sk);
            }
            return 0;
        }
    }

    /** {@code catalog sync}. */
    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "Record committed series under the beamline root that the catalog lacks (e.g. committed "
                    + "while it was unreachable); --all records every one again.")
    static final class Sync extends Sub {
        @Option(names = "--all", description = "Record every committed series again, not only missing ones.")
        boolean all;

        @Override
        int execute(BeamflowConfig config, ArchiveCatalog catalog, Path root, PrintWriter out) throws IOException {
            List<Path> masters = CatalogSync.committedMasters(root, spec.commandLine().getErr()::println);
            int recorded = 0;
            int failed = 0;
            Path absRoot = root.toAbsolutePath().normalize();
            for (Path m : masters) {
                String key = CatalogSync.key(absRoot, m);
                if (!all && catalog.seriesRecord(key).isPresent()) {
                    continue;
                }
                try {
                    SeriesCatalogRecorder.record(catalog, root, m);
                    recorded++;
                    out.println("recorded " + key);
                } catch (IOException e) {
                    failed++;
                    spec.commandLine().getErr().println("not recorded " + key + ": " + e.getMessage());
                }
            }
            out.printf(Locale.ROOT, "%d series recorded, %d could not be read, %d master files under %s%n", recorded,
                    failed, masters.size(), root);
            return failed == 0 ? 0 : 1;
        }
    }
}
