package io.beamflow.app.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import io.beamflow.app.control.auth.AccessPolicy;
import io.beamflow.core.metrics.MetricNames;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.RuleProblem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Consumer;

/**
 * {@code /api/rules} and {@code /api/audit}: list, get, validate, put (activate), roll back, audit log. Changes need
 * an operator of this server's beamline. With OIDC every request needs valid credentials, the audit log an operator,
 * and a participant sees only the rule versions that were active during a beamtime it may read.
 */
final class RulesHandler extends JsonHandler {
    private final RuleStore store;
    private final RequestAccess access;
    private final int maxRequestBytes;
    private final MeterRegistry registry;
    private final Consumer<RuleDocument> onActivated;

    RulesHandler(RuleStore store, RequestAccess access, int maxRequestBytes, MeterRegistry registry,
            Consumer<RuleDocument> onActivated) {
        super(registry, store.audit());
        this.store = store;
        this.access = access;
        this.maxRequestBytes = maxRequestBytes;
        this.registry = registry;
        this.onActivated = onActivated;
    }

    @Override
    void serve(HttpExchange ex, String method, String path) throws IOException {
        if (path.equals("/api/audit")) {
            requireMethod(method, path, "GET");
            if (access.oidc()) {
                access.requireOperateHere(ex); // who changed what, and refused requests: for the beamline's operators
            }
            String limit = HttpJson.query(ex).getOrDefault("limit", "200");
            long n = HttpJson.parseLong(limit, "limit");
            HttpJson.send(ex, 200, Map.of("entries", store.audit().latest((int) Math.min(Math.max(n, 0), 100_000))));
            return;
        }
        String rest = path.substring("/api/rules".length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (method.equals("GET")) {
                HttpJson.send(ex, 200, listing(new RuleVisibility(store.versions(), access.requireAuthenticated(ex),
                        access)));
            } else if (method.equals("PUT") || method.equals("POST")) {
                AccessPolicy policy = access.requireOperateHere(ex);
                RuleDocument parsed = parseDocument(HttpJson.readBody(ex, maxRequestBytes));
                RuleDocument candidate = new RuleDocument(parsed.version(),
                        RequestAccess.author(policy, parsed.author()), parsed.timestampMs(), parsed.comment(),
                        parsed.rules(), parsed.defaultAction());
                respondToChange(ex, store.activate(candidate), "activate");
            } else {
                throw methodNotAllowed(method, path, "GET, PUT");
            }
        } else if (rest.equals("/validate")) {
            requireMethod(method, path, "POST");
            HttpJson.requireJson(ex); // needs no token (without OIDC): keep web pages from calling it
            access.requireAuthenticated(ex);
            RuleDocument candidate = parseDocument(HttpJson.readBody(ex, maxRequestBytes));
            List<RuleProblem> problems = store.validate(candidate);
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("valid", problems.isEmpty());
            body.put("problems", problems);
            HttpJson.send(ex, 200, body);
        } else if (rest.equals("/rollback")) {
            requireMethod(method, path, "POST");
            AccessPolicy policy = access.requireOperateHere(ex);
            JsonNode req = HttpJson.readObject(ex, maxRequestBytes);
            JsonNode v = req.get("version");
            if (v == null || !v.canConvertToLong() || !v.isIntegralNumber()) {
                throw new ApiException(400, "bad_request", "field 'version' (integer) is required");
            }
            String author = RequestAccess.author(policy, text(req, "author"));
            if (author.isBlank()) {
                throw new ApiException(400, "bad_request", "field 'author' is required");
            }
            RuleChange change;
            try {
                change = store.rollback(v.asLong(), author, text(req, "comment"));
            } catch (NoSuchElementException e) {
                throw new ApiException(404, "not_found", e.getMessage());
            }
            respondToChange(ex, change, "rollback");
        } else if (rest.equals("/active")) {
            requireMethod(method, path, "GET");
            RuleDocument active = store.active();
            new RuleVisibility(store.versions(), access.requireAuthenticated(ex), access).require(active);
            sendDocument(ex, active);
        } else {
            requireMethod(method, path, "GET");
            long version = HttpJson.parseLong(rest.substring(1), "rule version");
            RuleDocument doc = store.find(version).orElseThrow(() -> new ApiException(404, "not_found",
                    "no rule version " + version));
            new RuleVisibility(store.versions(), access.requireAuthenticated(ex), access).require(doc);
            sendDocument(ex, doc);
        }
    }

    private void respondToChange(HttpExchange ex, RuleChange change, String action) throws IOException {
        if (!change.accepted()) {
            throw new ApiException(422, "invalid_rules", "rule document refused; version "
                    + store.active().version() + " stays active", problemList(change.problems()));
        }
        Counter.builder(MetricNames.RULE_ACTIVATIONS).tag("action", action).register(registry).increment();
        onActivated.accept(change.document());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("accepted", true);
        body.put("version", change.document().version());
        body.put("document", change.document());
        HttpJson.send(ex, 201, body);
    }

    private static List<Map<String, Object>> problemList(List<RuleProblem> problems) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (RuleProblem p : problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("ruleName", p.ruleName());
            m.put("line", p.line());
            m.put("column", p.column());
            m.put("message", p.message());
            m.put("text", p.toString());
            out.add(m);
        }
        return out;
    }

    private Map<String, Object> listing(RuleVisibility visibility) {
        List<Map<String, Object>> versions = new ArrayList<>();
        for (RuleDocument d : store.versions()) {
            if (!visibility.visible(d)) {
                continue;
            }
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("version", d.version());
            m.put("author", d.author());
            m.put("timestampMs", d.timestampMs());
            m.put("comment", d.comment());
            m.put("rules", d.rules().size());
            m.put("defaultAction", d.defaultAction());
            versions.add(m);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("active", store.active().version());
        body.put("versions", versions);
        return body;
    }

    private static void sendDocument(HttpExchange ex, RuleDocument doc) throws IOException {
        HttpJson.sendBytes(ex, 200, "application/json; charset=utf-8",
                RuleDocumentCodec.toJson(doc).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    /** Parses a rule document; syntax and schema errors are 400 with the parser's message. */
    static RuleDocument parseDocument(String body) {
        try {
            RuleDocument d = RuleDocumentCodec.fromJson(body);
            if (d == null) {
                throw new ApiException(400, "bad_json", "request body must be a rule document (JSON object)");
            }
            return d;
        } catch (IllegalArgumentException e) {
            throw new ApiException(400, "bad_json", e.getMessage());
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }

    private static void requireMethod(String method, String path, String allowed) {
        if (!method.equals(allowed)) {
            throw methodNotAllowed(method, path, allowed);
        }
    }
}
