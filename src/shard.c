/* STUB: replaced by the safetensors shard writer. */
#include "internal.h"
#include "vsample/shard.h"
void vs_shard_default_settings(VsShardSettings *s) { (void)s; }
int vs_shard_writer_open(VsShardWriter **out, const char *dir, const VsShardSettings *s)
{ (void)out; (void)dir; (void)s; return vs_error(VS_ERR_UNSUPPORTED, "shards: not implemented"); }
int vs_shard_begin_sample(VsShardWriter *w, const char *key, const char *metadata_json, const VsShardTensor *tensors, size_t ntensors, int64_t frames, int with_clip)
{ (void)w; (void)key; (void)metadata_json; (void)tensors; (void)ntensors; (void)frames; (void)with_clip; return VS_ERR_UNSUPPORTED; }
int vs_shard_write_frame(VsShardWriter *w, int64_t frame, const void *const *data, double pts, double target, int32_t clip)
{ (void)w; (void)frame; (void)data; (void)pts; (void)target; (void)clip; return VS_ERR_UNSUPPORTED; }
int vs_shard_end_sample(VsShardWriter *w) { (void)w; return VS_ERR_UNSUPPORTED; }
void vs_shard_abort_sample(VsShardWriter *w) { (void)w; }
int vs_shard_writer_close(VsShardWriter **w) { (void)w; return VS_ERR_UNSUPPORTED; }
void vs_shard_writer_discard(VsShardWriter **w) { (void)w; }
