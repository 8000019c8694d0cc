package io.beamflow.app.control;

/**
 * One line of the audit log.
 *
 * @param timestampMs when, ms since the epoch
 * @param author      who: the operator name given with the request, or with an OIDC token its account ({@code oidc:carol})
 * @param action      what: {@code ACTIVATE}, {@code ROLLBACK}, {@code REFUSED}, {@code REFUSED_REQUEST}, {@code IMPORT},
 *                    {@code SERIES_START}, {@code SERIES_STOP}, {@code SERIES_ABORT}
 * @param version     rule version created or concerned (-1 when none)
 * @param fromVersion version that was active before (-1 when not applicable)
 * @param comment     the operator's comment
 * @param detail      extra information (problems of a refused document, series id, ...)
 */
public record AuditEntry(long timestampMs, String author, String action, long version, long fromVersion,
        String comment, String detail) {
    /** Normalises nulls. */
    public AuditEntry {
        author = author == null ? "" : author;
        comment = comment == null ? "" : comment;
        detail = detail == null ? "" : detail;
    }
}
