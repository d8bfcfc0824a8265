/*
 * Tensor shards: safetensors files capped in size, written atomically, with
 * an index of samples to shards.
 *
 * Layout of DIR:
 *   shard-00000.safetensors, shard-00001.safetensors, ...
 *   index.json
 * Per sample with key K, each shard that holds part of it has tensors
 *   K/<view name>   [T, C, H, W] or [T, H, W, C] in the view's dtype
 *   K/pts           F64 [T]  presentation time of each frame returned
 *   K/target        F64 [T]  requested time
 *   K/clip          I32 [T]  clip id (only for strategies with clips)
 * where T counts the frames of that part, and __metadata__ maps K to a JSON
 * object (the caller's metadata plus "frames": [first, end) of the part and
 * "total_frames"). A sample larger than the space left continues in the next
 * shard; index.json lists, per key, the parts and the shard of each.
 *
 * Shards are written under a temporary name (".shard-00000.safetensors.tmp")
 * and renamed when complete; a sample that is aborted is rolled back, so no
 * file holds a partial sample. Durability (unless no_fsync): each shard and
 * index.json is fsynced before its rename and the directory after it, so a
 * name in DIR that survives a power loss has all its bytes. index.json
 * records each shard's size and SHA-256 ("files").
 */
#ifndef VSAMPLE_SHARD_H
#define VSAMPLE_SHARD_H

#include "vsample/vsample.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct VsShardSettings {
    uint64_t shard_size; ///< cap on a shard's size in bytes (default 1 GiB); a
                         ///< single frame larger than the cap gets a shard of its own
    int no_fsync;        ///< 1: no fsync of shards, index or directory (scratch runs: a crash
                         ///< or power loss may then leave named files without their data)
                         ///< (default 0: fsync before each rename, the directory after)
    int index_format;    ///< enum VsShardIndexFormat (default VS_SHARD_INDEX_SAMPLES)
    uint8_t reserved[56];
} VsShardSettings;

/// What index.json holds.
enum VsShardIndexFormat {
    /// {"format": "vsample-shards", "version": 1, "shards": [names], "files": {name:
    /// {"bytes", "sha256"}}, "samples": {KEY: {"frames", "parts": [{"shard", "start",
    /// "end"}], "metadata"}}}: every sample's parts and metadata (extract, batch).
    VS_SHARD_INDEX_SAMPLES = 0,
    /// {"format": "vsample-pack", "version": 1, "samples": N, "frames": F, "shards":
    /// [{"name", "bytes", "sha256", "keys": [...], "frames": [...]}]}: per shard the keys
    /// of the samples with frames in it (file order) and each one's frame count there;
    /// the metadata stays in the shards' __metadata__ only. Compact at millions of
    /// samples, and the writer keeps no metadata once a sample is committed (pack).
    VS_SHARD_INDEX_SHARDS = 1,
};

/// One frame-shaped tensor of a sample: shape [T, dims...] with dims of one frame.
typedef struct VsShardTensor {
    const char *name;   ///< suffix after "K/", e.g. "siglip-384"
    int dtype;          ///< enum VsDType
    int ndim;           ///< dims of one frame (1..4)
    int64_t dims[4];
} VsShardTensor;

/// Thread-safety: Unsafe.
typedef struct VsShardWriter VsShardWriter;

VS_API void vs_shard_default_settings(VsShardSettings *s);

/// Create dir if needed and prepare to write shards into it.
VS_API int vs_shard_writer_open(VsShardWriter **out, const char *dir, const VsShardSettings *s);

/// Start sample key (unique in this writer) of `frames` frames with one tensor
/// per entry of tensors; with_clip adds K/clip. metadata_json is a JSON object
/// text (copied) stored for key in every shard holding part of the sample.
VS_API int vs_shard_begin_sample(VsShardWriter *w, const char *key, const char *metadata_json,
                                 const VsShardTensor *tensors, size_t ntensors, int64_t frames,
                                 int with_clip);

/// Frame `frame` (0 <= frame < frames, any order) of the current sample:
/// data[i] holds one frame of tensors[i].
VS_API int vs_shard_write_frame(VsShardWriter *w, int64_t frame, const void *const *data,
                                double pts, double target, int32_t clip);

/// Every frame written: the sample is committed (its shards may be finalized).
VS_API int vs_shard_end_sample(VsShardWriter *w);

/// Drop the current sample: nothing of it stays in any shard.
VS_API void vs_shard_abort_sample(VsShardWriter *w);

/// Finalize the open shard and write index.json (atomically). Returns an error
/// if any write failed; in every case *w is freed and set to NULL. A sample
/// still in progress is aborted.
VS_API int vs_shard_writer_close(VsShardWriter **w);

/// Give up: remove every temporary file, keep shards already finalized.
VS_API void vs_shard_writer_discard(VsShardWriter **w);

/// Check one safetensors file as a reader would find it: its size (when size >= 0),
/// its SHA-256 (when sha256_hex is not NULL: 64 hex digits) and its structure (a
/// header that is a JSON object within the file; per tensor a known dtype, a shape
/// whose element count times the dtype's size is its byte range; ranges contiguous
/// from 0 to the file's end). The whole file is read. Returns 0, VS_ERR_NOT_FOUND
/// (no such file), VS_ERR_IO (unreadable) or VS_ERR_INVALID_DATA; vs_last_error()
/// names the file and the first cause found. Thread-safety: Safe.
VS_API int vs_shard_verify(const char *path, int64_t size, const char *sha256_hex);

/// Bytes of one element of a safetensors dtype name ("U8", "F16", "BF16", "F32", "F64",
/// "I32", ... as the safetensors format lists them); 0 for a name it does not list.
/// Thread-safety: Safe.
VS_API unsigned vs_safetensors_dtype_size(const char *name);
/// The enum VsDType a view's tensor of that dtype name has, or -1 (not a view dtype).
/// Thread-safety: Safe.
VS_API int vs_safetensors_dtype(const char *name);

#ifdef __cplusplus
}
#endif
#endif /* VSAMPLE_SHARD_H */
