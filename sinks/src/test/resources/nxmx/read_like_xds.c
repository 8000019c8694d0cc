/* Reads a Beamflow series as the XDS HDF5 plugins (neggia, durin) do, with libhdf5's C API:
 * NX_class attributes and string datasets into a fixed-size ASCII string type (H5T_C_S1), detectorSpecific
 * integers, and one frame's chunk as stored, with H5Dread_chunk (the plugin decompresses it itself): the frame
 * is found as durin finds it, through the mapping of the master's virtual dataset /entry/data/data to its
 * data file and row.
 * usage: read_like_xds MASTER FRAME_INDEX CHUNK_OUT */
#include <hdf5.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *what, const char *path) {
    fprintf(stderr, "FAILED: %s %s\n", what, path);
    return 1;
}

static int nx_class(hid_t file, const char *path) {
    char buf[64] = {0};
    hid_t obj = H5Oopen(file, path, H5P_DEFAULT);
    if (obj < 0) return fail("open", path);
    hid_t attr = H5Aopen(obj, "NX_class", H5P_DEFAULT);
    if (attr < 0) return fail("open NX_class of", path);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, sizeof buf);
    if (H5Aread(attr, type, buf) < 0) return fail("H5Aread NX_class (ASCII) of", path);
    printf("NX_class %s %s\n", path, buf);
    H5Tclose(type);
    H5Aclose(attr);
    H5Oclose(obj);
    return 0;
}

static int text(hid_t file, const char *path) {
    char buf[256] = {0};
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    if (ds < 0) return fail("open", path);
    hid_t type = H5Tcopy(H5T_C_S1);
    H5Tset_size(type, sizeof buf);
    if (H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) < 0) return fail("H5Dread (ASCII)", path);
    printf("text %s %s\n", path, buf);
    H5Tclose(type);
    H5Dclose(ds);
    return 0;
}

static int integer(hid_t file, const char *path) {
    long long v = -1;
    hid_t ds = H5Dopen2(file, path, H5P_DEFAULT);
    if (ds < 0) return fail("open", path);
    if (H5Dread(ds, H5T_NATIVE_LLONG, H5S_ALL, H5S_ALL, H5P_DEFAULT, &v) < 0) return fail("H5Dread", path);
    printf("int %s %lld\n", path, v);
    H5Dclose(ds);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 4) return fail("usage:", "read_like_xds MASTER FRAME_INDEX CHUNK_OUT");
    hid_t master = H5Fopen(argv[1], H5F_ACC_RDONLY, H5P_DEFAULT);
    if (master < 0) return fail("H5Fopen", argv[1]);
    const char *groups[] = {"/entry", "/entry/data", "/entry/instrument", "/entry/instrument/detector",
                            "/entry/instrument/detector/module", "/entry/instrument/detector/transformations",
                            "/entry/instrument/detector/detectorSpecific", "/entry/sample",
                            "/entry/sample/transformations", "/entry/instrument/beam"};
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        if (nx_class(master, groups[i])) return 1;
    }
    if (text(master, "/entry/definition") || text(master, "/entry/instrument/detector/depends_on")
        || text(master, "/entry/instrument/detector/sensor_material")) return 1;
    if (integer(master, "/entry/instrument/detector/detectorSpecific/nimages")
        || integer(master, "/entry/instrument/detector/detectorSpecific/ntrigger")
        || integer(master, "/entry/instrument/detector/detectorSpecific/x_pixels_in_detector")
        || integer(master, "/entry/instrument/detector/detectorSpecific/y_pixels_in_detector")) return 1;
    /* the virtual dataset's mapping: which data file and row hold frame FRAME_INDEX */
    hsize_t frame = (hsize_t) atoll(argv[2]);
    hid_t vds = H5Dopen2(master, "/entry/data/data", H5P_DEFAULT);
    if (vds < 0) return fail("open", "/entry/data/data");
    hid_t dcpl = H5Dget_create_plist(vds);
    if (H5Pget_layout(dcpl) != H5D_VIRTUAL) return fail("not a virtual dataset:", "/entry/data/data");
    size_t count = 0;
    if (H5Pget_virtual_count(dcpl, &count) < 0) return fail("H5Pget_virtual_count", argv[1]);
    char file[4096] = {0}, dset[1024] = {0};
    hsize_t row = 0;
    int found = 0;
    for (size_t i = 0; i < count && !found; i++) {
        hid_t vspace = H5Pget_virtual_vspace(dcpl, i);
        hsize_t block[6];
        if (H5Sget_select_hyper_nblocks(vspace) != 1 || H5Sget_select_hyper_blocklist(vspace, 0, 1, block) < 0)
            return fail("virtual selection is not one block", argv[1]);
        if (frame >= block[0] && frame <= block[3]) {
            found = 1;
            row = frame - block[0];
            H5Pget_virtual_filename(dcpl, i, file, sizeof file);
            H5Pget_virtual_dsetname(dcpl, i, dset, sizeof dset);
            printf("mapping %zu of %zu: %s %s row %llu\n", i, count, file, dset, (unsigned long long) row);
        }
        H5Sclose(vspace);
    }
    if (!found) return fail("no mapping holds frame", argv[2]);
    H5Pclose(dcpl);
    H5Dclose(vds);
    H5Fclose(master);

    char dir[4096], path[8192];
    strncpy(dir, argv[1], sizeof dir - 1);
    snprintf(path, sizeof path, "%s/%s", dirname(dir), file);
    hid_t data = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (data < 0) return fail("H5Fopen", path);
    hid_t ds = H5Dopen2(data, dset, H5P_DEFAULT);
    if (ds < 0) return fail("open", dset);
    hsize_t offset[3] = {row, 0, 0};
    hsize_t size = 0;
    if (H5Dget_chunk_storage_size(ds, offset, &size) < 0) return fail("H5Dget_chunk_storage_size", argv[2]);
    unsigned char *chunk = malloc(size);
    uint32_t filters = 0;
    if (H5Dread_chunk(ds, H5P_DEFAULT, offset, &filters, chunk) < 0) return fail("H5Dread_chunk", argv[2]);
    FILE *out = fopen(argv[3], "wb");
    if (!out || fwrite(chunk, 1, size, out) != size || fclose(out)) return fail("write", argv[3]);
    printf("chunk of frame %s: %llu bytes, filter mask %u\n", argv[2], (unsigned long long) size, filters);
    free(chunk);
    H5Dclose(ds);
    H5Fclose(data);
    return 0;
}
