package io.beamflow.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * The sockets a process listens on (TCP in state LISTEN, bound UDP), read from Linux's {@code /proc}: the
 * process's socket inodes from {@code /proc/<pid>/fd}, their local addresses from {@code /proc/<pid>/net/*}.
 */
public final class ListeningSockets {
    private static final String TCP_LISTEN = "0A";
    private static final String UDP_UNCONNECTED = "07";

    private ListeningSockets() {
    }

    /** A listening socket: its protocol ({@code tcp}, {@code tcp6}, {@code udp}, {@code udp6}) and local address. */
    public record Listener(String protocol, InetSocketAddress local) {
        /** @return whether only this machine can reach it */
        public boolean loopback() {
            return local.getAddress().isLoopbackAddress();
        }

        @Override
        public String toString() {
            return protocol + " " + local.getAddress().getHostAddress() + ":" + local.getPort();
        }
    }

    /**
     * @param pid a process of this user
     * @return every socket the process listens on
     * @throws IOException when {@code /proc} cannot be read
     */
    public static List<Listener> of(long pid) throws IOException {
        Path proc = Path.of("/proc", Long.toString(pid));
        Set<String> inodes = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(target.substring(8, target.length() - 1));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while we listed them
                }
            }
        }
        List<Listener> out = new ArrayList<>();
        for (String protocol : List.of("tcp", "tcp6", "udp", "udp6")) {
            Path table = proc.resolve("net").resolve(protocol);
            if (!Files.exists(table)) {
                continue;
            }
            List<String> lines = Files.readAllLines(table);
            for (String line : lines.subList(1, lines.size())) {
                String[] f = line.trim().split("\\s+");
                String state = f[3];
                boolean listening = protocol.startsWith("tcp") ? TCP_LISTEN.equals(state) : UDP_UNCONNECTED.equals(state);
                if (listening && inodes.contains(f[9])) {
                    out.add(new Listener(protocol, address(f[1])));
                }
            }
        }
        return out;
    }

    /** Parses {@code /proc/net}'s {@code HEXADDR:HEXPORT}: the address as 32-bit words in host (little-endian) order. */
    static InetSocketAddress address(String field) throws IOException {
        int colon = field.indexOf(':');
        byte[] raw = HexFormat.of().parseHex(field.substring(0, colon));
        byte[] addr = new byte[raw.length];
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                addr[word + i] = raw[word + 3 - i];
            }
        }
        return new InetSocketAddress(InetAddress.getByAddress(addr), Integer.parseInt(field.substring(colon + 1), 16));
    }
}
