/* vsample: videos to encoder-ready tensors. One file per subcommand (cmd_*.c). */
#include "cli.h"

#include <string.h>

#include <libavutil/log.h>

static const char usage[] =
    "usage: vsample COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  info VIDEO [--json] [--scan] [--io-timeout S]\n"
    "                                     stream info (--scan: count frames and keyframes)\n"
    "  plan VIDEO [plan options] [--json] the times a strategy samples (decodes only for scenes, dedup)\n"
    "  extract VIDEO... -o DIR [options]  sampled frames as tensors in safetensors shards\n"
    "  preview VIDEO -o SHEET [options]   contact sheet of the sampled frames (.png, .jpg)\n"
    "  ablate VIDEO... --strategies \"S1;S2;...\" -o DIR [options]\n"
    "                                     strategies side by side: report.md/.csv/.json,\n"
    "                                     a timeline per video, a contact sheet per strategy\n"
    "  batch MANIFEST -o DIR [options]    every video of a manifest (paths, or JSONL with path,\n"
    "                                     key, start, end, strategy) into DIR, in parallel,\n"
    "                                     resumable; partitions for many machines\n"
    "  batch --merge-index DIR            rebuild DIR/index.json and errors.jsonl from DIR\n"
    "  pack SRC... -o DIR [--shard-size BYTES] [--no-fsync] [--quiet]\n"
    "                                     the samples of extract/batch outputs into large\n"
    "                                     shards for streaming (docs/SCALE.md)\n"
    "  verify DIR [--quiet]               re-read every shard of an extract, batch or pack\n"
    "                                     output: size, SHA-256, safetensors structure\n"
    "\n"
    "plan options:\n"
    "  -s, --strategy S    fps:F[,jitter] | uniform:N[,jitter] | clips:C,F,FPS | keyframes |\n"
    "                      timestamps:T1,T2,...   (default fps:2)\n"
    "                      or a loader's recipe NAME[:key=value,...]: apollo, qwen2vl,\n"
    "                      qwen2.5vl, qwen3vl, internvl, llava-video, lmms-eval,\n"
    "                      hf-transformers, torchcodec-regular\n"
    "  --start T --end T   only times in [T_start, T_end), seconds from the stream start\n"
    "  --min-frames M --max-frames M   frame budget for fps:F\n"
    "  --max-tokens N      extract/ablate/batch: at most N visual tokens per video (the\n"
    "                      presets' tokens per frame; Qwen views also shrink)\n"
    "  --seed N            for jitter strategies (default 0)\n"
    "  --threads N         decoder threads (default: one per core)\n"
    "  --io-timeout S      URLs: connect/read timeout in seconds (default 30)\n"
    "\n"
    "VIDEO: a path, or a URL FFmpeg reads (http://, https://, file:); seeks by HTTP Range\n"
    "\n"
    "extract options:\n"
    "  -o, --output DIR    where shard-NNNNN.safetensors and index.json go\n"
    "  --preset P[,P...]   siglip-384 (default), clip-336, internvideo2-224, qwen2vl,\n"
    "                      qwen2.5vl, qwen3vl, internvl-448, apollo-siglip,\n"
    "                      apollo-internvideo2, apollo (both); several decode once\n"
    "  --size WxH --resize squash|short-crop|pad --filter bicubic|bilinear|area|lanczos\n"
    "  --mean a,b,c --std a,b,c        a custom view (tensor K/custom)\n"
    "  --dtype u8|f16|bf16|f32         (default f16)   --layout tchw|thwc (default tchw)\n"
    "  --shard-size BYTES  cap on one shard (default 1073741824)\n"
    "  --backend auto|vulkan|cpu       preprocess on a hardware Vulkan GPU when there is\n"
    "                      one, else the CPU (auto, the default); --gpu N picks device N\n"
    "  --prefetch N        frames decoded ahead on a second thread while the last ones\n"
    "                      are preprocessed and written (default 3; 0: no thread)\n"
    "  --segments N        decoders at once on stretches of a sorted plan (default: one\n"
    "                      per core, at most 4; 1: one decoder)\n"
    "  --seek exact|approximate        exact (default): the frame displayed at each time;\n"
    "                      approximate: the nearest frame already decoded or keyframe\n"
    "  --video-timeout S   stop a video that takes longer than S seconds (opening\n"
    "                      included): one error line, exit 3, the next video goes on\n"
    "                      (default 0: no limit)\n"
    "  --no-fsync          no fsync before renames (scratch runs; also batch, pack)\n"
    "  -q, --quiet         no progress or summary on stderr\n"
    "\n"
    "preview options (and the plan options; default strategy uniform:16):\n"
    "  -o, --output SHEET  the picture: .png, .jpg or .jpeg\n"
    "  --backend auto|vulkan|cpu, --gpu N  as extract\n"
    "  --columns N         thumbnails per row (default: about a square grid)\n"
    "  --thumb WIDTH       thumbnail width in pixels (default 240; height keeps the\n"
    "                      display aspect ratio, rotation applied)\n"
    "  -q, --quiet         no summary on stderr\n"
    "\n"
    "ablate options (and the plan options, the view options, --backend, --gpu):\n"
    "  --strategies \"S1;S2;...\"   the strategies to compare, ';' between them\n"
    "  -o, --output DIR    where report.md, report.csv, report.json and the pictures go\n"
    "  --tokens-per-frame N  visual tokens of one frame (default: from --preset:\n"
    "                      siglip-384 729, clip-336 576, internvideo2-224 256,\n"
    "                      internvl-448 1024)\n"
    "  --thumb WIDTH       contact sheet thumbnail width (default 160)\n"
    "  -q, --quiet         no summary on stderr\n"
    "\n"
    "batch options (and the extract options, as defaults of every entry):\n"
    "  -o, --output DIR    samples/KEY/, index.json, errors.jsonl (docs/SCALE.md)\n"
    "  -j, --jobs N        videos at once, each in a worker process (default: the cores;\n"
    "                      --threads then defaults to cores / jobs decoder threads each)\n"
    "  --shard-index I --num-shards K  do the entries whose key hashes to I mod K\n"
    "                      (default from SLURM_ARRAY_TASK_ID/COUNT, or JOB_COMPLETION_INDEX\n"
    "                      with VSAMPLE_NUM_SHARDS); exit 3 when any video failed\n"
    "  --video-timeout S   per video (default: 120 s + 2 s per second of the video; 0: no\n"
    "                      limit); its worker is killed, errors.jsonl says \"cause\": \"timeout\"\n"
    "  --retry-timeouts    redo the videos that timed out before (a re-run skips them)\n"
    "\n"
    "exit codes: 0 ok, 1 internal error, 2 bad command line, 3 an input could not be read\n"
    "as a video (the others are still written), 4 the output could not be written,\n"
    "5 a shard or index is missing, truncated or corrupt (verify, pack), 130 interrupted.\n";

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("missing COMMAND");
    /* The CLI is the host program: FFmpeg's own console chatter is its choice to silence
     * (the library never touches FFmpeg's global log level); errors come as vsample lines. */
    av_log_set_level(AV_LOG_QUIET);
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        fputs(usage, stdout);
        return EXIT_OK;
    }
    if (!strcmp(cmd, "--version")) {
        printf("vsample %s\n", vs_version());
        return EXIT_OK;
    }
    if (!strcmp(cmd, "info"))
        return cmd_info(argc - 1, argv + 1);
    if (!strcmp(cmd, "plan"))
        return cmd_plan(argc - 1, argv + 1);
    if (!strcmp(cmd, "extract"))
        return cmd_extract(argc - 1, argv + 1);
    if (!strcmp(cmd, "preview"))
        return cmd_preview(argc - 1, argv + 1);
    if (!strcmp(cmd, "ablate"))
        return cmd_ablate(argc - 1, argv + 1);
    if (!strcmp(cmd, "batch"))
        return cmd_batch(argc - 1, argv + 1);
    if (!strcmp(cmd, "verify"))
        return cmd_verify(argc - 1, argv + 1);
    if (!strcmp(cmd, "pack"))
        return cmd_pack(argc - 1, argv + 1);
    return usage_error("unknown command '%s'", cmd);
}
