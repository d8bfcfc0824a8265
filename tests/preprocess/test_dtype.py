"""float32 -> f16 against numpy's astype(float16) (round to nearest even), and
float32 -> bf16 against a numpy round-to-nearest-even reference, over strided
bit patterns of all float32s plus every f16/bf16 rounding tie and its
neighbours.

usage: test_dtype.py RESIZE_TOOL"""
import sys

from pp_common import np, run_tool


def sample_floats():
    u = np.arange(0, 2**32, 4099, dtype=np.uint64).astype(np.uint32)
    # Every f16 value, the midpoint to the next one (a tie) and one f32 ulp
    # either side of it: exactly where rounding decisions happen.
    h = np.arange(0, 2**16, dtype=np.uint32).astype(np.uint16).view(np.float16)
    h = h[np.isfinite(h)].astype(np.float32)
    with np.errstate(over="ignore"):
        nxt = np.nextafter(h.astype(np.float16), np.float16(np.inf)).astype(np.float32)
    mid = ((h.astype(np.float64) + nxt.astype(np.float64)) / 2).astype(np.float32)
    ties = np.concatenate([mid, np.nextafter(mid, np.float32(np.inf)),
                           np.nextafter(mid, np.float32(-np.inf))]).view(np.uint32)
    # bf16 ties: low 16 bits exactly 0x8000, and 0x7fff / 0x8001
    hi = np.arange(0, 2**16, 3, dtype=np.uint32) << 16
    bf = np.concatenate([hi | 0x8000, hi | 0x7FFF, hi | 0x8001, hi])
    special = np.array([0x7F800000, 0xFF800000, 0x7FC00000, 0xFFC00000, 0x7F800001,
                        0x00000001, 0x80000001, 0x7F7FFFFF, 0xFF7FFFFF, 0x477FF000,
                        0x477FEFFF, 0x33000000, 0x33000001, 0x32FFFFFF, 0x387FC000],
                       dtype=np.uint32)
    return np.concatenate([u, ties, bf, special]).view(np.float32)


def bf16_reference(f):
    u = f.view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    return r


def main():
    tool = sys.argv[1]
    f = sample_floats()
    nan = np.isnan(f)
    fails = 0

    got = np.frombuffer(run_tool([tool, "f16"], f.tobytes()), dtype=np.uint16)
    with np.errstate(over="ignore", invalid="ignore"):
        ref = f.astype(np.float16).view(np.uint16)
    got_nan = (got & 0x7C00) == 0x7C00
    got_nan &= (got & 0x3FF) != 0
    bad = (~nan & (got != ref)) | (nan & ~got_nan)
    if bad.any():
        i = np.flatnonzero(bad)[:8]
        print("FAIL f16:", [(hex(int(f.view(np.uint32)[j])), hex(int(got[j])), hex(int(ref[j])))
                            for j in i], f"({int(bad.sum())} of {f.size})")
        fails += 1

    got = np.frombuffer(run_tool([tool, "bf16"], f.tobytes()), dtype=np.uint16)
    ref = bf16_reference(f)
    got_nan = ((got & 0x7F80) == 0x7F80) & ((got & 0x7F) != 0)
    sign_ok = (got & 0x8000) == (f.view(np.uint32) >> 16 & 0x8000)
    bad = (~nan & (got != ref)) | (nan & ~(got_nan & sign_ok))
    if bad.any():
        i = np.flatnonzero(bad)[:8]
        print("FAIL bf16:", [(hex(int(f.view(np.uint32)[j])), hex(int(got[j])), hex(int(ref[j])))
                             for j in i], f"({int(bad.sum())} of {f.size})")
        fails += 1
    print(f"{f.size} values: f16 and bf16 {'differ' if fails else 'match'}")
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
