/* One safetensors file being written: a hidden temporary with room reserved
 * for the header at its start, tensor data written in place with pwrite, and
 * the header written (or the file rebuilt) and renamed when it is complete. */
#ifndef VSAMPLE_SHARD_FILE_H
#define VSAMPLE_SHARD_FILE_H

#include "internal.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

typedef struct VsShardFile {
    int index;          ///< the N of shard-N.safetensors
    int fd;             ///< open on tmp_path until finalized (-1 after)
    char *path;         ///< DIR/shard-00000.safetensors (named in errors)
    char *tmp_path;     ///< DIR/.shard-00000.safetensors.tmp
    char *copy_path;    ///< DIR/.shard-00000.safetensors.copy.tmp (header overflow)
    uint64_t reserve;   ///< bytes before the data: 8-byte length + room for the header
    uint64_t data_used; ///< bytes of tensor data laid out so far
    json_t *meta;       ///< the "__metadata__" object: sample key -> metadata text
    json_t *tensors;    ///< tensor name -> {"dtype", "shape", "data_offsets"}, in file order
    uint64_t entries_len; ///< bytes of the entries of both in the header (vs_json_entry_len)
    char *dir;          ///< the directory fsynced after the rename
    int sync;           ///< fsync the file before its rename and dir after it
    uint64_t bytes;     ///< once finalized: the file's size
    char sha256[65];    ///< once finalized: its SHA-256, lowercase hex
} VsShardFile;

/* Bytes of v as the header holds it (compact); 0 when out of memory. */
size_t vs_json_len(const json_t *v);
/* Bytes of "key":value and the ',' before it, the unit header sizes count in. */
size_t vs_json_entry_len(const char *key, const json_t *value);

/* Create DIR/.shard-NNNNN.safetensors.tmp (truncated if left from a crash);
 * sync: fsync at finalize (VsShardSettings.no_fsync unset). */
int vs_shard_file_create(VsShardFile **out, const char *dir, int index, uint64_t reserve, int sync);

/* Largest header the safetensors library reads (its MAX_HEADER_SIZE). */
#define VS_SAFETENSORS_MAX_HEADER 100000000u

/* Size of the finished file if its header entries (meta + tensors, each
 * counted by vs_json_entry_len) total entries_len bytes and it holds data bytes of tensors; UINT64_MAX if the
 * header would be larger than readers accept. */
uint64_t vs_shard_file_size(uint64_t reserve, uint64_t entries_len, uint64_t data);

/* Write n bytes at data offset off (relative to the data start). */
int vs_shard_file_write(VsShardFile *f, const void *p, size_t n, uint64_t off);

/* Roll the file back to data_used bytes of data and the first nmeta and
 * ntensors header entries, entries_len bytes of them (an aborted sample). */
int vs_shard_file_rollback(VsShardFile *f, uint64_t data_used, size_t nmeta, size_t ntensors,
                           uint64_t entries_len);

/* Seal: write the header, hash the file (f->bytes, f->sha256) and fsync it.
 * *header_bytes gets 8 + the unpadded header length (to size the next
 * reservation). Commit: close it, rename it into place and fsync the
 * directory. No fsync unless f->sync. Finalize: both. On failure the
 * temporary is left for vs_shard_file_remove(). */
int vs_shard_file_seal(VsShardFile *f, uint64_t *header_bytes);
int vs_shard_file_commit(VsShardFile *f);
int vs_shard_file_finalize(VsShardFile *f, uint64_t *header_bytes);

/* Close, delete the temporary if the file was not finalized, and free. */
void vs_shard_file_remove(VsShardFile **f);

/* pwrite all of buf at off, retrying short writes; name is the path errors name. */
int vs_write_all(int fd, const void *buf, size_t n, uint64_t off, const char *name);

/* fsync the directory dir (after a rename into it); name is what errors name. */
int vs_fsync_dir(const char *dir, const char *name);

/* SHA-256 of the first size bytes of fd (read with pread) as 64 lowercase hex
 * digits and a NUL; VS_ERR_IO (the file is shorter, or unreadable). */
int vs_sha256_fd(int fd, uint64_t size, char hex[65], const char *name);

#endif
