/* The picture code without the CLI: glyphs, text rendering at scales 1 and 2,
 * clipping, time labels (hand-computed) and the atomic save's failure paths. */
#include "../plan/require.h"
#include "font.h"
#include "picture.h"
#include "timefmt.h"

#include <dirent.h>
#include <errno.h>
#include <unistd.h>

#define BG 0x000000
#define INK 0xFFFFFF

static int inked(const Picture *p, int x, int y)
{
    return p->rgb[((size_t)y * (size_t)p->width + (size_t)x) * 3] != 0;
}

/* Every printable glyph but the space has ink, and no two look alike. */
static void test_glyphs(void)
{
    for (int c = 33; c < 127; c++) {
        const uint8_t *g = font_glyph((unsigned char)c);
        int ink = 0;
        for (int i = 0; i < FONT_WIDTH; i++)
            ink += g[i] != 0;
        if (!ink)
            FAIL("glyph '%c' is empty", c);
        for (int d = 33; d < c; d++)
            if (!memcmp(g, font_glyph((unsigned char)d), FONT_WIDTH))
                FAIL("glyphs '%c' and '%c' are the same", c, d);
    }
    REQUIRE(!memcmp(font_glyph(' '), "\0\0\0\0\0", FONT_WIDTH));
    REQUIRE(font_glyph(7) == font_glyph('?'));
    REQUIRE(font_glyph(200) == font_glyph('?'));
}

/* "0123" drawn at scale 1: each cell holds exactly its glyph (bit y of column
 * x <=> pixel), the cells differ, and nothing is drawn between them. At scale 2
 * every font pixel is a 2x2 block. */
static void test_text(void)
{
    for (int scale = 1; scale <= 2; scale++) {
        Picture p;
        REQUIRE_OK(picture_create(&p, 40 * scale, 12 * scale, BG));
        int end = picture_text(&p, scale, 2 * scale, "0123", scale, INK);
        REQUIRE_INT(end, scale + 4 * FONT_ADVANCE * scale);
        REQUIRE_INT(picture_text_width("0123", scale), (3 * FONT_ADVANCE + FONT_WIDTH) * scale);
        int total = 0;
        for (int y = 0; y < p.height; y++)
            for (int x = 0; x < p.width; x++) {
                int gx = x / scale - 1, gy = y / scale - 2, ch = gx / FONT_ADVANCE, col = gx % FONT_ADVANCE;
                int want = 0;
                if (gx >= 0 && gy >= 0 && gy < FONT_HEIGHT && ch < 4 && col < FONT_WIDTH)
                    want = font_glyph((unsigned char)("0123"[ch]))[col] >> gy & 1;
                if (inked(&p, x, y) != want)
                    FAIL("scale %d: pixel (%d, %d) is %d, want %d", scale, x, y, inked(&p, x, y), want);
                total += want;
            }
        REQUIRE(total > 4 * 8 * scale * scale);
        picture_free(&p);
    }
    for (int a = '0'; a <= '3'; a++)
        for (int b = '0'; b < a; b++)
            REQUIRE(memcmp(font_glyph((unsigned char)a), font_glyph((unsigned char)b), FONT_WIDTH));
    /* fitting: "12.50s" is 6 characters, 35 px at scale 1 */
    REQUIRE_INT(picture_text_width("12.50s", 1), 35);
    REQUIRE_INT(picture_text_fit("12.50s", 1, 35), 6);
    REQUIRE_INT(picture_text_fit("12.50s", 1, 34), 5);
    REQUIRE_INT(picture_text_fit("12.50s", 2, 70), 6);
    REQUIRE_INT(picture_text_fit("12.50s", 2, 9), 0);
    /* UTF-8: one '?' per character, and fitting never splits a character */
    REQUIRE_INT(picture_text_width("\xc3\xa9t\xc3\xa9", 1), picture_text_width("???", 1));
    REQUIRE_INT(picture_text_fit("\xc3\xa9t\xc3\xa9", 1, 11), 3);
}

static void test_clipping(void)
{
    Picture p;
    REQUIRE(picture_create(&p, 0, 5, BG) < 0);
    REQUIRE(picture_create(&p, PICTURE_MAX_SIDE + 1, 1, BG) < 0);
    REQUIRE_OK(picture_create(&p, 10, 8, 0x102030));
    REQUIRE_INT(p.rgb[0], 0x10);
    REQUIRE_INT(p.rgb[1], 0x20);
    REQUIRE_INT(p.rgb[2], 0x30);
    picture_fill(&p, -5, -5, 10, 10, INK); /* covers (0..4, 0..4) */
    picture_fill(&p, 8, 6, 1000000, 2000000000, INK);
    int ink = 0;
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 10; x++) {
            int want = (x < 5 && y < 5) || (x >= 8 && y >= 6);
            REQUIRE_INT(inked(&p, x, y) && p.rgb[(y * 10 + x) * 3] == 0xFF, want);
            ink += want;
        }
    REQUIRE_INT(ink, 25 + 4);
    picture_fill(&p, 0, 0, 10, 8, BG);
    picture_line(&p, -3, 7, 12, 7, INK); /* a clipped horizontal line: the whole last row */
    picture_line(&p, 2, 0, 2, 3, INK);   /* a vertical tick, both ends included */
    for (int y = 0; y < 8; y++)
        for (int x = 0; x < 10; x++)
            REQUIRE_INT(inked(&p, x, y), y == 7 || (x == 2 && y <= 3));
    picture_fill(&p, 0, 0, 10, 8, BG);
    picture_line(&p, 0, 0, 7, 7, INK); /* the diagonal */
    for (int i = 0; i < 8; i++)
        REQUIRE(inked(&p, i, i));
    /* blit a 4x3 image half outside the right and bottom edges */
    uint8_t img[3][4 * 3];
    for (int y = 0; y < 3; y++)
        for (int x = 0; x < 4; x++)
            img[y][x * 3] = img[y][x * 3 + 1] = img[y][x * 3 + 2] = (uint8_t)(1 + y * 4 + x);
    picture_fill(&p, 0, 0, 10, 8, BG);
    picture_blit(&p, 8, 6, &img[0][0], 4, 3, sizeof(img[0]));
    picture_blit(&p, -2, -1, &img[0][0], 4, 3, sizeof(img[0]));
    REQUIRE_INT(p.rgb[(6 * 10 + 8) * 3], 1);
    REQUIRE_INT(p.rgb[(7 * 10 + 9) * 3 + 2], 6);
    REQUIRE_INT(p.rgb[(0 * 10 + 0) * 3], 7); /* image (2, 1) */
    REQUIRE_INT(p.rgb[(1 * 10 + 1) * 3], 12);
    REQUIRE_INT(p.rgb[(2 * 10 + 2) * 3], 0);
    picture_free(&p);
    REQUIRE(p.rgb == NULL);
}

static void test_times(void)
{
    char b[64];
    struct { double t, span; const char *want; } cases[] = {
        {12.5, 30, "12.50s"},
        {0.374999, 12, "0.37s"},
        {0.375001, 12, "0.38s"},
        {59.996, 59.999, "60.00s"},
        {59.996, 120, "1:00.00"},
        {123.456, 600, "2:03.46"},
        {3723.5, 7200, "1:02:03.5"},
        {3599.96, 4000, "1:00:00.0"},
        {0, 36000, "0:00:00.0"},
        {-0.5, 10, "-0.50s"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        format_time(b, sizeof(b), cases[i].t, cases[i].span);
        REQUIRE_STR(b, cases[i].want);
    }
    REQUIRE_INT(picture_type_for_path("a/sheet.png"), PICTURE_PNG);
    REQUIRE_INT(picture_type_for_path("sheet.PNG"), PICTURE_PNG);
    REQUIRE_INT(picture_type_for_path("x.jpg"), PICTURE_JPEG);
    REQUIRE_INT(picture_type_for_path("x.JPEG"), PICTURE_JPEG);
    REQUIRE_INT(picture_type_for_path("x.gif"), PICTURE_UNKNOWN);
    REQUIRE_INT(picture_type_for_path("png"), PICTURE_UNKNOWN);
    REQUIRE_INT(picture_type_for_path("dir.png/sheet"), PICTURE_UNKNOWN);
}

static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    REQUIRE(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

/* A failed or cancelled save leaves nothing behind; a good one leaves the file alone. */
static void test_save(void)
{
    char dir[] = "/tmp/vsample-picture-XXXXXX", path[128];
    REQUIRE(mkdtemp(dir));
    Picture p;
    REQUIRE_OK(picture_create(&p, 16, 9, 0x336699));
    atomic_int cancel = 1;
    snprintf(path, sizeof(path), "%s/a.png", dir);
    REQUIRE_INT(picture_save(&p, path, PICTURE_PNG, &cancel), -EINTR);
    REQUIRE_INT(entries(dir), 0);
    snprintf(path, sizeof(path), "%s/missing/a.png", dir);
    REQUIRE_INT(picture_save(&p, path, PICTURE_PNG, NULL), -ENOENT);
    snprintf(path, sizeof(path), "%s", dir); /* the directory itself as the target */
    REQUIRE(picture_save(&p, path, PICTURE_PNG, NULL) < 0);
    REQUIRE_INT(entries(dir), 0);
    cancel = 0;
    snprintf(path, sizeof(path), "%s/b.jpg", dir);
    REQUIRE_OK(picture_save(&p, path, PICTURE_JPEG, &cancel));
    REQUIRE_INT(entries(dir), 1);
    REQUIRE_OK(unlink(path));
    rmdir(dir);
    picture_free(&p);
}

int main(void)
{
    test_glyphs();
    test_text();
    test_clipping();
    test_times();
    test_save();
    printf("picture: ok\n");
    return 0;
}
