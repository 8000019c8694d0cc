package io.beamflow.app.control;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import io.beamflow.app.control.auth.AccessPolicy;
import io.beamflow.core.beamtime.Beamtime;
import io.beamflow.core.beamtime.BeamtimeStore;
import io.beamflow.core.beamtime.BeamtimeValidator;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Function;

/**
 * {@code /api/beamtimes}: list, show, open ({@code POST}) and close ({@code POST /{id}/close}) beamtimes, and a
 * beamtime's series from the catalog ({@code GET /{id}/series}: accounting, rule versions, files with sizes, ADLER32
 * and archive copies). Without OIDC every request needs the operator token (a beamtime names people); with OIDC a
 * request shows only the beamtimes its sender may read (another's is answered 404, as one that does not exist), a
 * beamtime's series only to those who may read it ({@link RequestAccess#requireRead}), and opening or closing one
 * needs an operator of its beamline (or an admin, or the operator token); changes are recorded in the audit log; a
 * candidate is validated (fields, no overlap on its
 * beamline) and its group and accounts must exist on this host. Without {@code sink.beamtimeStore} every request
 * is answered 409: the sink then writes every series under {@code sink.beamtime}.
 */
final class BeamtimesHandler extends JsonHandler {
    private final BeamtimeStore store;
    private final RequestAccess access;
    private final AuditLog audit;
    private final int maxRequestBytes;
    /** A beamtime's series from the catalog; null when there is no catalog. */
    private final Function<String, List<Map<String, Object>>> catalogSeries;

    BeamtimesHandler(BeamtimeStore store, RequestAccess access, AuditLog audit, int maxRequestBytes,
            MeterRegistry registry, Function<String, List<Map<String, Object>>> catalogSeries) {
        super(registry, audit);
        this.store = store;
        this.access = access;
        this.audit = audit;
        this.maxRequestBytes = maxRequestBytes;
        this.catalogSeries = catalogSeries;
    }

    @Override
    void serve(HttpExchange ex, String method, String path) throws IOException {
        if (store == null) {
            throw new ApiException(409, "no_beamtime_store", "beamtimes are not managed here: sink.beamtimeStore is "
                    + "not set, so every series goes under sink.beamtime");
        }
        // every request, reads too: participants' account names and commercial beamtimes are personal or
        // confidential data, not status for anyone who reaches the port
        AccessPolicy policy = access.oidc() ? access.requireAuthenticated(ex) : access.requireOperate(ex, "");
        String rest = path.substring("/api/beamtimes".length());
        if (rest.isEmpty() || rest.equals("/")) {
            if (method.equals("GET")) {
                HttpJson.send(ex, 200, Map.of("beamtimes", store.list().stream().filter(policy::canRead).toList()));
            } else if (method.equals("POST")) {
                open(ex);
            } else {
                throw methodNotAllowed(method, path, "GET, POST");
            }
            return;
        }
        String[] parts = rest.substring(1).split("/", -1);
        String id = parts[0];
        if (!BeamtimeValidator.ID.matcher(id).matches()) {
            throw new ApiException(400, "bad_request", "beamtime id must match " + BeamtimeValidator.ID.pattern());
        }
        if (parts.length == 1) {
            if (!method.equals("GET")) {
                throw methodNotAllowed(method, path, "GET");
            }
            HttpJson.send(ex, 200, store.find(id).filter(policy::canRead).orElseThrow(() -> noBeamtime(id)));
        } else if (parts.length == 2 && parts[1].equals("series")) {
            if (!method.equals("GET")) {
                throw methodNotAllowed(method, path, "GET");
            }
            series(ex, id, policy);
        } else if (parts.length == 2 && parts[1].equals("close")) {
            if (!method.equals("POST")) {
                throw methodNotAllowed(method, path, "POST");
            }
            close(ex, id);
        } else {
            throw new ApiException(404, "not_found", "no such resource: " + path);
        }
    }

    /**
     * {@code GET /api/beamtimes/{id}/series}: the series the catalog recorded for the beamtime, for those who may
     * read it (a beamtime they may not read is answered as one that does not exist).
     */
    private void series(HttpExchange ex, String id, AccessPolicy policy) throws IOException {
        Beamtime b = store.find(id).filter(policy::canRead).orElseThrow(() -> noBeamtime(id));
        access.requireRead(ex, b.id()); // the one access check of a beamtime's series, files and checksums
        if (catalogSeries == null) {
            throw new ApiException(409, "no_catalog", "no catalog: archive.catalogUrl is not set");
        }
        List<Map<String, Object>> series;
        try {
            series = catalogSeries.apply(id);
        } catch (io.beamflow.archive.ArchiveException e) {
            throw new ApiException(503, "catalog_unavailable", "the catalog cannot be read: " + e.getMessage());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("beamtime", id);
        body.put("series", series);
        HttpJson.send(ex, 200, body);
    }

    private void open(HttpExchange ex) throws IOException {
        JsonNode req = HttpJson.readObject(ex, maxRequestBytes);
        String author = RequestAccess.author(access.policy(ex), text(req, "author"));
        ObjectNode fields = ((ObjectNode) req).deepCopy();
        fields.remove("author");
        fields.remove("comment");
        Beamtime candidate;
        try {
            candidate = HttpJson.MAPPER.treeToValue(fields, Beamtime.class);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw HttpJson.badJson(e);
        }
        access.requireOperate(ex, candidate.beamline());
        List<String> problems = new ArrayList<>();
        if (author.isBlank()) {
            problems.add("author: is required");
        }
        if (!candidate.isOpen()) {
            problems.add("closedAt: a new beamtime is open");
        } else {
            problems.addAll(BeamtimeValidator.problems(candidate, store.list()));
        }
        if (problems.isEmpty()) {
            problems.addAll(unknownAccounts(candidate));
        }
        if (problems.isEmpty()) {
            problems.addAll(store.open(candidate)); // checked again under the store's lock
        }
        if (!problems.isEmpty()) {
            audit.record(new AuditEntry(System.currentTimeMillis(), author, "BEAMTIME_REFUSED", -1, -1,
                    text(req, "comment"), candidate.id() + ": " + String.join("; ", problems)));
            throw new ApiException(422, "invalid_beamtime", "beamtime refused", problemList(problems));
        }
        audit.record(new AuditEntry(System.currentTimeMillis(), author, "BEAMTIME_OPEN", -1, -1, text(req, "comment"),
                describe(candidate)));
        HttpJson.send(ex, 201, candidate);
    }

    private void close(HttpExchange ex, String id) throws IOException {
        JsonNode req = HttpJson.readObject(ex, maxRequestBytes);
        String author = RequestAccess.author(access.policy(ex), text(req, "author"));
        if (author.isBlank()) {
            throw new ApiException(400, "bad_request", "field 'author' is required");
        }
        AccessPolicy policy = access.policy(ex);
        Beamtime b = store.find(id).filter(policy::canRead).orElseThrow(() -> noBeamtime(id));
        access.requireOperate(ex, b.beamline());
        Beamtime closed;
        try {
            closed = store.close(id, Instant.now());
        } catch (NoSuchElementException e) {
            throw noBeamtime(id);
        } catch (IllegalStateException e) {
            throw new ApiException(409, "closed", e.getMessage());
        }
        audit.record(new AuditEntry(System.currentTimeMillis(), author, "BEAMTIME_CLOSE", -1, -1, text(req, "comment"),
                describe(closed)));
        HttpJson.send(ex, 200, closed);
    }

    /** The group and the accounts must exist here, or the sink could not give them access. */
    private static List<String> unknownAccounts(Beamtime b) {
        List<String> p = new ArrayList<>();
        UserPrincipalLookupService lookup = FileSystems.getDefault().getUserPrincipalLookupService();
        try {
            lookup.lookupPrincipalByGroupName(b.group());
        } catch (UserPrincipalNotFoundException e) {
            p.add("group: no Unix group '" + b.group() + "' on this host");
        } catch (IOException e) {
            p.add("group: cannot look up '" + b.group() + "': " + e.getMessage());
        }
        List<String> users = new ArrayList<>(b.participants());
        users.add(0, b.pi());
        for (String u : users) {
            try {
                lookup.lookupPrincipalByName(u);
            } catch (UserPrincipalNotFoundException e) {
                p.add("participants: no Unix account '" + u + "' on this host");
            } catch (IOException e) {
                p.add("participants: cannot look up '" + u + "': " + e.getMessage());
            }
        }
        return p;
    }

    private static String describe(Beamtime b) {
        return "beamtime " + b.id() + " on " + b.beamline() + " " + b.start() + " .. " + b.end() + ", group "
                + b.group() + ", " + b.participants().size() + " participant(s)"
                + (b.closedAt().isEmpty() ? "" : ", closed " + b.closedAt());
    }

    private static ApiException noBeamtime(String id) {
        return new ApiException(404, "not_found", "no beamtime " + id);
    }

    private static List<Map<String, Object>> problemList(List<String> problems) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String p : problems) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("message", p);
            m.put("text", p);
            out.add(m);
        }
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }
}
