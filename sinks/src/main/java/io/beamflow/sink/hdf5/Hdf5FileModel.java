package io.beamflow.sink.hdf5;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The file model of an HDF5 file being written: its tree of groups, datasets, links and attributes (the metadata
 * written at close by {@link Hdf5MetadataWriter}), and the resolution of absolute paths in it. Children keep the order
 * in which they were added, which is the order of the links in their group and of the object headers in the file.
 */
final class Hdf5FileModel {
    private final State state;

    Hdf5FileModel(State state) {
        this.state = state;
    }

    /** @return the state this model edits (what a checkpoint saves) */
    State state() {
        return state;
    }

    /**
     * @param groupPath absolute path
     * @param create    whether missing groups are created
     * @return the group
     */
    GroupNode group(String groupPath, boolean create) {
        GroupNode g = state.root;
        for (String part : split(groupPath)) {
            Object child = g.children.get(part);
            if (child == null) {
                if (!create) {
                    throw new IllegalArgumentException("no group " + groupPath);
                }
                GroupNode ng = new GroupNode();
                g.children.put(part, ng);
                g = ng;
            } else if (child instanceof GroupNode) {
                g = (GroupNode) child;
            } else {
                throw new IllegalArgumentException(groupPath + ": '" + part + "' is not a group");
            }
        }
        return g;
    }

    /**
     * @param objectPath absolute path
     * @return whether a group, dataset or link of that path exists
     */
    boolean exists(String objectPath) {
        GroupNode g = state.root;
        for (String part : split(objectPath)) {
            Object child = g == null ? null : g.children.get(part);
            if (child == null) {
                return false;
            }
            g = child instanceof GroupNode sub ? sub : null;
        }
        return true;
    }

    /** @return the group or dataset at a path (the root for {@code /}) */
    Node resolve(String objectPath) {
        String[] parts = split(objectPath);
        if (parts.length == 0) {
            return state.root;
        }
        GroupNode parent = group(parentOf(objectPath), false);
        Object o = parent.children.get(parts[parts.length - 1]);
        if (!(o instanceof Node)) {
            throw new IllegalArgumentException("no object " + objectPath);
        }
        return (Node) o;
    }

    /** Adds an object or a link at a new path; missing parent groups are created. */
    void link(String objectPath, Object target) {
        String[] parts = split(objectPath);
        if (parts.length == 0) {
            throw new IllegalArgumentException("cannot link to the root group");
        }
        GroupNode parent = group(parentOf(objectPath), true);
        String name = parts[parts.length - 1];
        if (parent.children.containsKey(name)) {
            throw new IllegalArgumentException(objectPath + " already exists");
        }
        parent.children.put(name, target);
    }

    /** Sets (adds or replaces) an attribute of the object at a path. */
    void attribute(String objectPath, Attribute a) {
        Node n = resolve(objectPath);
        n.attributes.removeIf(x -> x.name.equals(a.name));
        n.attributes.add(a);
    }

    /** @return the chunked dataset at a path */
    ChunkedDataset chunked(String datasetPath) {
        Node n = resolve(datasetPath);
        if (!(n instanceof ChunkedDataset)) {
            throw new IllegalArgumentException(datasetPath + " is not a chunked dataset");
        }
        return (ChunkedDataset) n;
    }

    private static String parentOf(String p) {
        int i = p.lastIndexOf('/');
        return i <= 0 ? "/" : p.substring(0, i);
    }

    private static String[] split(String p) {
        return Arrays.stream(p.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }

    // The classes below were nested in Hdf5FileWriter until 2026-11-26; version-1 checkpoints (Java serialization)
    // name them so, and Hdf5FileStateCodec maps those names here: keep their fields and serialVersionUIDs.

    /** Writer state saved by a checkpoint: the file, its length, the tree. */
    static final class State implements Serializable {
        private static final long serialVersionUID = 1L;
        String path;
        long eof;
        GroupNode root = new GroupNode();
    }

    /** An object with attributes. */
    abstract static class Node implements Serializable {
        private static final long serialVersionUID = 1L;
        final List<Attribute> attributes = new ArrayList<>();
    }

    /** A group with compact links. */
    static final class GroupNode extends Node {
        private static final long serialVersionUID = 1L;
        final LinkedHashMap<String, Object> children = new LinkedHashMap<>();
    }

    /** A link into another file. */
    record ExternalLink(String file, String objectPath) implements Serializable {
    }

    /** An attribute. */
    record Attribute(String name, H5Type type, long[] dims, byte[] data) implements Serializable {
    }

    /** A small dataset stored contiguously. */
    static final class ContiguousDataset extends Node {
        private static final long serialVersionUID = 1L;
        H5Type type;
        long[] dims;
        long address;
        long size;
    }
}
