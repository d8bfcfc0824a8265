"""The u8 resampler against PIL's Image.resize: bit-exact for every filter,
up- and downscaling, odd and 1-pixel sizes, random and natural pictures.

usage: test_resample.py RESIZE_TOOL"""
import sys

from pp_common import (FILTER_NAMES, PIL_FILTERS, Image, natural_image, np, random_image,
                       run_tool)

# (src w, src h, dst w, dst h)
SIZES = [
    (320, 240, 384, 384),    # upscale, squash
    (333, 207, 384, 384),    # odd source
    (640, 360, 224, 224),    # downscale
    (1280, 720, 384, 384),   # strong downscale
    (640, 480, 336, 252),
    (641, 479, 101, 77),     # odd both sides
    (100, 100, 100, 37),     # one axis kept: that pass is skipped
    (64, 80, 191, 80),
    (17, 23, 17, 23),        # identity
    (1, 1, 5, 7),            # 1-pixel source
    (7, 1, 1, 3),            # 1-pixel rows and output columns
    (5, 5, 1, 1),            # down to 1 pixel
    (1000, 13, 3, 500),      # extreme aspect ratios
    (9, 4000, 9, 3),
    (384, 384, 383, 385),    # scale close to 1
    (226, 160, 224, 162),
]


def check(tool, img, ow, oh, filt, label):
    h, w = img.shape[:2]
    ref = np.asarray(Image.fromarray(img, "RGB").resize((ow, oh), PIL_FILTERS[filt]))
    out = run_tool([tool, "resize", str(w), str(h), str(ow), str(oh), str(filt)], img.tobytes())
    got = np.frombuffer(out, dtype=np.uint8).reshape(oh, ow, 3)
    if not np.array_equal(got, ref):
        diff = np.abs(got.astype(int) - ref.astype(int))
        print(f"FAIL {label} {w}x{h} -> {ow}x{oh} {FILTER_NAMES[filt]}: "
              f"{int((diff > 0).sum())} bytes differ, max {int(diff.max())}")
        return False
    return True


def main():
    tool = sys.argv[1]
    rng = np.random.default_rng(1234)
    fails = cases = 0
    for (w, h, ow, oh) in SIZES:
        pictures = [("natural", natural_image(rng, w, h))]
        if w * h <= 400 * 400:
            pictures.append(("random", random_image(rng, w, h)))
        for label, img in pictures:
            for filt in PIL_FILTERS:
                cases += 1
                fails += not check(tool, img, ow, oh, filt, label)
    # random sizes, both directions
    for _ in range(24):
        w, h = (int(v) for v in rng.integers(1, 300, size=2))
        ow, oh = (int(v) for v in rng.integers(1, 400, size=2))
        filt = int(rng.integers(0, 4))
        img = natural_image(rng, w, h) if rng.integers(0, 2) else random_image(rng, w, h)
        cases += 1
        fails += not check(tool, img, ow, oh, filt, "random-size")
    print(f"{cases - fails}/{cases} resize cases bit-exact to PIL {Image.__version__}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
