package io.beamflow.archive;

import io.beamflow.core.io.FileTrees;
import io.beamflow.testing.Await;
import io.beamflow.testing.BindRetry;
import io.beamflow.testing.Processes;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.stream.Stream;

/**
 * A real WebDAV server for tests: Debian's Apache httpd with mod_dav/mod_dav_fs, started in the
 * foreground on a loopback port with a generated configuration in a temporary directory, stopped by
 * {@link #close()}. The port is drawn at random and drawn again when httpd reports it in use
 * ({@link BindRetry}); the server is ready once httpd wrote its pid file (after binding its listener). Fails (does not skip) when apache2 is not installed: CI installs it from
 * {@code .ci/apt-packages}.
 */
final class ApacheDavServer implements AutoCloseable {
    static final Path APACHE = Path.of("/usr/sbin/apache2");
    static final Path MODULES = Path.of("/usr/lib/apache2/modules");
    private static final String RUN_AS = "www-data";

    private final Path dir;
    private final Path data;
    private final int port;
    private final Process process;

    private ApacheDavServer(Path dir, Path data, int port, Process process) {
        this.dir = dir;
        this.data = data;
        this.port = port;
        this.process = process;
    }

    /**
     * Starts a server in a new temporary directory (directly under the system temp directory, so that the
     * unprivileged Apache user can reach it), whose DAV root is {@code <dir>/data}; {@link #close()} deletes it.
     */
    static ApacheDavServer start() throws Exception {
        Path dir = Files.createTempDirectory("beamflow-dav");
        if (!Files.isExecutable(APACHE) || !Files.exists(MODULES.resolve("mod_dav_fs.so"))) {
            throw new AssertionError("Apache httpd with mod_dav is required for the WebDAV target tests: "
                    + "apt-get install apache2 (listed in .ci/apt-packages); not found at " + APACHE);
        }
        Path data = Files.createDirectories(dir.resolve("data"));
        Path lock = Files.createDirectories(dir.resolve("lock"));
        Path logs = Files.createDirectories(dir.resolve("logs"));
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            chown(dir, data, lock);
        }
        return BindRetry.start("apache2", 10, port -> startOn(dir, data, lock, logs, root, port));
    }

    /** @return the running server, or null when the port was in use */
    private static ApacheDavServer startOn(Path dir, Path data, Path lock, Path logs, boolean root, int port)
            throws IOException {
        Path pidFile = logs.resolve("httpd.pid");
        Files.deleteIfExists(pidFile);
        Files.deleteIfExists(logs.resolve("error.log"));
        String conf = String.join("\n",
                "ServerRoot \"" + dir + "\"",
                "ServerName 127.0.0.1",
                "Listen 127.0.0.1:" + port,
                "PidFile \"" + pidFile + "\"",
                "ErrorLog \"" + logs.resolve("error.log") + "\"",
                "LogLevel warn",
                "LoadModule mpm_event_module " + MODULES.resolve("mod_mpm_event.so"),
                "LoadModule authz_core_module " + MODULES.resolve("mod_authz_core.so"),
                "LoadModule dav_module " + MODULES.resolve("mod_dav.so"),
                "LoadModule dav_fs_module " + MODULES.resolve("mod_dav_fs.so"),
                root ? "User " + RUN_AS + "\nGroup " + RUN_AS : "",
                "ServerLimit 1",
                "StartServers 1",
                "ThreadLimit 8",
                "ThreadsPerChild 8",
                "MaxRequestWorkers 8",
                "MinSpareThreads 1",
                "MaxSpareThreads 8",
                "DavLockDB \"" + lock.resolve("DavLock") + "\"",
                "DocumentRoot \"" + data + "\"",
                "LimitRequestBody 0",
                "<Directory \"" + data + "\">",
                "  Dav On",
                "  Require all granted",
                "  AllowOverride None",
                "</Directory>",
                "");
        Path confFile = dir.resolve("httpd.conf");
        Files.writeString(confFile, conf);
        Process p = new ProcessBuilder(APACHE.toString(), "-f", confFile.toString(), "-DFOREGROUND")
                .redirectErrorStream(true).redirectOutput(logs.resolve("stdout.log").toFile()).start();
        ApacheDavServer server = new ApacheDavServer(dir, data, port, p);
        // httpd writes its pid file after it bound its listener, and exits when it cannot bind
        boolean up = Await.value("apache2 on port " + port + " (its pid file " + pidFile + ")",
                () -> p.isAlive() ? (Files.exists(pidFile) ? Boolean.TRUE : null) : Boolean.FALSE, r -> r != null);
        if (up) {
            return server;
        }
        String logs2 = server.logs();
        if (logs2.contains("Address already in use")) {
            return null;
        }
        throw new AssertionError("apache2 exited with " + p.exitValue() + ": " + logs2);
    }

    private static void chown(Path... paths) throws IOException {
        UserPrincipalLookupService lookup = paths[0].getFileSystem().getUserPrincipalLookupService();
        UserPrincipal user = lookup.lookupPrincipalByName(RUN_AS);
        GroupPrincipal group = lookup.lookupPrincipalByGroupName(RUN_AS);
        for (Path p : paths) {
            PosixFileAttributeView v = Files.getFileAttributeView(p, PosixFileAttributeView.class);
            v.setOwner(user);
            v.setGroup(group);
        }
    }

    /** @return base URL of the DAV root, e.g. {@code http://127.0.0.1:port/archive} */
    URI url(String path) {
        return URI.create("http://127.0.0.1:" + port + "/" + path);
    }

    /** @return the directory Apache stores DAV resources in */
    Path dataDir() {
        return data;
    }

    String logs() {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.list(dir.resolve("logs"))) {
            for (Path f : s.filter(f -> f.toString().endsWith(".log")).toList()) {
                sb.append("\n--- ").append(f.getFileName()).append(":\n").append(Files.readString(f));
            }
        } catch (IOException e) {
            sb.append(e);
        }
        return sb.toString();
    }

    @Override
    public void close() {
        Processes.stop(process, 10);
        deleteDirectory();
    }

    private void deleteDirectory() {
        try {
            FileTrees.deleteRecursively(dir);
        } catch (IOException e) {
            // leave the temporary directory behind
        }
    }
}
