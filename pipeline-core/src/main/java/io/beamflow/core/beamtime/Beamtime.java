package io.beamflow.core.beamtime;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.time.Instant;
import java.util.List;

/**
 * One beamtime: an experiment's slot on a beamline, its people and its data-protection terms.
 *
 * @param id           beamtime id ({@code [A-Za-z0-9_-]{1,64}}, e.g. DESY's 8-digit ids); the directory name
 * @param beamline     beamline (e.g. {@code p11})
 * @param facility     facility (e.g. {@code PETRA III})
 * @param proposal     proposal number
 * @param pi           principal investigator (Unix account name)
 * @param participants Unix account names that may read the data (POSIX ACL entries)
 * @param group        Unix group that owns the data
 * @param start        scheduled start, ISO-8601 instant
 * @param end          scheduled end, ISO-8601 instant (exclusive)
 * @param commercial   proprietary (commercial) beamtime: never published, never opened after an embargo
 * @param embargoEnd   ISO-8601 date until which the data stay private; empty: the facility's default
 * @param closedAt     ISO-8601 instant when it was closed; empty while open
 * @param retentionDays days its files stay on the beamline filesystem once archived (the archive's purge); 0: the
 *                      archive's default
 */
public record Beamtime(String id, String beamline, String facility, String proposal, String pi,
                       List<String> participants, String group, String start, String end, boolean commercial,
                       String embargoEnd, String closedAt, int retentionDays) {
    /** A beamtime with the archive's default retention. */
    public Beamtime(String id, String beamline, String facility, String proposal, String pi, List<String> participants,
            String group, String start, String end, boolean commercial, String embargoEnd, String closedAt) {
        this(id, beamline, facility, proposal, pi, participants, group, start, end, commercial, embargoEnd, closedAt, 0);
    }

    /** Normalises absent values to empty strings and lists. */
    public Beamtime {
        id = nz(id);
        beamline = nz(beamline);
        facility = nz(facility);
        proposal = nz(proposal);
        pi = nz(pi);
        participants = participants == null ? List.of()
                : participants.stream().map(Beamtime::nz).toList();
        group = nz(group);
        start = nz(start);
        end = nz(end);
        embargoEnd = nz(embargoEnd);
        closedAt = nz(closedAt);
    }

    private static String nz(String s) {
        return s == null ? "" : s.trim();
    }

    /** @return whether it has not been closed */
    @JsonIgnore
    public boolean isOpen() {
        return closedAt.isEmpty();
    }

    /**
     * @param t an instant
     * @return whether a series starting at {@code t} belongs to this beamtime: scheduled then and not closed before
     */
    public boolean covers(Instant t) {
        if (!isOpen() && !Instant.parse(closedAt).isAfter(t)) {
            return false;
        }
        return !Instant.parse(start).isAfter(t) && Instant.parse(end).isAfter(t);
    }

    /**
     * @param when closing time
     * @return this beamtime, closed
     */
    public Beamtime closed(Instant when) {
        return new Beamtime(id, beamline, facility, proposal, pi, participants, group, start, end, commercial,
                embargoEnd, when.toString(), retentionDays);
    }

    /** @return the year of its start (the ASAP3 {@code <year>} directory) */
    @JsonIgnore
    public int year() {
        return Instant.parse(start).atZone(java.time.ZoneOffset.UTC).getYear();
    }
}
