package io.beamflow.app.control;

import com.sun.net.httpserver.HttpServer;
import io.beamflow.app.catalog.SeriesCatalogJson;
import io.beamflow.archive.catalog.ArchiveCatalog;
import io.beamflow.core.beamtime.BeamtimeStore;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.ControlConfig;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleValidator;
import io.beamflow.sink.live.LiveViewSubscriber;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP server operators and scientists use, started next to the job:
 * <ul>
 * <li>{@code GET /} the live dashboard; {@code GET /api/live/events} its server-sent events;
 * {@code GET /api/live/image} the newest downsampled image (float32);</li>
 * <li>{@code GET|PUT /api/rules}, {@code GET /api/rules/{version}}, {@code GET /api/rules/active},
 * {@code POST /api/rules/validate}, {@code POST /api/rules/rollback}, {@code GET /api/audit};</li>
 * <li>{@code GET /api/series}, {@code POST /api/series/start|stop|abort};</li>
 * <li>{@code GET /api/status} pipeline status; {@code GET /metrics} Prometheus scrape endpoint.</li>
 * </ul>
 * Mutations need the operator token ({@code Authorization: Bearer}). The dashboard's live data comes
 * from the live-view ZeroMQ stream, so the server also works next to a remote Flink cluster.
 */
public final class ControlServer implements AutoCloseable {
    private static final int MAX_SSE_CLIENTS = 16;
    private static final long STATUS_PERIOD_MS = 1000;

    private final HttpServer http;
    private final ExecutorService httpThreads;
    private final ScheduledExecutorService ticker;
    private final LiveViewSubscriber subscriber;
    private final LiveEventsHandler events;
    private final RuleStore rules;
    private final PipelineStatusReporter reporter;
    private final URI url;

    private ControlServer(ControlConfig c, Path rulesDirectory, PrometheusMeterRegistry registry,
            RuleValidator validator, SeriesControl series, String beamtimeStore, String catalogUrl) throws IOException {
        AuditLog audit = new AuditLog(Path.of(c.ruleStoreDirectory));
        this.rules = new RuleStore(Path.of(c.ruleStoreDirectory), rulesDirectory, validator, audit,
                System::currentTimeMillis);
        OperatorAuth auth = new OperatorAuth(OperatorAuth.resolveToken(c.operatorToken));
        SseHub hub = new SseHub(MAX_SSE_CLIENTS);
        DashboardFeed feed = new DashboardFeed(hub);
        this.reporter = new PipelineStatusReporter(registry, () -> rules.active().version(), series);
        String subscribeTo = c.dashboardSubscribeEndpoint == null || c.dashboardSubscribeEndpoint.isBlank()
                ? c.liveViewEndpoint : c.dashboardSubscribeEndpoint;
        this.subscriber = subscribeTo == null || subscribeTo.isBlank() ? null
                : new LiveViewSubscriber(subscribeTo, feed);
        hub.greeting(() -> {
            List<String> g = new ArrayList<>();
            g.add(SseHub.format("rules", DashboardFeed.json(rulesEvent(rules.active()))));
            g.add(SseHub.format("status", DashboardFeed.json(statusWithLiveView(feed, hub))));
            g.addAll(feed.greeting());
            return g;
        });

        this.http = HttpServer.create(new InetSocketAddress(c.bindAddress, c.httpPort), 64);
        AtomicInteger n = new AtomicInteger();
        this.httpThreads = Executors.newFixedThreadPool(MAX_SSE_CLIENTS + 8, r -> {
            Thread t = new Thread(r, "control-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        http.setExecutor(httpThreads);
        RulesHandler rulesHandler = new RulesHandler(rules, auth, c.maxRequestBytes, registry,
                doc -> hub.broadcast("rules", DashboardFeed.json(rulesEvent(doc))));
        HttpGuard guard = new HttpGuard(c.allowedHosts, c.remoteReads, auth, registry);
        guarded(guard, "/api/rules", rulesHandler);
        guarded(guard, "/api/audit", rulesHandler);
        guarded(guard, "/api/series", new SeriesHandler(series, auth, audit, c.maxRequestBytes, registry));
        BeamtimeStore beamtimes = beamtimeStore == null || beamtimeStore.isBlank() ? null
                : new BeamtimeStore(Path.of(beamtimeStore));
        guarded(guard, "/api/beamtimes", new BeamtimesHandler(beamtimes, auth, audit, c.maxRequestBytes, registry,
                catalogUrl == null || catalogUrl.isBlank() ? null : beamtime -> {
                    try (ArchiveCatalog catalog = ArchiveCatalog.open(catalogUrl, java.time.Clock.systemUTC())) {
                        return SeriesCatalogJson.seriesOf(catalog, beamtime);
                    }
                }));
        guarded(guard, "/api/status", new StatusHandler(() -> statusWithLiveView(feed, hub), registry));
        this.events = new LiveEventsHandler(hub, registry);
        guarded(guard, "/api/live/events", events);
        guarded(guard, "/api/live/image", new LiveImageHandler(feed, registry));
        guarded(guard, "/metrics", new MetricsHandler(registry));
        guarded(guard, "/", new StaticResourceHandler(registry));
        http.start();
        InetSocketAddress bound = http.getAddress();
        String host = bound.getAddress().isAnyLocalAddress() ? "127.0.0.1" : bound.getAddress().getHostAddress();
        this.url = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + bound.getPort() + "/");

        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "control-status");
            t.setDaemon(true);
            return t;
        });
        ticker.scheduleAtFixedRate(() -> {
            try {
                reporter.sample();
                hub.broadcast("status", DashboardFeed.json(statusWithLiveView(feed, hub)));
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(ControlServer.class).warn("status sampling failed", e);
            }
        }, STATUS_PERIOD_MS, STATUS_PERIOD_MS, TimeUnit.MILLISECONDS);
    }

    /**
     * Starts the server.
     *
     * @param config    configuration ({@code control.*}; {@code reduction.rulesDirectory} for the active rules;
     *                  {@code sink.beamtimeStore} for {@code /api/beamtimes}, {@code archive.catalogUrl} for a
     *                  beamtime's series)
     * @param registry  registry holding the meters of all stages, scraped at {@code /metrics}
     * @param validator the job's rule compiler
     * @param series    acquisition control ({@link SeriesControl#NONE} when there is none)
     * @return the running server
     * @throws UncheckedIOException when the port cannot be bound
     */
    public static ControlServer start(BeamflowConfig config, PrometheusMeterRegistry registry, RuleValidator validator,
            SeriesControl series) {
        try {
            return new ControlServer(config.control, Path.of(config.reduction.rulesDirectory), registry, validator,
                    series, config.sink.beamtimeStore, config.archive.catalogUrl);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the control server on " + config.control.bindAddress + ":"
                    + config.control.httpPort + ": " + e.getMessage(), e);
        }
    }

    /** Every context goes through the guard: Host check and security headers on every response. */
    private void guarded(HttpGuard guard, String path, com.sun.net.httpserver.HttpHandler handler) {
        http.createContext(path, handler).getFilters().add(guard);
    }

    /** @return base URL, e.g. {@code http://127.0.0.1:8080/} (the dashboard) */
    public URI url() {
        return url;
    }

    /** @return the Prometheus scrape URL */
    public URI metricsUrl() {
        return url.resolve("metrics");
    }

    /** @return the rule store (for seeding rules at start-up) */
    public RuleStore rules() {
        return rules;
    }

    /** @return the status reporter */
    public PipelineStatusReporter status() {
        return reporter;
    }

    private Map<String, Object> statusWithLiveView(DashboardFeed feed, SseHub hub) {
        Map<String, Object> s = new LinkedHashMap<>(reporter.latest());
        Map<String, Object> live = new LinkedHashMap<>();
        live.put("endpoint", subscriber == null ? "" : subscriber.endpoint());
        live.put("received", subscriber == null ? 0 : subscriber.received());
        long last = feed.lastMessageMs();
        live.put("lastMessageAgeMs", last == 0 ? null : System.currentTimeMillis() - last);
        live.put("browsers", hub.clientCount());
        s.put("liveView", live);
        return s;
    }

    private static Map<String, Object> rulesEvent(RuleDocument doc) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("version", doc.version());
        e.put("author", doc.author());
        e.put("comment", doc.comment());
        e.put("timestampMs", doc.timestampMs());
        e.put("rules", doc.rules());
        e.put("defaultAction", doc.defaultAction());
        return e;
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        events.shutdown();
        if (subscriber != null) {
            subscriber.close();
        }
        http.stop(0);
        httpThreads.shutdownNow();
    }
}
