package io.beamflow.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamflow.app.control.ControlClient;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code beamflow beamtime}: open, close, list and show beamtimes through the control API of a running Beamflow
 * (the server validates and audits; open and close need the operator token). Exit codes: 0 success, 1 refused
 * (invalid beamtime), 2 usage or connection error, or not found.
 */
@Command(name = "beamtime", mixinStandardHelpOptions = true,
        description = "Open, close, list and show beamtimes of a running Beamflow (control API).",
        subcommands = {BeamtimeCommand.Open.class, BeamtimeCommand.Close.class, BeamtimeCommand.ListBeamtimes.class,
            BeamtimeCommand.Show.class})
public final class BeamtimeCommand implements Runnable {
    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code beamtime open}. */
    @Command(name = "open", mixinStandardHelpOptions = true,
            description = "Open a beamtime: series starting on its beamline between start and end go to its "
                    + "directory, readable by its people only (operator token required).")
    static final class Open extends RulesCommand.Sub {
        @Option(names = "--id", required = true, description = "Beamtime id, e.g. 11012345 ([A-Za-z0-9_-]{1,64}).")
        String id;

        @Option(names = "--beamline", required = true, description = "Beamline, e.g. p11.")
        String beamline;

        @Option(names = "--facility", required = true, description = "Facility, e.g. 'PETRA III'.")
        String facility;

        @Option(names = "--proposal", defaultValue = "", description = "Proposal number.")
        String proposal;

        @Option(names = "--pi", required = true, description = "Principal investigator (Unix account).")
        String pi;

        @Option(names = "--participant", split = ",", description = "Participant Unix accounts (repeat or comma-separate).")
        List<String> participants = new ArrayList<>();

        @Option(names = "--group", required = true, description = "Unix group owning the data.")
        String group;

        @Option(names = "--start", required = true, description = "Start, ISO-8601 instant (2026-11-26T08:00:00Z).")
        String start;

        @Option(names = "--end", required = true, description = "End (exclusive), ISO-8601 instant.")
        String end;

        @Option(names = "--commercial", description = "Proprietary (commercial) beamtime.")
        boolean commercial;

        @Option(names = "--embargo-end", defaultValue = "", description = "Embargo end date (YYYY-MM-DD).")
        String embargoEnd;

        @Option(names = "--retention-days", defaultValue = "0",
                description = "Days its files stay on the beamline filesystem once archived (0: the archive's default).")
        int retentionDays;

        @Option(names = {"-a", "--author"}, description = "Author (default: the user name).")
        String author = System.getProperty("user.name");

        @Option(names = {"-m", "--comment"}, defaultValue = "", description = "Why.")
        String comment;

        @Override
        int execute() throws IOException {
            ObjectNode b = RulesCommand.JSON.createObjectNode();
            b.put("id", id);
            b.put("retentionDays", retentionDays);
            b.put("beamline", beamline);
            b.put("facility", facility);
            b.put("proposal", proposal);
            b.put("pi", pi);
            ArrayNode p = b.putArray("participants");
            participants.forEach(p::add);
            b.put("group", group);
            b.put("start", start);
            b.put("end", end);
            b.put("commercial", commercial);
            b.put("embargoEnd", embargoEnd);
            b.put("author", author);
            b.put("comment", comment);
            ControlClient.Response r = connection.client().call("POST", "api/beamtimes",
                    RulesCommand.JSON.writeValueAsString(b));
            if (r.status() != 201) {
                return report(r);
            }
            out().println("beamtime " + id + " opened on " + beamline + " (" + start + " .. " + end + ")");
            return 0;
        }
    }

    /** {@code beamtime close ID}. */
    @Command(name = "close", mixinStandardHelpOptions = true,
            description = "Close a beamtime: later series on its beamline are refused until another opens "
                    + "(operator token required).")
    static final class Close extends RulesCommand.Sub {
        @Parameters(paramLabel = "ID", description = "Beamtime id.")
        String id;

        @Option(names = {"-a", "--author"}, description = "Author (default: the user name).")
        String author = System.getProperty("user.name");

        @Option(names = {"-m", "--comment"}, defaultValue = "", description = "Why.")
        String comment;

        @Override
        int execute() throws IOException {
            ObjectNode b = RulesCommand.JSON.createObjectNode();
            b.put("author", author);
            b.put("comment", comment);
            ControlClient.Response r = connection.client().call("POST", "api/beamtimes/" + safeId(id) + "/close",
                    RulesCommand.JSON.writeValueAsString(b));
            if (r.status() != 200) {
                return report(r);
            }
            out().println("beamtime " + id + " closed at " + RulesCommand.parse(r.body()).path("closedAt").asText());
            return 0;
        }
    }

    /** {@code beamtime list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List beamtimes.")
    static final class ListBeamtimes extends RulesCommand.Sub {
        @Override
        int execute() throws IOException {
            ControlClient.Response r = connection.client().call("GET", "api/beamtimes", null);
            if (r.status() != 200) {
                return report(r);
            }
            out().printf("%-16s %-10s %-20s %-20s %-7s %-16s %s%n", "ID", "BEAMLINE", "START", "END", "STATE", "GROUP",
                    "PARTICIPANTS");
            for (JsonNode b : RulesCommand.parse(r.body()).path("beamtimes")) {
                List<String> people = new ArrayList<>();
                b.path("participants").forEach(p -> people.add(p.asText()));
                out().printf("%-16s %-10s %-20s %-20s %-7s %-16s %s%n", b.path("id").asText(),
                        b.path("beamline").asText(), b.path("start").asText(), b.path("end").asText(),
                        b.path("closedAt").asText().isEmpty() ? "open" : "closed", b.path("group").asText(),
                        String.join(",", people));
            }
            return 0;
        }
    }

    /** {@code beamtime show ID}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one beamtime as JSON.")
    static final class Show extends RulesCommand.Sub {
        @Parameters(paramLabel = "ID", description = "Beamtime id.")
        String id;

        @Override
        int execute() throws IOException {
            ControlClient.Response r = connection.client().call("GET", "api/beamtimes/" + safeId(id), null);
            if (r.status() != 200) {
                return report(r);
            }
            out().println(RulesCommand.JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsString(RulesCommand.parse(r.body())));
            return 0;
        }
    }

    /** Ids go into a URL path: refuse anything else before the request. */
    static String safeId(String id) {
        if (!io.beamflow.core.beamtime.BeamtimeValidator.ID.matcher(id).matches()) {
            throw new IllegalArgumentException("beamtime id must match "
                    + io.beamflow.core.beamtime.BeamtimeValidator.ID.pattern() + ": " + id);
        }
        return id;
    }
}
