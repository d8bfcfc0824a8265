/* The fast resampler paths against the plain C reference, byte for byte
 * (the reference itself is compared with PIL in test_resample.py).
 *
 * Random sizes (up and down, odd, 1 pixel), all filters, windows, padded
 * strides and pictures that make the kernels overshoot (0/255 noise), plus the
 * sizes that matter in practice. Every buffer ends at an inaccessible page, so
 * a read past the last input byte or a write past the last output byte
 * crashes the test; output padding bytes must stay untouched.
 *
 *   resample_fast_test [CASES [SEED]]
 * Exit 77 (skipped) when this CPU runs no fast path. */
#include "resample.h"
#include "vsample/vsample.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int failures;

#define REQUIRE(cond, ...)                                                     \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "%s:%d: REQUIRE(%s) failed: ", __FILE__, __LINE__, #cond); \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            failures++;                                                        \
        }                                                                      \
    } while (0)

static uint64_t rng_state;

static uint32_t rnd(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 16);
}

static int rnd_in(int lo, int hi) /* inclusive */
{
    return lo + (int)(rnd() % (uint32_t)(hi - lo + 1));
}

/* n bytes whose end touches a PROT_NONE page. */
typedef struct Guarded {
    uint8_t *p;
    void *map;
    size_t map_len;
} Guarded;

static int guarded_alloc(Guarded *g, size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t body = (n + page - 1) / page * page;
    g->map_len = body + page;
    g->map = mmap(NULL, g->map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (g->map == MAP_FAILED)
        return -1;
    if (mprotect((uint8_t *)g->map + body, page, PROT_NONE) < 0)
        return -1;
    g->p = (uint8_t *)g->map + body - n;
    return 0;
}

static void guarded_free(Guarded *g)
{
    munmap(g->map, g->map_len);
}

typedef struct Case {
    int in_w, in_h, out_w, out_h, filter;
    int x0, y0, w, h;
    int src_pad, dst_pad, content;
} Case;

static void fill(uint8_t *src, ptrdiff_t stride, const Case *c)
{
    for (int y = 0; y < c->in_h; y++)
        for (int x = 0; x < c->in_w * 3; x++) {
            uint8_t v;
            switch (c->content) {
            case 0: v = (uint8_t)rnd(); break;
            case 1: v = (rnd() & 1) ? 255 : 0; break; /* overshoot: clipping */
            default: v = (uint8_t)((x * 7 + y * 3) >> 2); break;
            }
            src[y * stride + x] = v;
        }
}

static const char *filter_name(int f)
{
    static const char *names[] = {"bicubic", "bilinear", "area", "lanczos"};
    return f >= 0 && f < 4 ? names[f] : "?";
}

/* Runs case c with impl and the reference; returns 0 when the bytes agree. */
static int run_case(const Case *c, int impl)
{
    ptrdiff_t src_stride = (ptrdiff_t)c->in_w * 3 + c->src_pad;
    ptrdiff_t dst_stride = (ptrdiff_t)c->w * 3 + c->dst_pad;
    size_t src_len = (size_t)(c->in_h - 1) * (size_t)src_stride + (size_t)c->in_w * 3;
    size_t dst_len = (size_t)(c->h - 1) * (size_t)dst_stride + (size_t)c->w * 3;
    VsResampler ref, fast;
    Guarded src, d_ref, d_fast, s_ref, s_fast;
    int ok = 1;
    if (vs_resampler_init_impl(&ref, c->in_w, c->in_h, c->out_w, c->out_h, c->filter,
                               VS_RESAMPLE_REFERENCE) < 0 ||
        vs_resampler_init_impl(&fast, c->in_w, c->in_h, c->out_w, c->out_h, c->filter, impl) < 0) {
        REQUIRE(0, "init failed");
        return -1;
    }
    REQUIRE(ref.impl == VS_RESAMPLE_REFERENCE && fast.impl == impl, "impl %d/%d", ref.impl,
            fast.impl);
    size_t scratch_len = vs_resample_scratch_size(&ref, c->y0, c->w, c->h);
    REQUIRE(scratch_len == vs_resample_scratch_size(&fast, c->y0, c->w, c->h), "scratch size");
    if (guarded_alloc(&src, src_len) < 0 || guarded_alloc(&d_ref, dst_len) < 0 ||
        guarded_alloc(&d_fast, dst_len) < 0 || guarded_alloc(&s_ref, scratch_len) < 0 ||
        guarded_alloc(&s_fast, scratch_len) < 0) {
        perror("mmap");
        exit(1);
    }
    memset(src.p, 0x5a, src_len);
    fill(src.p, src_stride, c);
    memset(d_ref.p, 0xa5, dst_len);
    memset(d_fast.p, 0xa5, dst_len);
    vs_resample_rgb24(&ref, src.p, src_stride, d_ref.p, dst_stride, c->x0, c->y0, c->w, c->h,
                      s_ref.p);
    vs_resample_rgb24(&fast, src.p, src_stride, d_fast.p, dst_stride, c->x0, c->y0, c->w, c->h,
                      s_fast.p);
    if (memcmp(d_ref.p, d_fast.p, dst_len) != 0) {
        size_t i = 0;
        while (d_ref.p[i] == d_fast.p[i])
            i++;
        REQUIRE(0,
                "%s: %dx%d -> %dx%d %s window %d,%d %dx%d pads %d/%d content %d: byte %zu "
                "(row %zu, col %zu) is %d, reference %d",
                vs_resample_impl_name(impl), c->in_w, c->in_h, c->out_w, c->out_h,
                filter_name(c->filter), c->x0, c->y0, c->w, c->h, c->src_pad, c->dst_pad,
                c->content, i, i / (size_t)dst_stride, i % (size_t)dst_stride, d_fast.p[i],
                d_ref.p[i]);
        ok = 0;
    }
    guarded_free(&src);
    guarded_free(&d_ref);
    guarded_free(&d_fast);
    guarded_free(&s_ref);
    guarded_free(&s_fast);
    vs_resampler_free(&ref);
    vs_resampler_free(&fast);
    return ok ? 0 : -1;
}

static void random_window(Case *c, int full)
{
    if (full) {
        c->x0 = c->y0 = 0;
        c->w = c->out_w;
        c->h = c->out_h;
        return;
    }
    c->x0 = rnd_in(0, c->out_w - 1);
    c->y0 = rnd_in(0, c->out_h - 1);
    c->w = rnd_in(1, c->out_w - c->x0);
    c->h = rnd_in(1, c->out_h - c->y0);
}

static int random_size(void)
{
    switch (rnd() % 4) {
    case 0: return rnd_in(1, 8);
    case 1: return rnd_in(1, 64);
    default: return rnd_in(1, 420);
    }
}

static void test_env_override(void)
{
    VsResampler r;
    setenv("VSAMPLE_CPU", "reference", 1);
    REQUIRE(vs_resampler_init(&r, 64, 48, 32, 32, VS_FILTER_BICUBIC) == 0, "init");
    REQUIRE(r.impl == VS_RESAMPLE_REFERENCE && r.fast == NULL, "VSAMPLE_CPU=reference gave %s",
            vs_resample_impl_name(r.impl));
    vs_resampler_free(&r);
    unsetenv("VSAMPLE_CPU");
    REQUIRE(vs_resampler_init(&r, 64, 48, 32, 32, VS_FILTER_BICUBIC) == 0, "init");
    REQUIRE(r.impl != VS_RESAMPLE_AUTO && vs_resample_impl_supported(r.impl), "auto gave %s",
            vs_resample_impl_name(r.impl));
    vs_resampler_free(&r);
}

int main(int argc, char **argv)
{
    int cases = argc > 1 ? atoi(argv[1]) : 600;
    unsigned long long seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 20240611ULL;
    static const int impls[] = {VS_RESAMPLE_AVX2};
    int ran = 0;

    test_env_override();
    for (size_t k = 0; k < sizeof(impls) / sizeof(impls[0]); k++) {
        int impl = impls[k];
        if (!vs_resample_impl_supported(impl)) {
            printf("%s: not supported here, skipped\n", vs_resample_impl_name(impl));
            continue;
        }
        ran++;
        int bad = 0;
        /* The sizes vsample uses: 1080p / 360p to the encoders' squares and a
         * shortest-edge crop, in every filter, full and windowed. */
        static const int real[][4] = {{1920, 1080, 384, 384}, {640, 360, 384, 384},
                                      {1920, 1080, 398, 224}, {640, 360, 336, 336},
                                      {1280, 720, 224, 224},  {360, 640, 189, 336}};
        for (size_t i = 0; i < sizeof(real) / sizeof(real[0]); i++)
            for (int f = 0; f < 4; f++) {
                Case c = {real[i][0], real[i][1], real[i][2], real[i][3], f, 0, 0, 0, 0, 0, 0,
                          (int)(i + (size_t)f) % 3};
                random_window(&c, 1);
                bad += run_case(&c, impl) < 0;
                if (c.out_w > 224) { /* a centre crop as the preprocessor does */
                    c.x0 = (c.out_w - 224) / 2;
                    c.w = 224;
                }
                bad += run_case(&c, impl) < 0;
            }
        rng_state = seed * 2654435761ULL + 1;
        for (int i = 0; i < cases && bad < 10; i++) {
            Case c;
            c.in_w = random_size();
            c.in_h = random_size();
            c.out_w = random_size();
            c.out_h = random_size();
            if (rnd() % 4 == 0) /* one axis kept: that pass is skipped */
                c.out_w = c.in_w;
            else if (rnd() % 4 == 0)
                c.out_h = c.in_h;
            c.filter = rnd_in(0, 3);
            random_window(&c, rnd() % 3 == 0);
            c.src_pad = rnd() % 2 ? rnd_in(1, 40) : 0;
            c.dst_pad = rnd() % 2 ? rnd_in(1, 9) : 0;
            c.content = rnd_in(0, 2);
            bad += run_case(&c, impl) < 0;
        }
        printf("%s: %d random cases (seed %llu) and %zu real sizes, %d mismatches\n",
               vs_resample_impl_name(impl), cases, seed, sizeof(real) / sizeof(real[0]) * 8, bad);
    }
    if (failures)
        return 1;
    return ran ? 0 : 77;
}
