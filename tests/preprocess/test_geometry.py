"""Whole views through the preprocessor (RGB24 frames, so swscale is a copy)
against Python reimplementations of the encoders' own preprocessing: Hugging
Face CLIP's shortest-edge resize + centre crop, InternVideo2's rounded crop,
Apollo's expand2square, PIL's resize; then rotation (numpy rot90),
rescale/normalize in float32, dtype and layout.

usage: test_geometry.py RESIZE_TOOL"""
import sys

from pp_common import (DTYPES, PRESETS, RESIZE, ROUND, natural_image, np, random_image,
                       reference_tensor, reference_u8, run_tool)


def run_case(tool, img, rotation, preset=None, W=None, H=None, resize=None, filt=None,
             rounding="floor", dtype="f32", layout="tchw"):
    args = [tool, "view", str(img.shape[1]), str(img.shape[0]), str(rotation)]
    mean, std = [0.5] * 3, [0.5] * 3
    if preset:
        side, resize, filt, rounding, mean, std = PRESETS[preset]
        W = H = side
        args.append(f"preset={preset}")
    else:
        args += [f"width={W}", f"height={H}", f"resize={RESIZE[resize]}", f"filter={filt}",
                 f"crop_round={ROUND[rounding]}"]
    args += [f"dtype={DTYPES[dtype]}", f"layout={0 if layout == 'tchw' else 1}"]
    ref = reference_tensor(reference_u8(img, rotation, W, H, resize, filt, rounding, mean),
                           dtype, layout, mean, std)
    raw = run_tool(args, img.tobytes())
    npdt = {"u8": np.uint8, "f32": np.float32, "f16": np.uint16, "bf16": np.uint16}[dtype]
    got = np.frombuffer(raw, dtype=npdt).reshape(ref.shape)
    label = f"{preset or resize} {img.shape[1]}x{img.shape[0]} rot {rotation} -> {W}x{H} " \
            f"filter {filt} {rounding} {dtype} {layout}"
    if not np.array_equal(got, ref):
        bad = got != ref
        print(f"FAIL {label}: {int(bad.sum())} of {bad.size} values differ")
        return False
    return True


def main():
    tool = sys.argv[1]
    rng = np.random.default_rng(99)
    ok = []
    sources = [(320, 240), (333, 207), (207, 333), (400, 400), (225, 300), (641, 359)]
    for (w, h) in sources:
        img = natural_image(rng, w, h)
        for preset in PRESETS:
            ok.append(run_case(tool, img, 0, preset=preset))
    # rotation with each preset, odd sizes so that every turn is visible
    img = natural_image(rng, 301, 170)
    for rot in (90, 180, 270):
        for preset in PRESETS:
            ok.append(run_case(tool, img, rot, preset=preset, dtype="u8", layout="thwc"))
    # crop rounding: odd differences where floor and half-to-even disagree
    for (w, h) in [(227, 224), (224, 231), (229, 224), (300, 225)]:
        img = random_image(rng, w, h)
        for rounding in ("floor", "round"):
            ok.append(run_case(tool, img, 0, W=224, H=224, resize="short_crop", filt=1,
                               rounding=rounding, dtype="u8"))
    # non-square outputs, both cover branches, every filter
    img = natural_image(rng, 350, 197)
    for (W, H) in [(160, 120), (120, 160), (97, 97), (400, 100)]:
        for filt in range(4):
            ok.append(run_case(tool, img, 0, W=W, H=H, resize="short_crop", filt=filt,
                               dtype="u8", layout="thwc"))
    # pad to square (expand2square), landscape / portrait / square, rotated too
    for (w, h, rot) in [(320, 180, 0), (181, 320, 0), (200, 200, 0), (333, 120, 90)]:
        img = natural_image(rng, w, h)
        ok.append(run_case(tool, img, rot, W=384, H=384, resize="pad", filt=0, dtype="u8"))
        ok.append(run_case(tool, img, rot, W=100, H=60, resize="pad", filt=2, dtype="u8"))
    # dtypes and layouts
    img = natural_image(rng, 256, 144)
    for dtype in DTYPES:
        for layout in ("tchw", "thwc"):
            ok.append(run_case(tool, img, 0, preset="clip-336", dtype=dtype, layout=layout))
    # tiny pictures
    for (w, h) in [(1, 1), (1, 5), (6, 1)]:
        img = random_image(rng, w, h)
        ok.append(run_case(tool, img, 90, W=7, H=3, resize="short_crop", filt=0, dtype="u8"))
        ok.append(run_case(tool, img, 0, W=4, H=4, resize="pad", filt=3, dtype="u8"))
    print(f"{sum(ok)}/{len(ok)} view cases equal to the Python reference")
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
