package io.beamflow.archive.catalog;

import java.util.Map;

/**
 * A committed series as recorded in the catalog: where it is, when it ran, what its frames became and which
 * rules decided them.
 *
 * @param key               series directory relative to the beamline root ({@code <year>/data/<beamtime>/raw/<id>}
 *                          in the ASAP3 layout, {@code <beamtime>/<id>} otherwise); the archive's series key
 * @param beamtime          beamtime id (the ASAP3 directory), or the {@code sink.beamtime} directory
 * @param seriesId          series id
 * @param startTime         ISO-8601 start, as the master file says
 * @param endTime           ISO-8601 end
 * @param detector          detector description from the master file
 * @param status            {@code ok}, or {@code failed} for a quarantined series
 * @param framesReceived    frames with a reduction record
 * @param framesKept        frames whose pixels are stored
 * @param framesReducedOnly frames with reduced data only
 * @param framesVetoed      frames vetoed by a rule
 * @param framesRejected    frames rejected (bad pixels, quarantine)
 * @param framesMissing     frames announced and never received
 * @param ruleVersions      frames per {@code "<decision> <rule>@v<version>"}
 * @param sizeBytes         bytes of all its files
 * @param fileCount         number of files
 * @param committedMs       when it was first recorded, epoch ms
 * @param recordedMs        when it was last recorded (a replayed commit), epoch ms
 */
public record CatalogSeries(String key, String beamtime, String seriesId, String startTime, String endTime,
                            String detector, String status, long framesReceived, long framesKept,
                            long framesReducedOnly, long framesVetoed, long framesRejected, long framesMissing,
                            Map<String, Long> ruleVersions, long sizeBytes, int fileCount, long committedMs,
                            long recordedMs) {
    /** Copies the map. */
    public CatalogSeries {
        ruleVersions = Map.copyOf(ruleVersions);
    }

    /**
     * @param key a series key
     * @return its beamtime: the {@code <beamtime>} of {@code <year>/data/<beamtime>/raw/<id>}, else the first segment
     */
    public static String beamtimeOf(String key) {
        String[] seg = key.split("/", -1);
        if (seg.length == 5 && seg[0].matches("[0-9]{4}") && seg[1].equals("data") && seg[3].equals("raw")) {
            return seg[2];
        }
        return seg[0];
    }
}
