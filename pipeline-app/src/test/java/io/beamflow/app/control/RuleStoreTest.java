package io.beamflow.app.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beamflow.core.result.Decision;
import io.beamflow.core.rules.RuleDocument;
import io.beamflow.core.rules.RuleDocumentCodec;
import io.beamflow.core.rules.RuleProblem;
import io.beamflow.core.rules.RuleValidator;
import io.beamflow.core.rules.TriggerRule;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleStoreTest {
    /** Refuses expressions that mention an unknown variable "bogus" (stands in for the job's compiler). */
    static final RuleValidator VALIDATOR = doc -> doc.rules().stream()
            .filter(r -> r.expression().contains("bogus"))
            .map(r -> new RuleProblem(r.name(), 1, r.expression().indexOf("bogus") + 1, "unknown variable 'bogus'"))
            .toList();

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong(1_000);

    private RuleStore open() {
        return new RuleStore(dir.resolve("store"), dir.resolve("rules"), VALIDATOR, new AuditLog(dir.resolve("store")),
                clock::incrementAndGet);
    }

    static RuleDocument doc(String author, String comment, String expression, Decision defaultAction) {
        return new RuleDocument(99, author, 0, comment, List.of(new TriggerRule("hits", expression, Decision.KEEP, 1)),
                defaultAction);
    }

    @Test
    void shouldStartWithKeepAllVersionZero() {
        RuleStore s = open();
        assertEquals(0, s.active().version());
        assertEquals(1, s.versions().size());
    }

    @Test
    void shouldAssignVersionsActivateAndAudit() throws Exception {
        RuleStore s = open();
        RuleChange c = s.activate(doc("alice", "hits only", "peaks.count >= 15", Decision.VETO));
        assertTrue(c.accepted());
        assertEquals(1, c.document().version());
        assertEquals(1001, c.document().timestampMs());
        assertEquals(c.document(), RuleDocumentCodec.readActive(dir.resolve("rules")));
        List<AuditEntry> audit = s.audit().latest(10);
        assertEquals(1, audit.size());
        assertEquals("ACTIVATE", audit.get(0).action());
        assertEquals("alice", audit.get(0).author());
        assertEquals(0, audit.get(0).fromVersion());
        assertEquals("hits only", audit.get(0).comment());
    }

    @Test
    void shouldRefuseInvalidDocumentKeepActiveAndAuditRefusal() {
        RuleStore s = open();
        s.activate(doc("alice", "v1", "peaks.count >= 15", Decision.VETO));
        RuleChange bad = s.activate(doc("bob", "typo", "bogus > 3", Decision.VETO));
        assertFalse(bad.accepted());
        assertEquals("rule 'hits' at 1:1: unknown variable 'bogus'", bad.problems().get(0).toString());
        assertEquals(1, s.active().version());
        assertEquals(1, RuleDocumentCodec.readActive(dir.resolve("rules")).version());
        AuditEntry last = s.audit().latest(1).get(0);
        assertEquals("REFUSED", last.action());
        assertTrue(last.detail().contains("unknown variable 'bogus'"));
    }

    @Test
    void shouldRefuseMissingAuthorAndDuplicateNames() {
        RuleStore s = open();
        RuleDocument d = new RuleDocument(0, "", 0, "", List.of(new TriggerRule("a", "sum > 1", Decision.KEEP, 1),
                new TriggerRule("a", "sum > 2", Decision.VETO, 1)), Decision.KEEP);
        List<RuleProblem> p = s.validate(d);
        assertEquals(1, p.size());
        assertEquals("duplicate rule name", p.get(0).message());
        RuleChange c = s.activate(d);
        assertFalse(c.accepted());
        assertEquals("author is required", c.problems().get(0).message());
        assertEquals(0, s.active().version());
    }

    @Test
    void shouldRollBackAsNewVersionAndSurviveRestart() {
        RuleStore s = open();
        s.activate(doc("alice", "v1", "peaks.count >= 15", Decision.VETO));
        s.activate(doc("alice", "v2", "peaks.count >= 40", Decision.VETO));
        RuleChange rb = s.rollback(1, "carol", "v2 too strict");
        assertTrue(rb.accepted());
        assertEquals(3, rb.document().version());
        assertEquals("peaks.count >= 15", rb.document().rules().get(0).expression());
        assertEquals("rollback to version 1: v2 too strict", rb.document().comment());
        assertThrows(NoSuchElementException.class, () -> s.rollback(42, "carol", ""));

        RuleStore reopened = open();
        assertEquals(3, reopened.active().version());
        assertEquals(4, reopened.versions().size());
        assertEquals("ROLLBACK", reopened.audit().latest(1).get(0).action());
        assertEquals(3, reopened.audit().latest(100).size());
        assertTrue(reopened.rollback(0, "dave", "back to keep-all").accepted());
        assertEquals(0, RuleDocumentCodec.readActive(dir.resolve("rules")).rules().size());
        assertEquals(4, RuleDocumentCodec.readActive(dir.resolve("rules")).version());
    }

    @Test
    void shouldImportHandWrittenActiveDocument() throws Exception {
        RuleDocumentCodec.writeActive(dir.resolve("rules"), doc("beamline", "from config", "sum > 10", Decision.KEEP)
                .withVersion(7));
        RuleStore s = open();
        assertEquals(1, s.active().version());
        assertEquals("IMPORT", s.audit().latest(1).get(0).action());
        assertEquals(1, RuleDocumentCodec.readActive(dir.resolve("rules")).version());
        assertTrue(Files.readString(dir.resolve("store").resolve(RuleStore.VERSIONS_FILE)).contains("sum > 10"));
    }
}
