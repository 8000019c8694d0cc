package io.beamflow.app.cli;

import io.beamflow.app.control.auth.OidcSettings;
import io.beamflow.core.beamtime.BeamtimeValidator;
import io.beamflow.core.config.BeamflowConfig;
import io.beamflow.core.config.ConfigKeyLocator;
import io.beamflow.core.wire.NativeHeaderFlyweight;
import io.beamflow.sink.hdf5.Hdf5SinkSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Checks a command makes of its configuration before it starts anything: values against what is
 * allowed, files that must exist, ports that must be free (a live-view port in use would otherwise
 * fail the Flink job over and over). A failed check throws {@link StartupException} with one line:
 * {@code FILE:LINE: KEY ...: what is wrong; what is allowed}.
 */
final class StartupChecks {
    static final List<String> PROTOCOLS = List.of("native", "dectris-stream-v1", "dectris-stream-v2");
    static final List<String> SOCKET_MODES = List.of("pull", "sub");

    private final Path file;
    private final Map<String, String> overrides;

    /**
     * @param file      the configuration file ({@code null}: built-in defaults)
     * @param overrides keys set by command-line options, with the option's name
     */
    StartupChecks(Path file, Map<String, String> overrides) {
        this.file = file;
        this.overrides = overrides;
    }

    /** @return "FILE:LINE: KEY" for messages, or the option that set the key */
    String at(String key) {
        String option = overrides.get(key);
        if (option != null) {
            return option + " (" + key + ")";
        }
        if (file == null) {
            return key + " (built-in default)";
        }
        int line = ConfigKeyLocator.line(file, key);
        return line > 0 ? file + ":" + line + ": " + key : file + ": " + key + " (not set: default)";
    }

    private StartupException bad(String key, String problem) {
        return new StartupException(at(key) + " " + problem);
    }

    /** The ingest node's settings, and its bind endpoints free. */
    void ingest(BeamflowConfig c) {
        oneOf("ingest.protocol", c.ingest.protocol, PROTOCOLS);
        oneOf("ingest.socketMode", c.ingest.socketMode, SOCKET_MODES);
        if (c.ingest.endpoints == null || c.ingest.endpoints.isEmpty()) {
            throw bad("ingest.endpoints", "is empty; give at least one endpoint such as tcp://127.0.0.1:9999");
        }
        if (c.ingest.maxHeaderBytes < NativeHeaderFlyweight.FIXED_LENGTH) {
            throw bad("ingest.maxHeaderBytes", "is " + c.ingest.maxHeaderBytes + "; allowed: "
                    + NativeHeaderFlyweight.FIXED_LENGTH + " or more");
        }
        if (c.ingest.maxFrameBytes <= 0 || c.ingest.maxFrameBytes > Integer.MAX_VALUE - 8) {
            throw bad("ingest.maxFrameBytes", "is " + c.ingest.maxFrameBytes + "; allowed: 1 to "
                    + (Integer.MAX_VALUE - 8));
        }
        if (c.ingest.receiveMemoryBytes <= 0 || c.ingest.receiveMemoryWaitMs < 0) {
            throw bad("ingest.receiveMemoryBytes", "and ingest.receiveMemoryWaitMs are " + c.ingest.receiveMemoryBytes
                    + " and " + c.ingest.receiveMemoryWaitMs + "; allowed: more than 0, and 0 or more");
        }
        boolean pull = "pull".equalsIgnoreCase(c.ingest.socketMode);
        for (String endpoint : c.ingest.endpoints) {
            boolean bind = endpoint.startsWith("@") || (!endpoint.startsWith(">") && pull);
            String address = endpoint.startsWith("@") || endpoint.startsWith(">") ? endpoint.substring(1) : endpoint;
            endpoint("ingest.endpoints", address, bind);
        }
    }

    /** The control server's and the live view's ports free, and the geometry file readable. */
    void pipeline(BeamflowConfig c, boolean controlServer) {
        String poni = c.reduction.integration.poniFile;
        if (!poni.isEmpty() && !Files.isReadable(Path.of(poni))) {
            throw bad("reduction.integration.poniFile", "'" + poni + "': file not found (paths are relative to the "
                    + "working directory " + Path.of("").toAbsolutePath() + ")");
        }
        beamtimes(c);
        detector(c);
        if (controlServer) {
            port("control.httpPort", c.control.bindAddress, c.control.httpPort);
            for (OidcSettings.Problem p : OidcSettings.problems(c.control.oidc, c.sink.beamline)) {
                throw bad(p.key(), p.message());
            }
        }
        if (c.control.liveViewEndpoint != null && !c.control.liveViewEndpoint.isBlank()) {
            // the job's live-view publisher binds it: here with the embedded cluster, on a TaskManager's host
            // with --flink (checked there by nothing but the job itself)
            endpoint("control.liveViewEndpoint", c.control.liveViewEndpoint, c.reduction.flinkRestAddress.isBlank());
        }
    }

    /** The module layout the master describes fits the assembled image; the pixel mask file exists. */
    private void detector(BeamflowConfig c) {
        String key = "reduction.assembly.modules";
        try {
            Hdf5SinkSettings.Module.of(c.reduction.assembly);
        } catch (IllegalArgumentException e) {
            String m = e.getMessage();
            throw new StartupException(m.startsWith(key) ? at(key) + m.substring(key.length())
                    : at("reduction.assembly") + " " + m.replaceFirst("^reduction\\.assembly: ", ""));
        }
        String mask = c.sink.pixelMaskFile;
        if (mask != null && !mask.isEmpty() && !Files.isReadable(Path.of(mask))) {
            throw bad("sink.pixelMaskFile", "'" + mask + "': file not found (paths are relative to the working "
                    + "directory " + Path.of("").toAbsolutePath() + ")");
        }
    }

    /** With a beamtime store: the beamline and staff are valid names, and {@code setfacl} is installed. */
    private void beamtimes(BeamflowConfig c) {
        if (c.sink.beamtimeStore == null || c.sink.beamtimeStore.isBlank()) {
            return;
        }
        if (!c.sink.beamline.isEmpty() && !BeamtimeValidator.ID.matcher(c.sink.beamline).matches()) {
            throw bad("sink.beamline", "is '" + c.sink.beamline + "'; allowed: " + BeamtimeValidator.ID.pattern());
        }
        for (String u : c.sink.beamlineStaff) {
            if (u == null || !BeamtimeValidator.UNIX_NAME.matcher(u).matches()) {
                throw bad("sink.beamlineStaff", "has '" + u + "'; allowed: Unix account names "
                        + BeamtimeValidator.UNIX_NAME.pattern());
            }
        }
        if (c.reduction.flinkRestAddress.isBlank() && !onPath("setfacl")) {
            throw bad("sink.beamtimeStore", "is set, but setfacl is not installed (Debian package 'acl'): the sink "
                    + "cannot give a beamtime's people access to its files");
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String d : path.split(java.io.File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    private void oneOf(String key, String value, List<String> allowed) {
        String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw bad(key, "is '" + value + "'; allowed: " + String.join(", ", allowed));
        }
    }

    /** A ZeroMQ endpoint well-formed, and, when bound here over TCP to a fixed port, that port free. */
    private void endpoint(String key, String address, boolean bind) {
        String allowed = "tcp://HOST:PORT, ipc://PATH or inproc://NAME (prefix @ to bind, > to connect)";
        if (address.startsWith("ipc://") || address.startsWith("inproc://")) {
            return;
        }
        if (!address.startsWith("tcp://")) {
            throw bad(key, "'" + address + "' is not a ZeroMQ endpoint; allowed: " + allowed);
        }
        String hostPort = address.substring("tcp://".length());
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0 || colon == hostPort.length() - 1) {
            throw bad(key, "'" + address + "' has no port; allowed: " + allowed);
        }
        String host = hostPort.substring(0, colon);
        String portText = hostPort.substring(colon + 1);
        if (portText.equals("*") || portText.equals("0")) {
            return;
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw bad(key, "'" + address + "': port '" + portText + "' is not a number; allowed: 1 to 65535 or *");
        }
        if (port < 1 || port > 65535) {
            throw bad(key, "'" + address + "': port " + port + " is out of range; allowed: 1 to 65535 or *");
        }
        if (bind) {
            free(key, "'" + address + "'", host.equals("*") ? "0.0.0.0" : host, port);
        }
    }

    private void port(String key, String host, int port) {
        if (port < 0 || port > 65535) {
            throw bad(key, "is " + port + "; allowed: 0 (any free port) to 65535");
        }
        if (port > 0) {
            free(key, String.valueOf(port), host, port);
        }
    }

    private void free(String key, String what, String host, int port) {
        InetAddress address;
        try {
            address = InetAddress.getByName(host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
        } catch (IOException e) {
            throw bad(key, what + ": unknown host '" + host + "'");
        }
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(address, port));
        } catch (IOException e) {
            throw bad(key, what + ": cannot listen on " + host + ":" + port + " (" + e.getMessage()
                    + "): is another process using the port? Choose a free port");
        }
    }
}
