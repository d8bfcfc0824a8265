"""ctypes mirrors of include/vsample/vsample.h: structs field for field (reserved
space included, so sizes match) and the prototype of every function used.
tests/python/test_structs.py checks sizeof and every offsetof against the C compiler's.
"""
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double, c_float, c_int, c_int32,
                    c_int64, c_size_t, c_uint8, c_uint64, c_void_p, sizeof)


class VsRational(Structure):
    _fields_ = [("num", c_int), ("den", c_int)]


class VsStreamInfo(Structure):
    _fields_ = [
        ("path", c_char_p),
        ("container", c_char * 64),
        ("codec", c_char * 32),
        ("stream_index", c_int),
        ("duration", c_double),
        ("duration_source", c_int),
        ("start_time", c_double),
        ("start_pts", c_int64),
        ("time_base", VsRational),
        ("avg_frame_rate", VsRational),
        ("real_frame_rate", VsRational),
        ("header_frames", c_int64),
        ("counted_frames", c_int64),
        ("keyframes", c_int64),
        ("coded_width", c_int),
        ("coded_height", c_int),
        ("rotation", c_int),
        ("sample_aspect_ratio", VsRational),
        ("display_width", c_int),
        ("display_height", c_int),
        ("pix_fmt", c_char * 32),
        ("bit_depth", c_int),
        ("color_matrix", c_char * 24),
        ("color_range", c_char * 16),
        ("color_primaries", c_char * 24),
        ("color_transfer", c_char * 24),
        ("vfr", c_int),
        ("reserved", c_uint8 * (128 + 1024 - 8)),
    ]


class VsSourceSettings(Structure):
    _fields_ = [("threads", c_int), ("scan", c_int), ("io_timeout_ms", c_int),
                ("interrupt", c_void_p), ("interrupt_opaque", c_void_p),
                ("reserved", c_uint8 * (64 - 4 - 2 * sizeof(c_void_p) - (sizeof(c_void_p) - 4)))]


# VsIO's callbacks (the CFUNCTYPE objects must stay referenced while the source lives)
VS_IO_READ = CFUNCTYPE(c_int, c_void_p, POINTER(c_uint8), c_int)
VS_IO_SEEK = CFUNCTYPE(c_int64, c_void_p, c_int64, c_int)
VS_IO_SIZE = 0x10000


class VsIO(Structure):
    _fields_ = [("opaque", c_void_p), ("read", VS_IO_READ), ("seek", VS_IO_SEEK)]


class VsInput(Structure):
    _fields_ = [
        ("path", c_char_p),
        ("data", c_void_p),
        ("size", c_size_t),
        ("io", POINTER(VsIO)),
        ("name", c_char_p),
        ("reserved", c_uint8 * 64),
    ]


class VsPlanInput(Structure):
    _fields_ = [
        ("duration", c_double),
        ("avg_frame_rate", c_double),
        ("frame_count", c_int64),
        ("keyframe_times", POINTER(c_double)),
        ("n_keyframes", c_size_t),
        ("frame_times", POINTER(c_double)),
        ("n_frame_times", c_size_t),
        ("packet_end", c_double),
        ("analysis_times", POINTER(c_double)),
        ("analysis_scores", POINTER(c_double)),
        ("n_analysis", c_size_t),
        ("reserved", c_uint8 * 16),
    ]


class VsPlanSettings(Structure):
    _fields_ = [
        ("start", c_double),
        ("end", c_double),
        ("min_frames", c_int64),
        ("max_frames", c_int64),
        ("seed", c_uint64),
        ("reserved", c_uint8 * 64),
    ]


class VsView(Structure):
    _fields_ = [
        ("name", c_char * 32),
        ("width", c_int),
        ("height", c_int),
        ("resize", c_int),
        ("filter", c_int),
        ("crop_round", c_int),
        ("rescale", c_float),
        ("mean", c_float * 3),
        ("std", c_float * 3),
        ("pad_fill", c_uint8 * 3),
        ("dtype", c_int),
        ("layout", c_int),
        ("t_multiple", c_int),
        ("smart_factor", c_int),
        ("smart_min_pixels", c_int),
        ("smart_max_pixels", c_int),
        ("smart_total_pixels", c_int),
        ("reserved", c_uint8 * 44),
    ]


class VsReaderSettings(Structure):
    _fields_ = [
        ("backend", c_int),
        ("gpu", c_int),
        ("seek", c_int),
        ("prefetch", c_int),
        ("segments", c_int),
        ("reserved", c_uint8 * 48),
    ]


class VsViewOptions(Structure):
    _fields_ = [
        ("presets", c_char_p),
        ("width", c_int),
        ("height", c_int),
        ("resize", c_int),
        ("filter", c_int),
        ("mean_set", c_int),
        ("mean", c_float * 3),
        ("std_set", c_int),
        ("std", c_float * 3),
        ("dtype", c_int),
        ("layout", c_int),
        ("reserved", c_uint8 * 64),
    ]


class VsSampleSettings(Structure):
    _fields_ = [
        ("strategy", c_char_p),
        ("plan", VsPlanSettings),
        ("source", VsSourceSettings),
        ("reader", VsReaderSettings),
        ("pad", c_int),
        ("max_tokens", c_int64),
        ("reserved", c_uint8 * 56),
    ]


class VsPlanScene(Structure):
    _fields_ = [("start", c_double), ("end", c_double), ("score", c_double), ("frames", c_int64)]


class VsPlanDrop(Structure):
    _fields_ = [("time", c_double), ("change", c_double)]


class VsFrameInfo(Structure):
    _fields_ = [("index", c_size_t), ("target", c_double), ("pts", c_double), ("clip", c_int32)]


# Every struct above, by its C name (the struct test walks this).
STRUCTS = {c.__name__: c for c in (VsRational, VsStreamInfo, VsSourceSettings, VsIO, VsInput, VsPlanInput,
                                     VsPlanSettings, VsPlanScene, VsPlanDrop, VsView, VsReaderSettings, VsFrameInfo,
                                     VsViewOptions, VsSampleSettings)}

_handle = POINTER(c_void_p)  # VsThing **: open/close write through it

# name: (restype, argtypes)
PROTOTYPES = {
    "vs_version": (c_char_p, []),
    "vs_strerror": (c_char_p, [c_int]),
    "vs_last_error": (c_char_p, []),
    "vs_source_default_settings": (None, [POINTER(VsSourceSettings)]),
    "vs_source_open": (c_int, [_handle, c_char_p, POINTER(VsSourceSettings)]),
    "vs_source_open_input": (c_int, [_handle, POINTER(VsInput), POINTER(VsSourceSettings)]),
    "vs_source_close": (None, [_handle]),
    "vs_source_info": (POINTER(VsStreamInfo), [c_void_p]),
    "vs_plan_default_settings": (None, [POINTER(VsPlanSettings)]),
    "vs_source_plan_input": (c_int, [c_void_p, POINTER(VsPlanInput)]),
    "vs_plan_create": (c_int, [_handle, POINTER(VsPlanInput), c_char_p, POINTER(VsPlanSettings)]),
    "vs_strategy_needs_scan": (c_int, [c_char_p]),
    "vs_strategy_needs_analysis": (c_int, [c_char_p]),
    "vs_source_analyze": (c_int, [c_void_p]),
    "vs_view_tokens": (c_int64, [POINTER(VsView), c_size_t]),
    "vs_plan_free": (None, [_handle]),
    "vs_plan_count": (c_size_t, [c_void_p]),
    "vs_plan_times": (POINTER(c_double), [c_void_p]),
    "vs_plan_clips": (POINTER(c_int32), [c_void_p]),
    "vs_plan_indices": (POINTER(c_int64), [c_void_p]),
    "vs_plan_num_clips": (c_int32, [c_void_p]),
    "vs_plan_strategy": (c_char_p, [c_void_p]),
    "vs_plan_note": (c_char_p, [c_void_p]),
    "vs_plan_scenes": (POINTER(VsPlanScene), [c_void_p, POINTER(c_size_t)]),
    "vs_plan_dropped": (POINTER(VsPlanDrop), [c_void_p, POINTER(c_size_t)]),
    "vs_plan_dedup_pending": (c_int, [c_void_p]),
    "vs_plan_dedup": (c_int, [c_void_p, c_void_p, POINTER(VsReaderSettings)]),
    "vs_view_default": (None, [POINTER(VsView)]),
    "vs_view_preset": (c_int, [POINTER(VsView), c_char_p]),
    "vs_view_preset_names": (POINTER(c_char_p), []),
    "vs_view_validate": (c_int, [POINTER(VsView)]),
    "vs_view_resolve": (c_int, [POINTER(VsView), c_int, c_int, c_size_t]),
    "vs_view_frame_bytes": (c_size_t, [POINTER(VsView)]),
    "vs_dtype_name": (c_char_p, [c_int]),
    "vs_dtype_from_name": (c_int, [c_char_p]),
    "vs_reader_default_settings": (None, [POINTER(VsReaderSettings)]),
    "vs_backend_available": (c_int, [c_int, c_int]),
    "vs_reader_open": (c_int, [_handle, c_void_p, c_void_p, POINTER(VsView), c_size_t,
                               POINTER(VsReaderSettings)]),
    "vs_reader_next": (c_int, [c_void_p, POINTER(c_void_p), POINTER(VsFrameInfo)]),
    "vs_reader_backend": (c_int, [c_void_p]),
    "vs_reader_frames_decoded": (c_int64, [c_void_p]),
    "vs_reader_close": (None, [_handle]),
    "vs_duration_source_name": (c_char_p, [c_int]),
    "vs_resize_from_name": (c_int, [c_char_p]),
    "vs_filter_from_name": (c_int, [c_char_p]),
    "vs_layout_from_name": (c_int, [c_char_p]),
    "vs_seek_from_name": (c_int, [c_char_p]),
    "vs_backend_from_name": (c_int, [c_char_p]),
    "vs_view_options_default": (None, [POINTER(VsViewOptions)]),
    "vs_views_build": (c_int, [POINTER(VsViewOptions), POINTER(VsView), c_size_t, POINTER(c_size_t)]),
    "vs_sample_default_settings": (None, [POINTER(VsSampleSettings)]),
    "vs_sample_open_source": (c_int, [_handle, c_void_p, POINTER(VsView), c_size_t,
                                      POINTER(VsSampleSettings)]),
    "vs_sample_close": (None, [_handle]),
    "vs_sample_frames": (c_size_t, [c_void_p]),
    "vs_sample_views": (POINTER(VsView), [c_void_p]),
    "vs_sample_shape": (c_int, [c_void_p, c_size_t, POINTER(c_int64)]),
    "vs_sample_metadata_json": (c_char_p, [c_void_p]),
    "vs_sample_read": (c_int, [c_void_p, POINTER(c_void_p), POINTER(c_double), POINTER(c_double),
                               POINTER(c_int32)]),
}


def declare(handle):
    """Set restype/argtypes of every function on a ctypes.CDLL of libvsample."""
    for name, (restype, argtypes) in PROTOTYPES.items():
        fn = getattr(handle, name)
        fn.restype = restype
        fn.argtypes = argtypes

