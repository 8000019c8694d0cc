package io.beamflow.app.control;

import com.sun.net.httpserver.HttpServer;
import io.beamflow.app.catalog.SeriesCatalogJson;
import io.beamflow.app.control.auth.OidcSettings;
import io.beamflow.app.control.auth.OidcVerifier;
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
 * Mutations need the operator token or, with {@code control.oidc}, an OIDC access token of an operator
 * ({@code Authorization: Bearer}); with OIDC, reads of data need a token too and show only the beamtimes its holder
 * may read ({@link RequestAccess}, {@link io.beamflow.app.control.auth.AccessPolicy}). The dashboard's live data comes
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
    private final RequestAccess access;
    private final URI url;

    private ControlServer(ControlConfig c, Path rulesDirectory, PrometheusMeterRegistry registry,
            RuleValidator validator, SeriesControl series, String beamtimeStore, String beamline, String catalogUrl)
            throws IOException {
        OidcVerifier oidc = c.oidc != null && c.oidc.enabled() ? new OidcVerifier(OidcSettings.of(c.oidc, beamline)) : null;
        AuditLog audit = new AuditLog(Path.of(c.ruleStoreDirectory));
        this.rules = new RuleStore(Path.of(c.ruleStoreDirectory), rulesDirectory, validator, audit,
                System::currentTimeMillis);
        BeamtimeStore beamtimes = beamtimeStore == null || beamtimeStore.isBlank() ? null
                : new BeamtimeStore(Path.of(beamtimeStore));
        SeriesBeamtimes seriesBeamtimes = new SeriesBeamtimes(beamtimes, beamline);
        RequestAccess access = new RequestAccess(new OperatorAuth(OperatorAuth.resolveToken(c.operatorToken)), oidc,
                beamline, seriesBeamtimes, registry);
        this.access = access;
        SseHub hub = new SseHub(MAX_SSE_CLIENTS);
        DashboardFeed feed = new DashboardFeed(hub, seriesBeamtimes);
        this.reporter = new PipelineStatusReporter(registry, () -> rules.active().version(), series);
        String subscribeTo = c.dashboardSubscribeEndpoint == null || c.dashboardSubscribeEndpoint.isBlank()
                ? c.liveViewEndpoint : c.dashboardSubscribeEndpoint;
        this.subscriber = subscribeTo == null || subscribeTo.isBlank() ? null : oidc == null
                ? new LiveViewSubscriber(subscribeTo, feed)
                : new LiveViewSubscriber(subscribeTo, feed, LiveViewAccess.DASHBOARD_USER, LiveViewAccess.dashboardPassword());
        hub.greeting(mayRead -> {
            List<String> g = new ArrayList<>();
            if (mayRead.test(seriesBeamtimes.current())) {
                g.add(SseHub.format("rules", DashboardFeed.json(rulesEvent(rules.active()))));
            }
            Map<String, Object> status = statusWithLiveView(feed, hub);
            g.add(SseHub.format("status", DashboardFeed.json(mayRead.test(seriesBeamtime(status))
                    ? status : redacted(status))));
            g.addAll(feed.greeting(mayRead));
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
        RulesHandler rulesHandler = new RulesHandler(rules, access, c.maxRequestBytes, registry,
                doc -> hub.broadcast("rules", seriesBeamtimes.current(), DashboardFeed.json(rulesEvent(doc)), null));
        HttpGuard guard = new HttpGuard(c.allowedHosts, c.remoteReads, access, registry);
        guarded(guard, "/api/rules", rulesHandler);
        guarded(guard, "/api/audit", rulesHandler);
        guarded(guard, "/api/series", new SeriesHandler(series, access, audit, c.maxRequestBytes, registry));
        guarded(guard, "/api/beamtimes", new BeamtimesHandler(beamtimes, access, audit, c.maxRequestBytes, registry,
                catalogUrl == null || catalogUrl.isBlank() ? null : beamtime -> {
                    try (ArchiveCatalog catalog = ArchiveCatalog.open(catalogUrl, java.time.Clock.systemUTC())) {
                        return SeriesCatalogJson.seriesOf(catalog, beamtime);
                    }
                }));
        guarded(guard, "/api/status", new StatusHandler(policy -> {
            Map<String, Object> status = statusWithLiveView(feed, hub);
            return policy.canRead(seriesBeamtime(status)) ? status : redacted(status);
        }, access, registry));
        this.events = new LiveEventsHandler(hub, access, registry);
        guarded(guard, "/api/live/events", events);
        guarded(guard, "/api/live/image", new LiveImageHandler(feed, access, registry));
        guarded(guard, "/api/live/ticket", new LiveTicketHandler(access, LiveViewAccess.ticketKey(),
                c.liveViewEndpoint, java.time.Clock.systemUTC(), registry));
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
                Map<String, Object> status = statusWithLiveView(feed, hub);
                hub.broadcast("status", seriesBeamtime(status), DashboardFeed.json(status),
                        DashboardFeed.json(redacted(status)));
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
     * @throws UncheckedIOException     when the port cannot be bound
     * @throws IllegalArgumentException when {@code control.oidc} is set but wrong (every problem named)
     */
    public static ControlServer start(BeamflowConfig config, PrometheusMeterRegistry registry, RuleValidator validator,
            SeriesControl series) {
        try {
            return new ControlServer(config.control, Path.of(config.reduction.rulesDirectory), registry, validator,
                    series, config.sink.beamtimeStore, config.sink.beamline, config.archive.catalogUrl);
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

    /** @return the beamtime of the series a status names ({@code ""} when it names none or it has none) */
    private String seriesBeamtime(Map<String, Object> status) {
        Object s = status.get("series");
        if (s instanceof SeriesStatus st && st.seriesId() != null && !st.seriesId().isEmpty()) {
            return access.beamtimes().beamtimeOf(st.seriesId(), 0);
        }
        return "";
    }

    /** @return the status without the name and counts of its series (for those who may not read its beamtime) */
    private static Map<String, Object> redacted(Map<String, Object> status) {
        Map<String, Object> r = new LinkedHashMap<>(status);
        if (r.get("series") instanceof SeriesStatus st) {
            r.put("series", new SeriesStatus(st.state(), "", 0, 0, ""));
        }
        return r;
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
