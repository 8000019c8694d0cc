package io.beamflow.app.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamflow.app.control.ControlClient;
import io.beamflow.app.control.LineDiff;
import io.beamflow.app.control.OperatorAuth;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.RuleProblem;
import io.beamflow.reduce.rules.RuleCompiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code beamflow rules}: validate, push, list, show, diff and roll back trigger rules through the
 * control API of a running Beamflow. Exit codes: 0 success, 1 refused (invalid rules, differences
 * found by diff), 2 usage or connection error.
 */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Manage versioned trigger rules of a running Beamflow (control API).",
        subcommands = {RulesCommand.Validate.class, RulesCommand.Push.class, RulesCommand.ListVersions.class,
            RulesCommand.Show.class, RulesCommand.Diff.class, RulesCommand.Rollback.class, RulesCommand.Audit.class})
public final class RulesCommand implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper();

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options shared by the sub-commands: where the server is and the operator token. */
    static final class Connection {
        @Option(names = "--url", description = "Control server URL (default: from --config, else http://127.0.0.1:8080/).")
        URI url;

        @Option(names = "--config", description = "Configuration file (control.bindAddress, control.httpPort).")
        Path config;

        @Option(names = "--token-file", description = "File holding the operator token (default: $"
                + OperatorAuth.TOKEN_ENV + ").")
        Path tokenFile;

        ControlClient client() throws IOException {
            URI base = url;
            if (base == null) {
                BeamflowConfig c = config == null ? new BeamflowConfig() : BeamflowConfig.load(config);
                String host = c.control.bindAddress.equals("0.0.0.0") ? "127.0.0.1" : c.control.bindAddress;
                base = URI.create("http://" + host + ":" + c.control.httpPort + "/");
            }
            String token = tokenFile != null ? Files.readString(tokenFile).trim() : System.getenv(OperatorAuth.TOKEN_ENV);
            return new ControlClient(base, token);
        }
    }

    /** Base of the sub-commands: error handling and output. */
    abstract static class Sub implements Callable<Integer> {
        @Mixin
        Connection connection = new Connection();

        @Spec
        CommandLine.Model.CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        PrintWriter err() {
            return spec.commandLine().getErr();
        }

        abstract int execute() throws IOException;

        @Override
        public Integer call() {
            try {
                return execute();
            } catch (IOException | RuntimeException e) {
                err().println("error: " + e.getMessage());
                return 2;
            }
        }

        /** Prints the server's error (and problems) and returns the exit code for a failed call. */
        int report(ControlClient.Response r) throws IOException {
            JsonNode body = parse(r.body());
            err().println("refused (HTTP " + r.status() + "): " + body.path("error").asText(r.body()));
            for (JsonNode p : body.path("problems")) {
                err().println("  " + p.path("text").asText());
            }
            return r.status() == 422 ? 1 : 2;
        }
    }

    static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    /** Reads a rule document file, with the file name in errors. */
    static String readDocument(Path file) throws IOException {
        String text = Files.readString(file);
        try {
            RuleDocumentCodec.fromJson(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + ": " + e.getMessage(), e);
        }
        return text;
    }

    /** Canonical text of a document's decision logic, for diffs. */
    static List<String> canonical(String documentJson) throws IOException {
        RuleDocument d = RuleDocumentCodec.fromJson(documentJson);
        ObjectNode n = JSON.createObjectNode();
        n.set("rules", JSON.valueToTree(d.rules()));
        n.put("defaultAction", d.defaultAction().name());
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(n).lines().toList();
    }

    /** {@code rules validate FILE}. */
    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = "Check a rule document: on the server (default) or locally with --offline.")
    static final class Validate extends Sub {
        @Parameters(paramLabel = "FILE", description = "Rule document (JSON).")
        Path file;

        @Option(names = "--offline", description = "Compile locally instead of asking the server.")
        boolean offline;

        @Override
        int execute() throws IOException {
            String text = readDocument(file);
            if (offline) {
                RuleDocument d = RuleDocumentCodec.fromJson(text);
                List<RuleProblem> problems = new RuleCompiler().validate(d);
                problems.forEach(p -> err().println("  " + p));
                out().println(problems.isEmpty() ? file + ": valid" : file + ": " + problems.size() + " problem(s)");
                return problems.isEmpty() ? 0 : 1;
            }
            ControlClient.Response r = connection.client().call("POST", "api/rules/validate", text);
            if (r.status() != 200) {
                return report(r);
            }
            JsonNode body = parse(r.body());
            for (JsonNode p : body.path("problems")) {
                err().println("  " + problemText(p));
            }
            boolean valid = body.path("valid").asBoolean();
            out().println(valid ? file + ": valid" : file + ": " + body.path("problems").size() + " problem(s)");
            return valid ? 0 : 1;
        }
    }

    static String problemText(JsonNode p) {
        String rule = p.path("ruleName").asText();
        int line = p.path("line").asInt();
        return (rule.isEmpty() ? "" : "rule '" + rule + "' ") + (line > 0 ? "at " + line + ":" + p.path("column").asInt()
                + ": " : "") + p.path("message").asText();
    }

    /** {@code rules push FILE}. */
    @Command(name = "push", mixinStandardHelpOptions = true,
            description = "Validate and activate a rule document as a new version (operator token required).")
    static final class Push extends Sub {
        @Parameters(paramLabel = "FILE", description = "Rule document (JSON).")
        Path file;

        @Option(names = {"-a", "--author"}, description = "Author (default: the user name).")
        String author = System.getProperty("user.name");

        @Option(names = {"-m", "--comment"}, required = true, description = "Why this change.")
        String comment;

        @Override
        int execute() throws IOException {
            ObjectNode doc = (ObjectNode) JSON.readTree(readDocument(file));
            doc.put("author", author);
            doc.put("comment", comment);
            doc.remove("version");
            doc.remove("timestampMs");
            ControlClient.Response r = connection.client().call("PUT", "api/rules", JSON.writeValueAsString(doc));
            if (r.status() != 201) {
                return report(r);
            }
            out().println("activated version " + parse(r.body()).path("version").asLong());
            return 0;
        }
    }

    /** {@code rules list}. */
    @Command(name = "list", mixinStandardHelpOptions = true, description = "List rule versions.")
    static final class ListVersions extends Sub {
        @Override
        int execute() throws IOException {
            ControlClient.Response r = connection.client().call("GET", "api/rules", null);
            if (r.status() != 200) {
                return report(r);
            }
            JsonNode body = parse(r.body());
            long active = body.path("active").asLong();
            out().printf(Locale.ROOT, "%-8s %-14s %-20s %-6s %-13s %s%n", "VERSION", "AUTHOR", "TIME (UTC)", "RULES",
                    "DEFAULT", "COMMENT");
            for (JsonNode v : body.path("versions")) {
                long ts = v.path("timestampMs").asLong();
                out().printf(Locale.ROOT, "%-8s %-14s %-20s %-6d %-13s %s%n",
                        v.path("version").asLong() + (v.path("version").asLong() == active ? "*" : ""),
                        v.path("author").asText(), ts == 0 ? "-" : Instant.ofEpochMilli(ts).toString().substring(0, 19),
                        v.path("rules").asInt(), v.path("defaultAction").asText(), v.path("comment").asText());
            }
            return 0;
        }
    }

    /** {@code rules show [VERSION]}. */
    @Command(name = "show", mixinStandardHelpOptions = true, description = "Print a version (default: the active one).")
    static final class Show extends Sub {
        @Parameters(paramLabel = "VERSION", arity = "0..1", description = "Version number.")
        Long version;

        @Override
        int execute() throws IOException {
            ControlClient.Response r = connection.client().call("GET",
                    "api/rules/" + (version == null ? "active" : version.toString()), null);
            if (r.status() != 200) {
                return report(r);
            }
            out().println(r.body());
            return 0;
        }
    }

    /** {@code rules diff A [B]}. */
    @Command(name = "diff", mixinStandardHelpOptions = true,
            description = "Compare two rule versions or files (B defaults to the active version). Exit 1 when they differ.")
    static final class Diff extends Sub {
        @Parameters(index = "0", paramLabel = "A", description = "Version number or file.")
        String a;

        @Parameters(index = "1", paramLabel = "B", arity = "0..1", description = "Version number or file (default: active).")
        String b;

        String load(String what) throws IOException {
            if (what == null || what.matches("\\d+")) {
                ControlClient.Response r = connection.client().call("GET", "api/rules/" + (what == null ? "active" : what),
                        null);
                if (r.status() != 200) {
                    throw new IOException("version " + what + ": " + parse(r.body()).path("error").asText(r.body()));
                }
                return r.body();
            }
            return readDocument(Path.of(what));
        }

        @Override
        int execute() throws IOException {
            List<String> lines = LineDiff.diff(canonical(load(a)), canonical(load(b)));
            out().println("--- " + a);
            out().println("+++ " + (b == null ? "active" : b));
            lines.forEach(out()::println);
            return LineDiff.hasChanges(lines) ? 1 : 0;
        }
    }

    /** {@code rules rollback VERSION}. */
    @Command(name = "rollback", mixinStandardHelpOptions = true,
            description = "Activate the rules of an earlier version as a new version (operator token required).")
    static final class Rollback extends Sub {
        @Parameters(paramLabel = "VERSION", description = "Version to restore.")
        long version;

        @Option(names = {"-a", "--author"}, description = "Author (default: the user name).")
        String author = System.getProperty("user.name");

        @Option(names = {"-m", "--comment"}, description = "Why.")
        String comment = "";

        @Override
        int execute() throws IOException {
            ObjectNode req = JSON.createObjectNode().put("version", version).put("author", author).put("comment", comment);
            ControlClient.Response r = connection.client().call("POST", "api/rules/rollback", JSON.writeValueAsString(req));
            if (r.status() != 201) {
                return report(r);
            }
            out().println("rolled back to version " + version + " as version " + parse(r.body()).path("version").asLong());
            return 0;
        }
    }

    /** {@code rules audit}. */
    @Command(name = "audit", mixinStandardHelpOptions = true, description = "Print the audit log.")
    static final class Audit extends Sub {
        @Option(names = "--limit", description = "Newest entries to show (default ${DEFAULT-VALUE}).")
        int limit = 50;

        @Override
        int execute() throws IOException {
            ControlClient.Response r = connection.client().call("GET", "api/audit?limit=" + limit, null);
            if (r.status() != 200) {
                return report(r);
            }
            for (JsonNode e : parse(r.body()).path("entries")) {
                out().printf(Locale.ROOT, "%s %-12s %-10s v%-4s %s %s%n",
                        Instant.ofEpochMilli(e.path("timestampMs").asLong()).toString().substring(0, 19),
                        e.path("author").asText(), e.path("action").asText(),
                        e.path("version").asLong() < 0 ? "-" : e.path("version").asText(), e.path("comment").asText(),
                        e.path("detail").asText().isEmpty() ? "" : "[" + e.path("detail").asText() + "]");
            }
            return 0;
        }
    }
}
