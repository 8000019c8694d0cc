package io.beamflow.archive;

import io.beamflow.archive.target.RelativePaths;
import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Set;

/**
 * A file named by a relative path below the beamline root, reached without following any symbolic link: each
 * directory is opened relative to the one before with {@code O_NOFOLLOW} ({@link SecureDirectoryStream}, as
 * on Linux), so a link swapped in for a series or beamtime directory makes the operation fail instead of
 * reaching outside. Where the platform has no secure directory streams, the real path of the parent must
 * equal the parent below the root's real path.
 */
final class ContainedFile implements AutoCloseable {
    /** The directory holding the entry; null with a null {@code fallbackParent} when a directory on the way is missing. */
    private final SecureDirectoryStream<Path> dir;
    private final Path fallbackParent;
    private final Path name;

    private ContainedFile(SecureDirectoryStream<Path> dir, Path fallbackParent, Path name) {
        this.dir = dir;
        this.fallbackParent = fallbackParent;
        this.name = name;
    }

    /**
     * @param root    the beamline root (trusted)
     * @param relPath a {@code /}-separated path below it (from the catalog: checked)
     * @return a handle on the entry
     * @throws IOException when a directory on the way is a link or missing
     * @throws IllegalArgumentException when the path is not a safe relative path
     */
    static ContainedFile open(Path root, String relPath) throws IOException {
        String[] segs = RelativePaths.check(relPath).split("/");
        DirectoryStream<Path> ds = Files.newDirectoryStream(root);
        if (!(ds instanceof SecureDirectoryStream<Path> cur)) {
            ds.close();
            Path realRoot = root.toRealPath();
            Path parent = realRoot;
            for (int i = 0; i < segs.length - 1; i++) {
                parent = parent.resolve(segs[i]);
            }
            if (!parent.toRealPath(LinkOption.NOFOLLOW_LINKS).equals(parent.toRealPath())) {
                throw new IOException(relPath + ": a directory on the way is a symbolic link");
            }
            return new ContainedFile(null, parent, Path.of(segs[segs.length - 1]));
        }
        try {
            for (int i = 0; i < segs.length - 1; i++) {
                SecureDirectoryStream<Path> next;
                try {
                    next = cur.newDirectoryStream(Path.of(segs[i]), LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    cur.close();
                    return new ContainedFile(null, null, Path.of(segs[segs.length - 1]));
                } catch (IOException e) {
                    throw new IOException(relPath + ": cannot open " + segs[i] + " without following links (" + e + ")", e);
                }
                cur.close();
                cur = next;
            }
        } catch (IOException | RuntimeException e) {
            cur.close();
            throw e;
        }
        return new ContainedFile(cur, null, Path.of(segs[segs.length - 1]));
    }

    /** @return the entry's own attributes (a link is not followed), or null when it (or its directory) does not exist */
    BasicFileAttributes attributes() throws IOException {
        if (dir == null && fallbackParent == null) {
            return null;
        }
        try {
            if (dir != null) {
                return dir.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                        .readAttributes();
            }
            return Files.readAttributes(fallbackParent.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        }
    }

    /** @return the file opened for reading (fails on a link) */
    SeekableByteChannel read() throws IOException {
        if (dir == null && fallbackParent == null) {
            throw new NoSuchFileException(name.toString());
        }
        Set<java.nio.file.OpenOption> opts = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        return dir != null ? dir.newByteChannel(name, opts) : Files.newByteChannel(fallbackParent.resolve(name), opts);
    }

    /** Deletes the entry itself (a link would be unlinked, never its target). */
    void delete() throws IOException {
        if (dir == null && fallbackParent == null) {
            throw new NoSuchFileException(name.toString());
        }
        if (dir != null) {
            dir.deleteFile(name);
        } else {
            Files.delete(fallbackParent.resolve(name));
        }
    }

    /** Deletes the entry when it is an empty directory (never through a link). */
    void deleteDirectory() throws IOException {
        if (dir == null && fallbackParent == null) {
            throw new NoSuchFileException(name.toString());
        }
        if (dir != null) {
            dir.deleteDirectory(name);
        } else {
            Files.delete(fallbackParent.resolve(name));
        }
    }

    @Override
    public void close() throws IOException {
        if (dir != null) {
            dir.close();
        }
    }
}
