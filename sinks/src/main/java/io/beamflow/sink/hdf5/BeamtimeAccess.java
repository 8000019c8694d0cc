package io.beamflow.sink.hdf5;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.beamflow.core.beamtime.Beamtime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Creates a beamtime's ASAP3 tree with access for its people only: every directory and file belongs to the
 * beamtime's group, others get nothing, and POSIX ACL entries ({@code setfacl}, Debian package {@code acl}) give
 * the participants, the PI and the beamline staff read access to {@code raw/} and write access to
 * {@code processed/}, {@code shared/} and {@code scratch_cc/}. Directories carry setgid and a default ACL, so a
 * series directory and every in-progress file created in it get these rights from the kernel at creation, before
 * anything is written or committed. Each directory is created owner-only and opened up only after its rights are
 * set, so no reader ever sees it with looser rights.
 */
final class BeamtimeAccess {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SETFACL = "setfacl";

    private final Beamtime beamtime;
    private final List<String> people;

    BeamtimeAccess(Beamtime beamtime, List<String> staff) {
        this.beamtime = beamtime;
        Set<String> p = new LinkedHashSet<>();
        p.add(beamtime.pi());
        p.addAll(beamtime.participants());
        p.addAll(staff);
        p.remove("");
        this.people = List.copyOf(p);
    }

    /**
     * Creates (idempotently) the beamtime's directories and metadata file with its access rights.
     *
     * @throws IOException when the group or an account is unknown, {@code setfacl} is missing or fails, or the
     *                     filesystem refuses; nothing is then opened to anyone
     */
    void prepare(BeamtimeLayout layout) throws IOException {
        Path top = layout.beamtimeDir();
        Files.createDirectories(top.getParent());
        boolean created = createPrivateDirectory(top);
        if (!created && Files.exists(layout.metadataFile()) && Files.isDirectory(layout.raw())) {
            return; // prepared before (by this or another sink writer)
        }
        createPrivateDirectory(layout.raw());
        restrict(layout.raw(), false);
        for (Path d : List.of(layout.processed(), layout.shared(), layout.scratch())) {
            createPrivateDirectory(d);
            restrict(d, true);
        }
        writeMetadata(layout);
        restrict(top, false);
    }

    private static boolean createPrivateDirectory(Path dir) throws IOException {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            return true;
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException(dir + " exists and is not a directory");
            }
            return false;
        }
    }

    /** Group, mode 2750 (2770 when writable) and ACL entries, inherited by what is created inside. */
    private void restrict(Path dir, boolean writable) throws IOException {
        setGroup(dir);
        Files.setAttribute(dir, "unix:mode", writable ? 02770 : 02750);
        String perm = writable ? "rwx" : "r-x";
        List<String> entries = new ArrayList<>();
        for (String u : people) {
            entries.add("u:" + u + ":" + perm);
        }
        entries.add("g::" + perm);
        entries.add("o::---");
        String spec = String.join(",", entries);
        setfacl(dir, "-m", spec);
        setfacl(dir, "-d", "-m", "u::rwx," + spec);
    }

    /** Group, mode 0640 and read ACL entries for one file. */
    void restrictFile(Path file) throws IOException {
        setGroup(file);
        Files.setAttribute(file, "unix:mode", 0640);
        List<String> entries = new ArrayList<>();
        for (String u : people) {
            entries.add("u:" + u + ":r--");
        }
        entries.add("o::---");
        setfacl(file, "-m", String.join(",", entries));
    }

    private void setGroup(Path p) throws IOException {
        GroupPrincipal g = p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByGroupName(beamtime.group());
        Files.getFileAttributeView(p, java.nio.file.attribute.PosixFileAttributeView.class).setGroup(g);
    }

    private static void setfacl(Path p, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(SETFACL);
        cmd.addAll(List.of(args));
        cmd.add("--");
        cmd.add(p.toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        Process proc;
        try {
            proc = pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run setfacl (install the Debian package 'acl'): " + e.getMessage(), e);
        }
        try {
            byte[] out = proc.getInputStream().readAllBytes();
            if (!proc.waitFor(60, TimeUnit.SECONDS)) {
                proc.destroyForcibly();
                throw new IOException("setfacl on " + p + " did not finish");
            }
            if (proc.exitValue() != 0) {
                throw new IOException("setfacl " + String.join(" ", args) + " on " + p + " failed: "
                        + new String(out, StandardCharsets.UTF_8).trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running setfacl on " + p, e);
        }
    }

    /** {@code beamtime-metadata-<id>.json} as ASAP3 writes it, with its rights set before it gets its name. */
    private void writeMetadata(BeamtimeLayout layout) throws IOException {
        Path target = layout.metadataFile();
        if (Files.exists(target)) {
            return;
        }
        // a name of its own: sink writers of other subtasks may prepare the same beamtime at the same time
        Path temp = target.resolveSibling("." + target.getFileName() + "." + java.util.UUID.randomUUID()
                + SeriesPaths.IN_PROGRESS_SUFFIX);
        Files.createFile(temp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        restrictFile(temp);
        Files.write(temp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(metadata(layout)));
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    ObjectNode metadata(BeamtimeLayout layout) {
        Beamtime b = beamtime;
        ObjectNode m = JSON.createObjectNode();
        m.put("beamtimeId", b.id());
        m.put("beamline", b.beamline());
        m.put("beamlineAlias", b.beamline().toUpperCase(java.util.Locale.ROOT));
        m.put("facility", b.facility());
        m.put("proposalId", b.proposal());
        m.put("corePath", layout.beamtimeDir().toString());
        m.put("eventStart", b.start());
        m.put("eventEnd", b.end());
        m.put("generated", Instant.now().toString());
        m.put("unixGroup", b.group());
        m.put("commercial", b.commercial());
        m.put("embargoEnd", b.embargoEnd());
        ObjectNode pi = m.putObject("pi");
        pi.put("username", b.pi());
        m.putObject("applicant").put("username", b.pi());
        m.putObject("leader").put("username", b.pi());
        ObjectNode users = m.putObject("users");
        ArrayNode door = users.putArray("doorDb");
        b.participants().forEach(door::add);
        ArrayNode special = users.putArray("special");
        people.stream().filter(u -> !u.equals(b.pi()) && !b.participants().contains(u)).forEach(special::add);
        ObjectNode online = m.putObject("onlineAnalysis");
        online.put("userAccount", "");
        online.putArray("reservedNodes");
        online.put("slurmReservation", "");
        online.put("slurmPartition", "");
        online.put("sshPrivateKeyPath", "");
        online.put("sshPublicKeyPath", "");
        return m;
    }
}
