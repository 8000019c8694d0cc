package io.beamflow.app.cli;

import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.IngestConfig;
import io.beamflow.ingest.IngestNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code beamflow ingest}: runs a standalone ingest node until interrupted. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
        description = "Run a standalone ingest node (receive, validate, journal) until stopped with Ctrl-C/SIGTERM.")
public final class IngestCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, description = "Configuration file (its 'ingest' section).")
    Path config;

    @Option(names = "--endpoint", split = ",", description = "Override ingest.endpoints (e.g. tcp://127.0.0.1:9001).")
    List<String> endpoints;

    @Option(names = "--journal", description = "Override ingest.journalDirectory.")
    String journalDirectory;

    @Option(names = "--protocol", description = "Override ingest.protocol: native, dectris-stream-v1 or dectris-stream-v2.")
    String protocol;

    @Option(names = "--socket-mode", description = "Override ingest.socketMode: pull or sub.")
    String socketMode;

    @Option(names = "--status-interval", defaultValue = "5",
            description = "Seconds between status summaries on stdout (0: only at exit; default ${DEFAULT-VALUE}).")
    int statusIntervalSeconds;

    @Override
    public Integer call() throws InterruptedException {
        BeamflowConfig full = BeamflowConfig.load(config);
        IngestConfig c = full.ingest;
        if (endpoints != null) {
            c.endpoints = endpoints;
        }
        if (journalDirectory != null) {
            c.journalDirectory = journalDirectory;
        }
        if (protocol != null) {
            c.protocol = protocol;
        }
        if (socketMode != null) {
            c.socketMode = socketMode;
        }
        Map<String, String> overrides = new HashMap<>();
        if (endpoints != null) {
            overrides.put("ingest.endpoints", "--endpoint");
        }
        if (protocol != null) {
            overrides.put("ingest.protocol", "--protocol");
        }
        if (socketMode != null) {
            overrides.put("ingest.socketMode", "--socket-mode");
        }
        new StartupChecks(config, overrides).ingest(full);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        CountDownLatch stop = new CountDownLatch(1);
        IngestNode node = IngestNode.start(c, registry);
        Thread hook = new Thread(() -> {
            stop.countDown();
            node.close();
            System.out.print(node.formatSummary());
            System.out.flush();
        }, "ingest-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        // the bound endpoints: a wildcard port (tcp://127.0.0.1:*) is printed with the port the system chose
        System.out.println("ingest node running: " + node.boundEndpoints() + " -> " + c.journalDirectory + " (streams "
                + node.streamIds() + ")");
        System.out.flush();
        while (true) {
            if (statusIntervalSeconds <= 0) {
                stop.await();
                return 0;
            }
            if (stop.await(statusIntervalSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
                return 0;
            }
            System.out.print(node.formatSummary());
            System.out.flush();
        }
    }
}
