package io.beamflow.archive;

import io.beamflow.core.io.FileTrees;
import io.beamflow.testing.Await;
import io.beamflow.testing.BindRetry;
import io.beamflow.testing.Processes;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away PostgreSQL server for tests: Debian's binaries ({@code /usr/lib/postgresql/<v>/bin}),
 * {@code initdb} into a temporary directory, {@code postgres} in the foreground on a loopback port (drawn
 * at random, and again when PostgreSQL reports it in use: {@link BindRetry}), ready once it logs that it
 * accepts connections; stopped and deleted by {@link #close()}. Runs as the {@code postgres} user when the tests run as root.
 * Fails (does not skip) when PostgreSQL is not installed: CI installs it from {@code .ci/apt-packages}.
 */
final class PostgresServer implements AutoCloseable {
    private static final String USER = "beamflow";

    private final Path dir;
    private final int port;
    private final Process process;

    private PostgresServer(Path dir, int port, Process process) {
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    static PostgresServer start() throws Exception {
        Path bin = findBin();
        Path dir = Files.createTempDirectory("beamflow-pg");
        Path data = dir.resolve("data");
        boolean root = "root".equals(System.getProperty("user.name"));
        if (root) {
            UserPrincipalLookupService lookup = dir.getFileSystem().getUserPrincipalLookupService();
            Files.getFileAttributeView(dir, PosixFileAttributeView.class).setOwner(lookup.lookupPrincipalByName("postgres"));
        }
        Process init = new ProcessBuilder(asUser(root, bin.resolve("initdb").toString(), "-D", data.toString(), "-A", "trust",
                "-U", USER, "--no-sync", "-E", "UTF8")).redirectErrorStream(true)
                .redirectOutput(dir.resolve("initdb.log").toFile()).start();
        if (!init.waitFor(120, TimeUnit.SECONDS) || init.exitValue() != 0) {
            init.destroyForcibly();
            throw new AssertionError("initdb failed: " + Files.readString(dir.resolve("initdb.log")));
        }
        return BindRetry.start("postgres", 10, port -> startOn(bin, dir, data, root, port));
    }

    /** @return the running server, or null when the port was in use */
    private static PostgresServer startOn(Path bin, Path dir, Path data, boolean root, int port) throws IOException {
        Path log = dir.resolve("postgres-" + port + ".log");
        Process p = new ProcessBuilder(asUser(root, bin.resolve("postgres").toString(), "-D", data.toString(),
                "-p", Integer.toString(port), "-h", "127.0.0.1", "-k", dir.toString(), "-F"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PostgresServer server = new PostgresServer(dir, port, p);
        // "ready to accept connections" comes after the listener was bound and recovery finished
        boolean up = Await.value("postgres on port " + port + " ready to accept connections (" + log + ")",
                () -> {
                    String text = Files.exists(log) ? Files.readString(log) : "";
                    if (text.contains("ready to accept connections")) {
                        return Boolean.TRUE;
                    }
                    return p.isAlive() ? null : Boolean.FALSE;
                }, r -> r != null);
        if (up) {
            return server;
        }
        String text = Files.readString(log);
        Processes.stop(p, 30);
        if (text.contains("Address already in use")) {
            return null;
        }
        server.close();
        throw new AssertionError("postgres exited: " + text);
    }

    private static List<String> asUser(boolean root, String... cmd) {
        List<String> out = new ArrayList<>();
        if (root) {
            out.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        out.addAll(List.of(cmd));
        return out;
    }

    private static Path findBin() throws IOException {
        Path base = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(base)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(base)) {
                for (Path v : ds) {
                    if (Files.isExecutable(v.resolve("bin/initdb")) && Files.isExecutable(v.resolve("bin/postgres"))) {
                        return v.resolve("bin");
                    }
                }
            }
        }
        throw new AssertionError("PostgreSQL server binaries are required for the PostgreSQL catalog test: "
                + "apt-get install postgresql (listed in .ci/apt-packages); none under " + base);
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=" + USER;
    }

    @Override
    public void close() {
        Processes.stop(process, 30); // SIGTERM first: PostgreSQL's smart shutdown
        try {
            FileTrees.deleteRecursively(dir);
        } catch (IOException e) {
            // leave the temporary directory behind
        }
    }
}
