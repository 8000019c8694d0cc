package io.beamflow.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs Python scripts with Debian's interpreter ({@code /usr/bin/python3}), which is where the
 * reference tools installed by {@code .ci/run} live: h5py + hdf5plugin (libhdf5), pyzmq (libzmq),
 * pyFAI, numpy. A {@code python3} earlier on the PATH (pyenv, a virtualenv) would not see them.
 */
public final class DebianPython {
    /** The interpreter used. */
    public static final Path PYTHON = Path.of("/usr/bin/python3");

    private DebianPython() {
    }

    /** Result of a finished script. */
    public record Result(int exitCode, String stdout, String stderr) {
        /** @return stdout, or throws with stderr if the script failed */
        public String orThrow() {
            if (exitCode != 0) {
                throw new AssertionError("python failed (" + exitCode + "):\n" + stderr + "\nstdout:\n" + stdout);
            }
            return stdout;
        }
    }

    /**
     * Runs {@code script} with arguments and waits for it.
     *
     * @param timeoutSeconds how long the script may run before it is killed (the test then fails)
     */
    public static Result run(String script, long timeoutSeconds, String... args) {
        try {
            Path file = scriptFile(script);
            ProcessBuilder pb = new ProcessBuilder(command(file, args));
            Path out = Files.createTempFile("beamflow-py", ".out");
            Path err = Files.createTempFile("beamflow-py", ".err");
            pb.redirectOutput(out.toFile()).redirectError(err.toFile());
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("python script timed out after " + timeoutSeconds + " s");
            }
            Result r = new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
            Files.deleteIfExists(file);
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
            return r;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + PYTHON + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /**
     * Starts a long-running script (e.g. a pyzmq sender) without waiting.
     *
     * @return the process; the caller destroys it
     */
    public static Process start(String script, String... args) throws IOException {
        return new ProcessBuilder(command(scriptFile(script), args)).redirectErrorStream(true).start();
    }

    private static Path scriptFile(String script) throws IOException {
        Path file = Files.createTempFile("beamflow-test", ".py");
        Files.writeString(file, script);
        return file;
    }

    private static List<String> command(Path scriptFile, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(PYTHON.toString());
        cmd.add(scriptFile.toString());
        cmd.addAll(List.of(args));
        return cmd;
    }
}
