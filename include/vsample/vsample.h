/*
 * libvsample: videos to encoder-ready tensors.
 *
 * The pipeline, one call per stage:
 *   vs_source_open()  demux + stream info            (source)
 *   vs_plan_create()  requested times, pure function  (plan)
 *   vs_reader_open()  frames displayed at those times (fetch)
 *                     resized/normalized per view     (preprocess)
 *   vs_reader_next()  one frame at a time into caller-owned buffers
 *
 * Conventions: every function that can fail returns 0 on success or a negative
 * VS_ERR_* code; vs_last_error() then holds a one-line message naming the input
 * and the cause. The close and free functions accept NULL and set the handle to NULL.
 * Times are seconds from the video stream's start time.
 *
 * Ownership: a handle made through an `out` argument belongs to the caller until its
 * close/free call; what a handle returns (info, times, strings) belongs to the handle and
 * lives until it is closed; the library keeps no pointer to an argument past the call
 * unless the function says so. Thread-safety ("Safe": from any number of threads at
 * once; "Unsafe": one thread at a time) is stated per type and function; the plain
 * structs are the caller's data, and the functions of a handle follow its type's note.
 */
#ifndef VSAMPLE_VSAMPLE_H
#define VSAMPLE_VSAMPLE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(VS_BUILDING_LIBRARY) && defined(__GNUC__)
#define VS_API __attribute__((visibility("default")))
#else
#define VS_API
#endif

#define VSAMPLE_VERSION_MAJOR 0
#define VSAMPLE_VERSION_MINOR 1
#define VSAMPLE_VERSION_PATCH 0

/// "MAJOR.MINOR.PATCH" of the library that is loaded. Thread-safety: Safe.
VS_API const char *vs_version(void);

/* ------------------------------------------------------------------ errors */

enum VsError {
    VS_OK = 0,
    VS_ERR_INVALID_ARG = -1,  ///< bad argument, option or strategy text
    VS_ERR_NOMEM = -2,        ///< out of memory
    VS_ERR_NOT_FOUND = -3,    ///< input file does not exist
    VS_ERR_IO = -4,           ///< reading or writing failed
    VS_ERR_INVALID_DATA = -5, ///< not a readable media file, or corrupt
    VS_ERR_NO_VIDEO = -6,     ///< no video stream, or no decodable frame
    VS_ERR_UNSUPPORTED = -7,  ///< valid, but not something vsample handles
    VS_ERR_INTERNAL = -8,     ///< a bug or an unexpected library failure
    VS_ERR_CANCELLED = -9,    ///< the caller's callback asked to stop
};

/// Short text for a VS_ERR_* code. Thread-safety: Safe.
VS_API const char *vs_strerror(int code);

/// The message of the last failing call on this thread ("" if none).
/// Thread-safety: Safe (the message is per thread). The pointer stays valid
/// until the next failing call on the same thread.
VS_API const char *vs_last_error(void);

enum VsLogLevel { VS_LOG_ERROR = 0, VS_LOG_WARNING = 1, VS_LOG_INFO = 2, VS_LOG_DEBUG = 3 };
/// message is valid during the call only. Thread-safety: the callback must be Safe: it is
/// called from every thread that uses the library, several at once, and from readers'
/// prefetch threads.
typedef void (*VsLogCallback)(void *opaque, int level, const char *message);

/// Route library warnings (e.g. "input ends 3.2 s before its header says") to
/// cb; NULL restores the default (warnings and errors to stderr), and
/// max_level filters. cb and opaque are kept until the next call. Thread-safety: Unsafe;
/// call before opening sources.
VS_API void vs_set_log_callback(VsLogCallback cb, void *opaque, int max_level);

/* ------------------------------------------------------------------ source */

typedef struct VsRational {
    int num, den;
} VsRational;

/// Where VsStreamInfo.duration came from.
enum VsDurationSource {
    VS_DURATION_UNKNOWN = 0,
    VS_DURATION_INDEX = 1,  ///< the container's per-frame index (exact)
    VS_DURATION_STREAM = 2, ///< the stream header
    VS_DURATION_FORMAT = 3, ///< the container header
    VS_DURATION_SCAN = 4,   ///< a demux-only scan of every packet (exact)
};

typedef struct VsStreamInfo {
    const char *path;         ///< the path, URL or name as given (owned by the source)
    char container[64];       ///< FFmpeg demuxer name, e.g. "mov,mp4,m4a,3gp,3g2,mj2"
    char codec[32];           ///< decoder name, e.g. "h264"
    int stream_index;         ///< index of the chosen video stream in the container
    double duration;          ///< seconds from start_time to the end of the last frame
    int duration_source;      ///< enum VsDurationSource
    double start_time;        ///< seconds: the stream's start time (time origin of all times)
    int64_t start_pts;        ///< start_time in time_base units
    VsRational time_base;     ///< of the stream's timestamps
    VsRational avg_frame_rate;  ///< average frame rate (0/1 if unknown)
    VsRational real_frame_rate; ///< FFmpeg's r_frame_rate: lowest rate that represents all timestamps
    int64_t header_frames;    ///< frame count the header claims (0 = none; may be wrong)
    int64_t counted_frames;   ///< frames counted from the index or a packet scan (-1 = not counted)
    int64_t keyframes;        ///< keyframes in the index (-1 = no index)
    int coded_width, coded_height;     ///< size of the decoded picture
    int rotation;             ///< 0/90/180/270: degrees counter-clockwise the picture turns for display
    VsRational sample_aspect_ratio;    ///< pixel aspect ratio (1/1 if unset)
    int display_width, display_height; ///< after rotation and sample aspect ratio
    char pix_fmt[32];         ///< e.g. "yuv420p"
    int bit_depth;            ///< bits per component
    char color_matrix[24];    ///< e.g. "bt709", "unknown"
    char color_range[16];     ///< "tv", "pc" or "unknown"
    char color_primaries[24];
    char color_transfer[24];
    int vfr;                  ///< 1 variable frame rate, 0 constant, -1 unknown (no index)
    uint8_t reserved[128 + 1024 - sizeof(const char *)];
} VsStreamInfo;

/// info as one compact JSON object (the keys of `vsample info --json`: the fields
/// above by name, rationals as "num/den" strings, duration_source by name, vfr
/// true/false/null, numbers that are not finite as null). Returns a malloc'd
/// NUL-terminated string the caller frees with free(); NULL and vs_last_error()
/// on failure (no info, out of memory). Thread-safety: Safe.
VS_API char *vs_stream_info_json(const VsStreamInfo *info);
/// "unknown", "index", "stream", "format", "scan" for enum VsDurationSource;
/// NULL for a value out of range. Static strings. Thread-safety: Safe.
VS_API const char *vs_duration_source_name(int source);

typedef struct VsSourceSettings {
    int threads;       ///< decoder threads (default 0 = one per core)
    int scan;          ///< 1 = always count frames with a demux-only scan when the
                       ///< container has no per-frame index (default 0 = only when
                       ///< the duration is missing)
    int io_timeout_ms; ///< URLs: connect/read timeout (default 0 = 30000 ms)
    /// Asked often while the source and its readers wait for or read input (FFmpeg's
    /// AVIOInterruptCB, installed on every demuxer the source opens: the first, a rewind's,
    /// each split decoder's): nonzero stops the wait or read in progress, and the call fails
    /// (VS_ERR_CANCELLED where the library can tell, else the error of the stopped read) —
    /// a deadline or a Ctrl-C. It cannot stop a read blocked in the kernel (a hung network
    /// file system) nor a caller's VsIO.read. Thread-safety: must be Safe: readers call it
    /// from their threads, several at once. (default 0 = none)
    int (*interrupt)(void *opaque);
    void *interrupt_opaque; ///< passed to interrupt (default 0 = none)
    /// (the last term: the padding before the pointers where they are 8 bytes)
    uint8_t reserved[64 - sizeof(int) - 2 * sizeof(void *) - (sizeof(void *) - sizeof(int))];
} VsSourceSettings;

/// Caller-provided reading, for inputs that are neither a path nor a buffer (a tar member, a
/// Python file object). Thread-safety: the callbacks are called from the thread using the source
/// or its reader's prefetch thread, one call at a time.
typedef struct VsIO {
    void *opaque;
    /// Read up to size bytes into buf: bytes read (> 0), 0 at the end, < 0 on error.
    int (*read)(void *opaque, uint8_t *buf, int size);
    /// As lseek(2) with whence SEEK_SET/SEEK_CUR/SEEK_END, or whence VS_IO_SIZE: the total size
    /// (< 0 if unknown). Returns the new position, < 0 on error. NULL: the input cannot seek;
    /// then only what reads the input once from the start works (info and plans of files whose
    /// header comes first, a plan decoded in order); anything that must seek fails with an error.
    int64_t (*seek)(void *opaque, int64_t offset, int whence);
} VsIO;
/// whence for VsIO.seek asking for the total size; equal to FFmpeg's AVSEEK_SIZE, so the
/// callbacks can be handed to FFmpeg as they are.
#define VS_IO_SIZE 0x10000

/// What to open: exactly one of path, data or io.
typedef struct VsInput {
    const char *path;  ///< a file path or a URL FFmpeg's protocols read (http, https, file:)
    const void *data;  ///< a whole file in memory; not copied: it must outlive the source and its readers
    size_t size;       ///< bytes at data
    const VsIO *io;    ///< caller reads (the struct is copied; opaque must outlive the source)
    const char *name;  ///< how messages and metadata name a data/io input (NULL = "<memory>" / "<stream>")
    uint8_t reserved[64];
} VsInput;

/// An opened video file. Thread-safety: Unsafe; independent sources may be
/// used from different threads at once.
typedef struct VsSource VsSource;

/// Thread-safety: Safe.
VS_API void vs_source_default_settings(VsSourceSettings *s);

/// Open an input and choose its best video stream. settings may be NULL (defaults).
/// On success *out owns the input's reading until vs_source_close(); input->path, ->name,
/// ->io and settings are copied; input->data and io->opaque are not (they must outlive the
/// source and its readers). A path with a URL scheme (http://, https://, file:) is read
/// through FFmpeg's protocols, seeking by HTTP Range where the server allows it.
/// A VsIO input serves one decoder at a time: its readers never split the plan over
/// several decoders (VsReaderSettings.segments acts as 1).
/// Thread-safety: Safe: each call makes a source of its own (the callbacks of one VsIO
/// must not be shared by two sources).
VS_API int vs_source_open_input(VsSource **out, const VsInput *input, const VsSourceSettings *settings);
/// vs_source_open_input() with only input.path = path set.
VS_API int vs_source_open(VsSource **out, const char *path, const VsSourceSettings *settings);
/// Close the file and free what src owns (its info, its plan input's arrays). Close the
/// readers over src first. Thread-safety: Unsafe.
VS_API void vs_source_close(VsSource **src);

/// Stream info; owned by src, valid until it is closed. Thread-safety: Safe: the info
/// does not change once the source is open (a reader over src only reads it).
VS_API const VsStreamInfo *vs_source_info(const VsSource *src);

/* -------------------------------------------------------------------- plan */

/// What a plan needs to know about a video. All times in seconds.
typedef struct VsPlanInput {
    double duration;              ///< required, > 0
    double avg_frame_rate;        ///< frames per second (0 = unknown)
    int64_t frame_count;          ///< (0 = unknown)
    const double *keyframe_times; ///< sorted presentation times of keyframes (NULL = unknown)
    size_t n_keyframes;
    /// sorted presentation times of every frame that demuxes, seconds from the
    /// start (NULL = unknown: the source was not scanned); recipes need them
    const double *frame_times;
    size_t n_frame_times;         ///< frames in frame_times
    /// max(pts + duration) over the packets as they are, a packet without a
    /// duration ending at its pts (0 = unknown); torchcodec's end of stream
    double packet_end;
    /// the analysis pass (vs_source_analyze): presentation times of the analysed
    /// frames, increasing (NULL = not analysed); the scenes strategy needs them
    const double *analysis_times;
    /// change score of each analysed frame: mean absolute difference of its 64x36
    /// luma thumbnail from the previous analysed frame's, / 255 (0..1; the first is 0)
    const double *analysis_scores;
    size_t n_analysis;            ///< analysed frames (0 = none)
    uint8_t reserved[16];
} VsPlanInput;

typedef struct VsPlanSettings {
    double start;        ///< trim: first time considered (default 0)
    double end;          ///< trim: times must be < end (default -1 = the duration)
    int64_t min_frames;  ///< fps:F: at least this many times (default 0 = no minimum)
    int64_t max_frames;  ///< fps:F: at most this many, spread uniformly (default 0 = no cap)
    uint64_t seed;       ///< for jitter strategies (default 0)
    uint8_t reserved[64];
} VsPlanSettings;

/// Requested times, immutable once made (but for vs_plan_dedup, which drops a dedup plan's
/// times once). Thread-safety: Safe to read from several threads.
typedef struct VsPlan VsPlan;

/// Thread-safety: Safe.
VS_API void vs_plan_default_settings(VsPlanSettings *s);

/// The analysis pass that the scenes strategy plans from: one cheap
/// decode of the whole video into 64x36 luma thumbnails and a change score per analysed
/// frame (every frame up to 2 minutes, else the first frame of each 0.25 s step with the
/// frames no other refers to left undecoded); where the container has an index, stretches
/// of it are decoded at once by decoders of their own (one per core, at most 4;
/// VsSourceSettings.threads = 1: one pass), with the same result. Runs once per source
/// (later calls return at once); vs_source_plan_input() then carries the scores. Decodes
/// from the start (the source is rewound); no reader may be open over src.
/// Thread-safety: Unsafe, as src.
VS_API int vs_source_analyze(VsSource *src);
/// Seconds the analysis pass took (0 when it has not run). Thread-safety: Unsafe, as src.
VS_API double vs_source_analysis_seconds(const VsSource *src);

/// Fill in from a source's info. keyframe_times is set only when the source was
/// scanned (VsSourceSettings.scan, or a file whose header has no duration and
/// whose packets all carry presentation times); frame_times whenever the source
/// was scanned; the analysis arrays once vs_source_analyze() ran. The arrays stay
/// owned by src. Thread-safety: Unsafe, as src.
VS_API int vs_source_plan_input(VsSource *src, VsPlanInput *in);

/// Make a plan: a pure function of (in, strategy, settings), no I/O.
/// strategy: "fps:F[,jitter][,dedup[=T]]", "uniform:N[,jitter][,dedup[=T]]", "clips:C,F,FPS",
/// "keyframes", "timestamps:T1,T2,...",
/// "scenes[:per_scene=N,threshold=T,min_scene=S,max_frames=M]" (scenes needs
/// in->analysis_*: vs_strategy_needs_analysis; a dedup plan holds every candidate time
/// with the drop pending: vs_plan_dedup_pending), or a recipe that chooses the frames a public loader
/// chooses, "NAME[:key=value,...]" with NAME one of apollo, qwen2vl, qwen2.5vl,
/// qwen3vl, internvl, llava-video, lmms-eval, hf-transformers, torchcodec-regular
/// (README lists the keys); a
/// recipe needs in->frame_times. settings may be NULL. in (with its arrays), strategy
/// and settings are read during the call only; *out belongs to the caller until
/// vs_plan_free(). Thread-safety: Safe.
VS_API int vs_plan_create(VsPlan **out, const VsPlanInput *in, const char *strategy,
                          const VsPlanSettings *settings);
/// A plan of the given times (seconds, in output order), as "timestamps:T1,T2,..." without
/// the text: times outside the trim span are dropped (the note says how many). times is
/// read during the call only. Thread-safety: Safe.
VS_API int vs_plan_from_times(VsPlan **out, const VsPlanInput *in, const double *times, size_t n,
                              const VsPlanSettings *settings);
/// 1 when the strategy needs the source opened with VsSourceSettings.scan = 1
/// (keyframes and the recipes), 0 when not. Thread-safety: Safe.
VS_API int vs_strategy_needs_scan(const char *strategy);
/// 1 when the strategy plans from the analysis pass (scenes): the source must
/// be analysed (vs_source_analyze) before vs_source_plan_input; 0 when not. Thread-safety: Safe.
VS_API int vs_strategy_needs_analysis(const char *strategy);
/// Defaults of the content-aware strategies (README "Content-aware strategies").
#define VS_DEDUP_DEFAULT 0.01           ///< dedup: change below which a time is dropped
#define VS_SCENE_THRESHOLD_DEFAULT 0.1  ///< scenes: a frame scoring above starts a shot
#define VS_SCENE_MIN_DEFAULT 0.5        ///< scenes: seconds a shot lasts at least
/// Thread-safety: Unsafe: no other thread may be reading plan.
VS_API void vs_plan_free(VsPlan **plan);
/// The accessors below: arrays and strings owned by plan, valid until vs_plan_free().
/// Thread-safety: Safe.
VS_API size_t vs_plan_count(const VsPlan *plan);
/// Requested times, vs_plan_count() of them, in output order.
VS_API const double *vs_plan_times(const VsPlan *plan);
/// Clip id of each time, or NULL when the strategy has no clips.
VS_API const int32_t *vs_plan_clips(const VsPlan *plan);
/// Recipes: the 0-based index, in presentation order, of the frame at each
/// time (the time is that frame's); NULL for other strategies.
VS_API const int64_t *vs_plan_indices(const VsPlan *plan);
/// Number of clips (0 when the strategy has no clips).
VS_API int32_t vs_plan_num_clips(const VsPlan *plan);
/// Canonical strategy text, e.g. "fps:2".
VS_API const char *vs_plan_strategy(const VsPlan *plan);
/// A shot the scenes strategy found: [start, end) in seconds, the score of the frame at
/// start (the cut; 0 for the first shot) and the plan's frames inside it.
typedef struct VsPlanScene {
    double start, end;
    double score;
    int64_t frames;
} VsPlanScene;
/// A time dedup dropped, with its frame's change from the last kept frame's (below the
/// threshold): mean |difference| / 255 of their 64x36 luma thumbnails.
typedef struct VsPlanDrop {
    double time;
    double change;
} VsPlanDrop;
/// scenes: the shots, in order, *n of them (NULL, *n = 0 for other strategies).
VS_API const VsPlanScene *vs_plan_scenes(const VsPlan *plan, size_t *n);
/// dedup: the times dropped, in order, *n of them (*n = 0 when none; NULL before
/// the choice and for other strategies).
VS_API const VsPlanDrop *vs_plan_dropped(const VsPlan *plan, size_t *n);
/// 1 while a dedup plan still holds every candidate time: which of them to drop is seen
/// in the frames, so vs_plan_dedup (or a sample, which decides while it reads) must run
/// before a reader can be opened; 0 otherwise.
VS_API int vs_plan_dedup_pending(const VsPlan *plan);
/// What the planner decided that the user should know ("" if nothing), e.g.
/// "fps:2 gives 7200 times > max 64: 64 uniform times instead".
VS_API const char *vs_plan_note(const VsPlan *plan);

/* -------------------------------------------------------------- preprocess */

enum VsResize {
    VS_RESIZE_SQUASH = 0,     ///< to width x height, ignoring aspect
    VS_RESIZE_SHORT_CROP = 1, ///< cover width x height keeping aspect, then centre crop
    VS_RESIZE_PAD = 2,        ///< pad to a centred square with pad_fill, then to width x height
    /// Qwen2-VL's smart_resize: a size per video (vs_view_resolve) whose sides are
    /// multiples of smart_factor, within the pixel budgets, then squash to it
    VS_RESIZE_SMART = 3,
};
enum VsFilter {
    VS_FILTER_BICUBIC = 0,  ///< PIL BICUBIC (Keys a = -0.5), antialiased
    VS_FILTER_BILINEAR = 1, ///< PIL BILINEAR (triangle), antialiased
    VS_FILTER_AREA = 2,     ///< PIL BOX
    VS_FILTER_LANCZOS = 3,  ///< PIL LANCZOS (a = 3)
};
enum VsDType { VS_DTYPE_U8 = 0, VS_DTYPE_F16 = 1, VS_DTYPE_BF16 = 2, VS_DTYPE_F32 = 3 };
enum VsLayout { VS_LAYOUT_TCHW = 0, VS_LAYOUT_THWC = 1 };
enum VsCropRound {
    VS_CROP_FLOOR = 0, ///< offset (size - crop) // 2, as Hugging Face CLIP
    VS_CROP_ROUND = 1, ///< offset round((size - crop) / 2), half to even, as InternVideo2
};

/// One output tensor per frame: how a decoded frame becomes C x H x W numbers.
/// The vs_view_* and vs_dtype_* functions work on the caller's views only, and the
/// strings they return are static (they live as long as the library). Thread-safety: Safe.
/// u8 output holds the resized RGB values (no rescale or normalization);
/// float output is (value * rescale - mean[c]) / std[c].
typedef struct VsView {
    char name[32];     ///< tensor name suffix (default "custom")
    int width, height; ///< output size (default 384 x 384)
    int resize;        ///< enum VsResize (default VS_RESIZE_SQUASH)
    int filter;        ///< enum VsFilter (default VS_FILTER_BICUBIC)
    int crop_round;    ///< enum VsCropRound (default VS_CROP_FLOOR)
    float rescale;     ///< (default 1/255)
    float mean[3];     ///< per channel, R G B (default 0.5)
    float std[3];      ///< per channel (default 0.5)
    uint8_t pad_fill[3]; ///< VS_RESIZE_PAD fill (default int(mean * 255))
    int dtype;         ///< enum VsDType (default VS_DTYPE_F16)
    int layout;        ///< enum VsLayout (default VS_LAYOUT_TCHW)
    int t_multiple;    ///< the sink pads a sample's frame count to a multiple of this by
                       ///< repeating its last frame, as Qwen2-VL's processor (default 0 = none)
    int smart_factor;  ///< VS_RESIZE_SMART: sides are multiples of this (default 28)
    int smart_min_pixels;   ///< VS_RESIZE_SMART: pixels per frame at least (default 128*28*28)
    int smart_max_pixels;   ///< VS_RESIZE_SMART: pixels per frame at most (default 768*28*28)
    int smart_total_pixels; ///< VS_RESIZE_SMART: budget over all frames, 0 = none (default 24576*28*28;
                            ///< presets qwen2.5vl/qwen3vl: MODEL_SEQ_LEN*f*f*0.9 with MODEL_SEQ_LEN
                            ///< 128000: set it for another MODEL_SEQ_LEN)
    uint8_t reserved[44];
} VsView;

/// SigLIP-like defaults: 384 squash bicubic, mean = std = 0.5, f16, tchw.
VS_API void vs_view_default(VsView *view);
/// Fill view from a preset: "siglip-384", "clip-336", "internvideo2-224", "qwen2vl",
/// "qwen2.5vl", "qwen3vl" (smart resize: call vs_view_resolve per video), "internvl-448",
/// "apollo-siglip", "apollo-internvideo2" (Apollo's two towers: padded to a square filled
/// with int(mean * 255)).
VS_API int vs_view_preset(VsView *view, const char *name);
/// Names of the presets, NULL-terminated.
VS_API const char *const *vs_view_preset_names(void);
/// Check a view; returns VS_ERR_INVALID_ARG with a message naming the field.
VS_API int vs_view_validate(const VsView *view);
/// Set a VS_RESIZE_SMART view's width and height for one video: Qwen2-VL's
/// smart_resize of its display size, with the per-frame budget
/// max(min(max_pixels, total_pixels / frames * 2), int(min_pixels * 1.05)) as
/// qwen-vl-utils computes it for `frames` frames. Other views are left as they
/// are. VS_ERR_INVALID_ARG for an aspect ratio above 200 (as qwen-vl-utils).
/// A reader refuses a smart view that was not resolved for its source and plan.
VS_API int vs_view_resolve(VsView *view, int display_width, int display_height, size_t frames);
/// Visual tokens `frames` frames of this view become in its encoder: for a preset view,
/// frames x one token per patch (siglip-384 729, clip-336 576, internvideo2-224 256,
/// internvl-448 1024, apollo-siglip 729, apollo-internvideo2 256); for a smart (Qwen)
/// view as resolved, ceil(frames / 2) * (height / factor) * (width / factor). 0 when
/// unknown (a custom view, an unresolved smart view).
VS_API int64_t vs_view_tokens(const VsView *view, size_t frames);
/// Bytes of one frame of this view: 3 * width * height * dtype size.
VS_API size_t vs_view_frame_bytes(const VsView *view);
/// "u8", "f16", "bf16", "f32" and back (-1 for an unknown name).
VS_API const char *vs_dtype_name(int dtype);
VS_API int vs_dtype_from_name(const char *name);

/// Names of the view enums, as the CLI and the sample metadata spell them, and back.
/// *_name: a static string, NULL for a value out of range; *_from_name: the value,
/// -1 for an unknown name or NULL. Thread-safety: Safe.
/// enum VsResize: "squash", "short-crop", "pad", "smart".
VS_API const char *vs_resize_name(int resize);
VS_API int vs_resize_from_name(const char *name);
/// enum VsFilter: "bicubic", "bilinear", "area", "lanczos".
VS_API const char *vs_filter_name(int filter);
VS_API int vs_filter_from_name(const char *name);
/// enum VsLayout: "tchw", "thwc".
VS_API const char *vs_layout_name(int layout);
VS_API int vs_layout_from_name(const char *name);

/* ------------------------------------------------------------ fetch frames */

enum VsBackendKind {
    VS_BACKEND_CPU = 0,    ///< libswscale + the PIL-exact resampler (the reference)
    VS_BACKEND_AUTO = 1,   ///< the first hardware Vulkan GPU, else the CPU
    VS_BACKEND_VULKAN = 2, ///< Vulkan compute on device `gpu` (software devices too)
};

enum VsSeekMode {
    /// the frame displayed at each time (decodes from the keyframe before it)
    VS_SEEK_EXACT = 0,
    /// the frame nearest each time among those already decoded and the
    /// keyframes on either side of it: never decodes past a keyframe
    VS_SEEK_APPROXIMATE = 1,
};

/// Names of enum VsBackendKind ("cpu", "auto", "vulkan") and enum VsSeekMode ("exact",
/// "approximate"), and back; as the view names above. Thread-safety: Safe.
VS_API const char *vs_backend_name(int backend);
VS_API int vs_backend_from_name(const char *name);
VS_API const char *vs_seek_name(int seek);
VS_API int vs_seek_from_name(const char *name);

typedef struct VsReaderSettings {
    int backend;     ///< enum VsBackendKind (default VS_BACKEND_CPU)
    int gpu;         ///< Vulkan device index for VS_BACKEND_VULKAN (default 0)
    int seek;        ///< enum VsSeekMode (default VS_SEEK_EXACT)
    int prefetch;    ///< frames decoded ahead on a thread of the reader while the caller
                     ///< preprocesses and writes (default 0 = 3; -1 = no thread: decode
                     ///< inside vs_reader_next; at most 8)
    int segments;    ///< decoders working at once on consecutive stretches of a plan whose
                     ///< times only grow, in a video with a keyframe index, each with its
                     ///< own open of the file (default 0 = one per core, at most 4, where
                     ///< the plan has at least 16 times; 1 = one decoder)
    uint8_t reserved[48];
} VsReaderSettings;

typedef struct VsFrameInfo {
    size_t index;     ///< position in the plan
    double target;    ///< requested time
    double pts;       ///< presentation time of the frame returned (displayed at target)
    int32_t clip;     ///< clip id, or -1
} VsFrameInfo;

/// Streams the plan's frames in plan order. Thread-safety: Unsafe; it uses its
/// source, which must not be used by anything else until the reader is closed.
typedef struct VsReader VsReader;

/// Thread-safety: Safe.
VS_API void vs_reader_default_settings(VsReaderSettings *s);

/// 0 when the backend (enum VsBackendKind) can run here, with gpu the Vulkan
/// device index; VS_ERR_UNSUPPORTED and a message ("no Vulkan device 3 (there
/// are 1)") otherwise. VS_BACKEND_AUTO and VS_BACKEND_CPU always can.
/// Thread-safety: Safe.
VS_API int vs_backend_available(int backend, int gpu);

/// views (nviews >= 1) and plan are copied; src must outlive the reader. On success
/// *out belongs to the caller until vs_reader_close(). Thread-safety: Safe for readers
/// over different sources; src is the reader's alone until it is closed.
VS_API int vs_reader_open(VsReader **out, VsSource *src, const VsPlan *plan, const VsView *views,
                          size_t nviews, const VsReaderSettings *settings);
/// Decode the next planned frame and write view v into dst[v]
/// (vs_view_frame_bytes(&views[v]) bytes, caller-owned). dst may be NULL to
/// fetch without preprocessing. Returns 1 when a frame was written, 0 at the
/// end of the plan, or a negative VS_ERR_*. The reader keeps no pointer to dst.
/// Thread-safety: Unsafe (one call at a time per reader; successive calls may come
/// from different threads).
VS_API int vs_reader_next(VsReader *r, void *const *dst, VsFrameInfo *info);
/// dedup (",dedup[=T]"): fetch the plan's frames (settings' seek mode; no preprocessing),
/// compare each one's 64x36 luma thumbnail with the last kept frame's, and drop the times
/// whose change is below T (vs_plan_dropped lists them, the note counts them); when fewer
/// than the plan's min_frames remain, the most different dropped times come back. Costs
/// one decode of the planned frames: vs_sample_open decides while it reads, with no second
/// decode, and drops the same times given the same candidates and seek mode (its token
/// budget, max_tokens, thins the candidates first). A call that failed midway may be
/// repeated. Returns 0 at once when nothing is pending; settings may be NULL; no
/// other reader may be open over src. Thread-safety: Unsafe: the one call that changes a
/// plan, and it uses src.
VS_API int vs_plan_dedup(VsPlan *plan, VsSource *src, const VsReaderSettings *settings);
/// VS_BACKEND_CPU or VS_BACKEND_VULKAN: the backend the reader runs on.
VS_API int vs_reader_backend(const VsReader *r);
/// Frames the decoder produced so far (cost figure).
VS_API int64_t vs_reader_frames_decoded(const VsReader *r);
/// Stop the reader's prefetch thread and free the reader; its source may then be used
/// again or closed. Thread-safety: Unsafe.
VS_API void vs_reader_close(VsReader **r);

#ifdef __cplusplus
}
#endif
#endif /* VSAMPLE_VSAMPLE_H */
