package io.beamflow.app.control;

import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.RuleProblem;
import io.beamflow.core.rules.RuleValidator;
import io.beamflow.core.rules.TriggerRule;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;

/**
 * Versioned rule documents. A candidate is validated (structure, then the job's {@link RuleValidator});
 * when valid it gets the next version number and a timestamp, is appended to {@code versions.jsonl},
 * becomes active by an atomic rewrite of {@code <rulesDirectory>/active.json} (which the running job
 * follows), and the change is recorded in the {@link AuditLog}. A rollback activates the content of an
 * earlier version as a new version, so versions only ever increase and each frame's recorded version
 * names exactly one document. Thread-safe; survives restarts.
 */
public final class RuleStore {
    /** File name of the versions inside the store directory. */
    public static final String VERSIONS_FILE = "versions.jsonl";

    private final JsonLinesFile<RuleDocument> versionsFile;
    private final Path rulesDirectory;
    private final RuleValidator validator;
    private final AuditLog audit;
    private final LongSupplier clockMs;
    private final List<RuleDocument> versions = new ArrayList<>();
    private RuleDocument active;

    /**
     * Opens (or creates) a store. If the rules directory holds an active document the store does not
     * know (written by hand or by another tool), it is imported as a version.
     *
     * @param storeDirectory where versions and the audit log are kept
     * @param rulesDirectory the job's rules directory ({@code active.json})
     * @param validator      the job's rule compiler
     * @param audit          audit log
     * @param clockMs        time source, ms since the epoch
     */
    public RuleStore(Path storeDirectory, Path rulesDirectory, RuleValidator validator, AuditLog audit,
            LongSupplier clockMs) {
        this.versionsFile = new JsonLinesFile<>(storeDirectory.resolve(VERSIONS_FILE), RuleDocument.class);
        this.rulesDirectory = rulesDirectory;
        this.validator = validator;
        this.audit = audit;
        this.clockMs = clockMs;
        List<RuleDocument> stored = versionsFile.readAll();
        if (stored.stream().noneMatch(d -> d.version() == 0)) {
            versions.add(RuleDocument.keepAll());
        }
        versions.addAll(stored);
        if (!java.nio.file.Files.exists(rulesDirectory.resolve(RuleDocumentCodec.ACTIVE_FILE))) {
            active = versions.get(versions.size() - 1);
            RuleDocumentCodec.writeActive(rulesDirectory, active);
            return;
        }
        RuleDocument onDisk = RuleDocumentCodec.readActive(rulesDirectory);
        Optional<RuleDocument> known = find(onDisk.version());
        if (known.isPresent() && known.get().equals(onDisk)) {
            active = known.get();
        } else {
            RuleDocument imported = onDisk.withVersion(nextVersion());
            versionsFile.append(imported);
            versions.add(imported);
            audit.record(new AuditEntry(clockMs.getAsLong(), imported.author(), "IMPORT", imported.version(), -1,
                    "imported " + rulesDirectory.resolve(RuleDocumentCodec.ACTIVE_FILE) + " (was version "
                            + onDisk.version() + ")", ""));
            active = imported;
            RuleDocumentCodec.writeActive(rulesDirectory, active);
        }
    }

    /** @return every version, oldest first (version 0 is the built-in "keep everything") */
    public synchronized List<RuleDocument> versions() {
        return List.copyOf(versions);
    }

    /**
     * @param version a version number
     * @return that version, if stored
     */
    public synchronized Optional<RuleDocument> find(long version) {
        return versions.stream().filter(d -> d.version() == version).findFirst();
    }

    /** @return the active document */
    public synchronized RuleDocument active() {
        return active;
    }

    /** @return the audit log */
    public AuditLog audit() {
        return audit;
    }

    /**
     * Checks a candidate's rules without storing or activating it (the author is checked on activation).
     *
     * @param candidate document (version and timestamp are ignored)
     * @return the problems; empty when it may be activated
     */
    public List<RuleProblem> validate(RuleDocument candidate) {
        List<RuleProblem> problems = new ArrayList<>(structuralProblems(candidate));
        if (problems.isEmpty()) {
            try {
                problems.addAll(validator.validate(candidate));
            } catch (RuntimeException e) {
                problems.add(new RuleProblem("", 0, 0, "rule validator failed: " + e));
            }
        }
        return problems;
    }

    /**
     * Validates a candidate and, when valid, stores it as the next version and activates it. A refused
     * candidate is recorded in the audit log as {@code REFUSED}; the active document stays.
     *
     * @param candidate document carrying author and comment (version and timestamp are assigned here)
     * @return the outcome
     */
    public synchronized RuleChange activate(RuleDocument candidate) {
        return activate(candidate, "ACTIVATE", candidate.comment());
    }

    /**
     * Activates the content of an earlier version as a new version.
     *
     * @param targetVersion version whose rules to restore
     * @param author        who
     * @param comment       why
     * @return the outcome
     * @throws java.util.NoSuchElementException when the version does not exist
     */
    public synchronized RuleChange rollback(long targetVersion, String author, String comment) {
        RuleDocument target = find(targetVersion).orElseThrow(() -> new java.util.NoSuchElementException(
                "no rule version " + targetVersion + " (known: " + versionNumbers() + ")"));
        String c = "rollback to version " + targetVersion + (comment == null || comment.isBlank() ? "" : ": " + comment);
        RuleDocument candidate = new RuleDocument(0, author, 0, c, target.rules(), target.defaultAction());
        return activate(candidate, "ROLLBACK", c);
    }

    private RuleChange activate(RuleDocument candidate, String action, String comment) {
        List<RuleProblem> problems = new ArrayList<>();
        if (candidate.author().isBlank()) {
            problems.add(new RuleProblem("", 0, 0, "author is required"));
        }
        problems.addAll(validate(candidate));
        long before = active.version();
        if (!problems.isEmpty()) {
            audit.record(new AuditEntry(clockMs.getAsLong(), candidate.author(), "REFUSED", -1, before, comment,
                    problems.stream().map(RuleProblem::toString).collect(Collectors.joining("; "))));
            return new RuleChange(false, candidate, problems);
        }
        RuleDocument stored = new RuleDocument(nextVersion(), candidate.author(), clockMs.getAsLong(), comment,
                candidate.rules(), candidate.defaultAction());
        versionsFile.append(stored);
        versions.add(stored);
        RuleDocumentCodec.writeActive(rulesDirectory, stored);
        active = stored;
        audit.record(new AuditEntry(stored.timestampMs(), stored.author(), action, stored.version(), before, comment,
                stored.rules().size() + " rule(s), default " + stored.defaultAction()));
        return new RuleChange(true, stored, List.of());
    }

    private long nextVersion() {
        return versions.stream().mapToLong(RuleDocument::version).max().orElse(0) + 1;
    }

    private List<Long> versionNumbers() {
        return versions.stream().map(RuleDocument::version).collect(Collectors.toList());
    }

    /** Checks what needs no expression compiler: names and non-empty expressions. */
    static List<RuleProblem> structuralProblems(RuleDocument doc) {
        List<RuleProblem> problems = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (TriggerRule r : doc.rules()) {
            if (r.name().isBlank()) {
                problems.add(new RuleProblem("", 0, 0, "a rule has an empty name"));
            } else if (!names.add(r.name())) {
                problems.add(new RuleProblem(r.name(), 0, 0, "duplicate rule name"));
            }
            if (r.expression().isBlank()) {
                problems.add(new RuleProblem(r.name(), 0, 0, "empty expression"));
            }
        }
        return problems;
    }
}
