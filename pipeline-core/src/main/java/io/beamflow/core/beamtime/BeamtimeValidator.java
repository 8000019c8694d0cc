package io.beamflow.core.beamtime;

import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Checks a beamtime before it is opened. Everything comes from an HTTP client: ids and names are checked
 * against strict patterns (they become directory names and ACL entries), so no value can traverse a path or
 * inject a {@code setfacl} option.
 */
public final class BeamtimeValidator {
    /** Beamtime ids: DESY's 8-digit ids and other safe names. */
    public static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");
    /** Portable Unix account and group names (POSIX, lower case as Debian's adduser requires). */
    public static final Pattern UNIX_NAME = Pattern.compile("[a-z_][a-z0-9_-]{0,31}");
    private static final Pattern TEXT = Pattern.compile("[\\p{L}\\p{N} ._:/()&,+-]{0,128}");
    private static final int MAX_PARTICIPANTS = 1000;

    private BeamtimeValidator() {
    }

    /**
     * @param b        candidate (must be open)
     * @param existing beamtimes already stored
     * @return the problems, each naming its field; empty when it may be opened
     */
    public static List<String> problems(Beamtime b, Collection<Beamtime> existing) {
        List<String> p = new ArrayList<>();
        if (!ID.matcher(b.id()).matches()) {
            p.add("id: must match " + ID.pattern());
        }
        if (!ID.matcher(b.beamline()).matches()) {
            p.add("beamline: must match " + ID.pattern());
        }
        text(p, "facility", b.facility(), true);
        text(p, "proposal", b.proposal(), false);
        if (!UNIX_NAME.matcher(b.pi()).matches()) {
            p.add("pi: must be a Unix account name (" + UNIX_NAME.pattern() + ")");
        }
        if (!UNIX_NAME.matcher(b.group()).matches()) {
            p.add("group: must be a Unix group name (" + UNIX_NAME.pattern() + ")");
        }
        if (b.participants().size() > MAX_PARTICIPANTS) {
            p.add("participants: at most " + MAX_PARTICIPANTS);
        }
        for (String u : b.participants()) {
            if (u == null || !UNIX_NAME.matcher(u).matches()) {
                p.add("participants: '" + u + "' is not a Unix account name (" + UNIX_NAME.pattern() + ")");
            }
        }
        Instant start = instant(p, "start", b.start());
        Instant end = instant(p, "end", b.end());
        if (start != null && end != null && !end.isAfter(start)) {
            p.add("end: must be after start");
        }
        if (!b.embargoEnd().isEmpty()) {
            try {
                LocalDate.parse(b.embargoEnd());
            } catch (DateTimeParseException e) {
                p.add("embargoEnd: must be an ISO date (YYYY-MM-DD)");
            }
        }
        if (!b.isOpen()) {
            p.add("closedAt: a new beamtime is open");
        }
        if (b.retentionDays() < 0 || b.retentionDays() > 36_500) {
            p.add("retentionDays: must be 0 (the archive's default) to 36500");
        }
        for (Beamtime o : existing) {
            if (o.id().equals(b.id())) {
                p.add("id: beamtime " + b.id() + " exists already");
            } else if (start != null && end != null && o.isOpen() && o.beamline().equals(b.beamline())
                    && Instant.parse(o.start()).isBefore(end) && Instant.parse(o.end()).isAfter(start)) {
                p.add("start/end: overlaps open beamtime " + o.id() + " on beamline " + o.beamline() + " ("
                        + o.start() + " .. " + o.end() + ")");
            }
        }
        return p;
    }

    private static void text(List<String> p, String field, String v, boolean required) {
        if (required && v.isEmpty()) {
            p.add(field + ": is required");
        } else if (!TEXT.matcher(v).matches()) {
            p.add(field + ": at most 128 letters, digits, spaces and ._:/()&,+-");
        }
    }

    private static Instant instant(List<String> p, String field, String v) {
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException e) {
            p.add(field + ": must be an ISO-8601 instant (e.g. 2026-11-26T08:00:00Z)");
            return null;
        }
    }
}
