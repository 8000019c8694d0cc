package io.beamflow.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A child JVM for tests: a main class started with this JVM's class path (or another), the JVM flags
 * Beamflow needs on Java 17 and the test's own JVM options, its stdout and stderr going to a file (so
 * that its last words survive {@link #stop} and {@link #kill9}; {@link Process#destroy()} closes a
 * parent's pipes).
 *
 * <p>The module flags come from the system property {@code beamflow.jvm.flags} (Surefire and Failsafe
 * pass the root pom's property of that name); without it, from this JVM's own {@code --add-*} and
 * {@code -Dchronicle.*} options.
 *
 * <pre>{@code
 * try (ChildJvm node = ChildJvm.builder(NodeMain.class.getName()).jvmArgs("-Xmx512m").args(endpoint)
 *         .output(tmp.resolve("node.log")).start()) {
 *     String ready = node.awaitLine("node ready", l -> l.startsWith("READY "));
 *     ...
 * }
 * }</pre>
 */
public final class ChildJvm implements AutoCloseable {
    private final Process process;
    private final Path output;
    private final String description;

    private ChildJvm(Process process, Path output, String description) {
        this.process = process;
        this.output = output;
        this.description = description;
    }

    /**
     * @param mainClass the fully qualified main class
     * @return a builder for a child JVM running {@code mainClass}
     */
    public static Builder builder(String mainClass) {
        return new Builder(mainClass);
    }

    /**
     * @return the JVM flags a child JVM gets: {@code beamflow.jvm.flags} split at white space, or this JVM's
     *         {@code --add-*} and {@code -Dchronicle.*} options when that property is not set
     */
    public static List<String> beamflowJvmFlags() {
        String flags = System.getProperty("beamflow.jvm.flags");
        if (flags != null && !flags.isBlank() && !flags.contains("${")) {
            return List.of(flags.trim().split("\\s+"));
        }
        List<String> inherited = new ArrayList<>();
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("--add-") || arg.startsWith("-Dchronicle")) {
                inherited.add(arg);
            }
        }
        return inherited;
    }

    /** @return the process */
    public Process process() {
        return process;
    }

    /** @return the file that receives the child's stdout and stderr */
    public Path outputFile() {
        return output;
    }

    /** @return everything the child wrote so far (stdout and stderr); empty when nothing yet */
    public String output() {
        try {
            return Files.exists(output) ? Files.readString(output, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "cannot read " + output + ": " + e;
        }
    }

    /**
     * @param lines how many lines at most
     * @return the last {@code lines} lines of the output, for failure messages
     */
    public String outputTail(int lines) {
        List<String> all = outputLines();
        return description + " output (" + output + "), last lines:\n"
                + String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** @return the complete lines the child wrote so far */
    public List<String> outputLines() {
        String text = output();
        int end = text.lastIndexOf('\n');
        return end < 0 ? List.of() : Arrays.asList(text.substring(0, end).split("\n", -1));
    }

    /**
     * @param matches which lines count
     * @return the last complete output line that {@code matches}, if any
     */
    public Optional<String> lastLine(Predicate<String> matches) {
        List<String> lines = outputLines();
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (matches.test(lines.get(i))) {
                return Optional.of(lines.get(i));
            }
        }
        return Optional.empty();
    }

    /**
     * Waits ({@link Await}'s default timeout) until the child writes a line that {@code matches}; fails early,
     * with its output, when the child exits first.
     *
     * @param what    what the line means, for the failure message
     * @param matches which lines count
     * @return the first matching line
     */
    public String awaitLine(String what, Predicate<String> matches) {
        String line = Await.value(what + " (a line of " + description + ")", () -> {
            for (String l : outputLines()) {
                if (matches.test(l)) {
                    return l;
                }
            }
            return process.isAlive() ? null : "";
        }, l -> l != null);
        if (line.isEmpty()) {
            throw new AssertionError(description + " exited with " + process.exitValue() + " before " + what + "\n"
                    + outputTail(80));
        }
        return line;
    }

    /**
     * Kills the child with SIGKILL and waits until it is gone.
     *
     * @throws AssertionError when it is still there after 30 s
     */
    public void kill9() {
        process.destroyForcibly();
        awaitExit(30);
    }

    /**
     * Asks the child to stop (SIGTERM) and waits for it.
     *
     * @param seconds how long it may take
     * @return its exit code
     * @throws AssertionError when it has not stopped in time (it is then killed)
     */
    public int stop(long seconds) {
        process.destroy();
        return awaitExit(seconds);
    }

    /**
     * @param seconds how long to wait
     * @return the exit code
     * @throws AssertionError when the child is still running after {@code seconds} (it is then killed)
     */
    public int awaitExit(long seconds) {
        try {
            if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(description + " still running after " + seconds + " s\n" + outputTail(80));
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new AssertionError("interrupted", e);
        }
    }

    /** Kills the child (SIGKILL) if it still runs and waits for it; never fails. */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            try {
                process.waitFor(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String toString() {
        return description;
    }

    /** Settings of a child JVM; {@link #start()} launches it. */
    public static final class Builder {
        private final String mainClass;
        private String classPath = System.getProperty("java.class.path");
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path output;
        private Path directory;
        private boolean beamflowFlags = true;

        private Builder(String mainClass) {
            this.mainClass = mainClass;
        }

        /**
         * @param value the class path (default: this JVM's)
         * @return this builder
         */
        public Builder classPath(String value) {
            this.classPath = value;
            return this;
        }

        /**
         * @param values JVM options after the module flags, e.g. {@code -Xmx512m} or {@code -Dkey=value}
         * @return this builder
         */
        public Builder jvmArgs(String... values) {
            jvmArgs.addAll(List.of(values));
            return this;
        }

        /**
         * @param values JVM options after the module flags
         * @return this builder
         */
        public Builder jvmArgs(List<String> values) {
            jvmArgs.addAll(values);
            return this;
        }

        /**
         * @param include whether the child gets {@link #beamflowJvmFlags()} (default true)
         * @return this builder
         */
        public Builder beamflowFlags(boolean include) {
            this.beamflowFlags = include;
            return this;
        }

        /**
         * @param values the main class's arguments
         * @return this builder
         */
        public Builder args(String... values) {
            args.addAll(List.of(values));
            return this;
        }

        /**
         * @param values the main class's arguments
         * @return this builder
         */
        public Builder args(List<String> values) {
            args.addAll(values);
            return this;
        }

        /**
         * @param name  environment variable
         * @param value its value in the child
         * @return this builder
         */
        public Builder env(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /**
         * @param file where stdout and stderr go (appended; required)
         * @return this builder
         */
        public Builder output(Path file) {
            this.output = file;
            return this;
        }

        /**
         * @param dir the child's working directory (default: this JVM's)
         * @return this builder
         */
        public Builder directory(Path dir) {
            this.directory = dir;
            return this;
        }

        /** @return the command line {@link #start()} runs */
        public List<String> command() {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            if (beamflowFlags) {
                cmd.addAll(beamflowJvmFlags());
            }
            cmd.addAll(jvmArgs);
            cmd.add("-cp");
            cmd.add(classPath);
            cmd.add(mainClass);
            cmd.addAll(args);
            return cmd;
        }

        /**
         * Starts the child.
         *
         * @return the running child
         * @throws UncheckedIOException when it cannot start
         */
        public ChildJvm start() {
            if (output == null) {
                throw new IllegalStateException("ChildJvm " + mainClass + ": set output(file)");
            }
            ProcessBuilder pb = new ProcessBuilder(command()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(output.toFile()));
            if (directory != null) {
                pb.directory(directory.toFile());
            }
            pb.environment().putAll(environment);
            try {
                String name = mainClass.substring(mainClass.lastIndexOf('.') + 1);
                return new ChildJvm(pb.start(), output, "child JVM " + name);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start " + mainClass, e);
            }
        }
    }
}
