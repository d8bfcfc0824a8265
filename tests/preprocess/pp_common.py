"""Shared helpers of the preprocess tests: skip without numpy/PIL, test
pictures, and running resize_tool."""
import subprocess
import sys

SKIP = 77

try:
    import numpy as np
    from PIL import Image
except ImportError as e:  # pragma: no cover - depends on the machine
    print(f"SKIP: needs numpy and PIL ({e})")
    sys.exit(SKIP)

# enum VsFilter -> PIL resample
PIL_FILTERS = {0: Image.BICUBIC, 1: Image.BILINEAR, 2: Image.BOX, 3: Image.LANCZOS}
FILTER_NAMES = {0: "bicubic", 1: "bilinear", 2: "area", 3: "lanczos"}


def random_image(rng, w, h):
    return rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)


def natural_image(rng, w, h):
    """Smooth gradients, a few hard edges and saturated areas, plus noise:
    the structure of real frames, where rounding ties are common."""
    y, x = np.mgrid[0:h, 0:w].astype(np.float64)
    fx, fy = x / max(w - 1, 1), y / max(h - 1, 1)
    r = 255 * fx
    g = 128 + 110 * np.sin(6.0 * fy + 3.0 * fx)
    b = 255 * (1 - fy) * fx
    img = np.stack([r, g, b], axis=-1)
    # hard edges: a block, a stripe pattern, pure black and white areas
    img[h // 4: h // 2 + 1, w // 3: (2 * w) // 3 + 1] = [250, 20, 30]
    img[:, ::7] = 255
    img[(3 * h) // 4:, : w // 5 + 1] = 0
    img += rng.normal(0, 6, size=img.shape)
    return np.clip(np.rint(img), 0, 255).astype(np.uint8)


def run_tool(args, data):
    p = subprocess.run(args, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, args))} failed ({p.returncode}): "
                           f"{p.stderr.decode(errors='replace').strip()}")
    return p.stdout


# ---------------------------------------------------------------- references
PRESETS = {  # name: (side, resize, filter, crop_round, mean, std)
    "siglip-384": (384, "squash", 0, "floor", [0.5] * 3, [0.5] * 3),
    "clip-336": (336, "short_crop", 0, "floor", [0.48145466, 0.4578275, 0.40821073],
                 [0.26862954, 0.26130258, 0.27577711]),
    "internvideo2-224": (224, "short_crop", 1, "round", [0.485, 0.456, 0.406],
                         [0.229, 0.224, 0.225]),
    "internvl-448": (448, "squash", 0, "floor", [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
    # Apollo's two towers: expand2square with int(mean * 255), then each processor's resize
    "apollo-siglip": (384, "pad", 0, "floor", [0.5] * 3, [0.5] * 3),
    "apollo-internvideo2": (224, "pad", 1, "round", [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]),
}
RESIZE = {"squash": 0, "short_crop": 1, "pad": 2}
ROUND = {"floor": 0, "round": 1}
DTYPES = {"u8": 0, "f16": 1, "bf16": 2, "f32": 3}


def hf_shortest_edge(img, size, resample):
    """transformers' get_resize_output_image_size(default_to_square=False)."""
    h, w = img.shape[:2]
    short, long = (w, h) if w <= h else (h, w)
    new_short, new_long = size, int(size * long / short)
    new_w, new_h = (new_short, new_long) if w <= h else (new_long, new_short)
    return np.asarray(Image.fromarray(img).resize((new_w, new_h), resample))


def cover(img, W, H, resample):
    """The generalised rule for W != H (brief of views): cover, keep aspect."""
    h, w = img.shape[:2]
    if w * H >= h * W:
        nw, nh = int(H * w / h), H
    else:
        nw, nh = W, int(W * h / w)
    return np.asarray(Image.fromarray(img).resize((nw, nh), resample))


def center_crop(img, W, H, rounding):
    h, w = img.shape[:2]
    if rounding == "floor":  # transformers' center_crop
        top, left = (h - H) // 2, (w - W) // 2
    else:  # InternVideo2: round((size - crop) / 2), Python's round
        top, left = int(round((h - H) / 2)), int(round((w - W) / 2))
    return img[top:top + H, left:left + W]


def expand2square(img, fill):
    """Apollo's expand2square on a PIL image."""
    pil = Image.fromarray(img)
    w, h = pil.size
    if w == h:
        return img
    side = max(w, h)
    out = Image.new(pil.mode, (side, side), fill)
    out.paste(pil, ((side - w) // 2, (side - h) // 2))
    return np.asarray(out)


def reference_u8(img, rotation, W, H, resize, filt, rounding, mean):
    img = np.ascontiguousarray(np.rot90(img, k=rotation // 90))
    resample = PIL_FILTERS[filt]
    if resize == "squash":
        return np.asarray(Image.fromarray(img).resize((W, H), resample))
    if resize == "pad":
        sq = expand2square(img, tuple(int(x * 255) for x in mean))
        return np.asarray(Image.fromarray(sq).resize((W, H), resample))
    big = hf_shortest_edge(img, W, resample) if W == H else cover(img, W, H, resample)
    return center_crop(big, W, H, rounding)


def bf16_bits(f):
    u = f.view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def reference_tensor(u8, dtype, layout, mean, std):
    if dtype == "u8":
        out = u8
    else:
        x = u8.astype(np.float32) * np.float32(1 / 255)
        x = (x - np.array(mean, np.float32)) / np.array(std, np.float32)
        out = {"f32": x, "f16": x.astype(np.float16).view(np.uint16), "bf16": bf16_bits(x)}[dtype]
    return out.transpose(2, 0, 1) if layout == "tchw" else out
