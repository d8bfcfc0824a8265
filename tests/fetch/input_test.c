/* The library leaves FFmpeg's global log level and callback alone, and a source opened
 * from memory (VsInput.data) or from VsIO callbacks over a FILE* has the stream info of the
 * same file opened by path; a VsIO source reads its frames too, and refuses a second decoder.
 * Usage: input_test (makes its video with the ffmpeg CLI; exit 77 without it) */
#include "vsample/vsample.h"

#include <libavutil/log.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../plan/require.h"

static int ffmpeg_lines;

static void count_lines(void *avcl, int level, const char *fmt, va_list vl)
{
    (void)avcl, (void)level, (void)fmt, (void)vl;
    ffmpeg_lines++;
}

static int file_read(void *opaque, uint8_t *buf, int size)
{
    size_t n = fread(buf, 1, (size_t)size, opaque);
    return n ? (int)n : ferror((FILE *)opaque) ? -1 : 0;
}

static int64_t file_seek(void *opaque, int64_t offset, int whence)
{
    FILE *f = opaque;
    if (whence == VS_IO_SIZE) {
        long pos = ftell(f);
        if (fseek(f, 0, SEEK_END) < 0)
            return -1;
        long end = ftell(f);
        fseek(f, pos, SEEK_SET);
        return end;
    }
    if (fseek(f, (long)offset, whence) < 0)
        return -1;
    return ftell(f);
}

/* The info fields that do not depend on how the input was named. */
static void same_info(const VsStreamInfo *a, const VsStreamInfo *b)
{
    REQUIRE(!strcmp(a->container, b->container));
    REQUIRE(!strcmp(a->codec, b->codec));
    REQUIRE(a->duration == b->duration);
    REQUIRE_INT(a->counted_frames, b->counted_frames);
    REQUIRE_INT(a->header_frames, b->header_frames);
    REQUIRE_INT(a->keyframes, b->keyframes);
    REQUIRE_INT(a->coded_width, b->coded_width);
    REQUIRE_INT(a->coded_height, b->coded_height);
    REQUIRE_INT(a->time_base.den, b->time_base.den);
    REQUIRE(!strcmp(a->pix_fmt, b->pix_fmt));
}

/* Every frame of an fps:10 plan, fetched without preprocessing: how many came. */
static int count_frames(VsSource *src, int segments)
{
    VsPlanInput in;
    VsPlan *plan = NULL;
    VsReader *r = NULL;
    VsReaderSettings rs;
    REQUIRE_INT(vs_source_plan_input(src, &in), 0);
    REQUIRE_INT(vs_plan_create(&plan, &in, "fps:10", NULL), 0);
    vs_reader_default_settings(&rs);
    rs.segments = segments;
    VsView view;
    vs_view_default(&view);
    view.width = view.height = 32;
    int ret = vs_reader_open(&r, src, plan, &view, 1, &rs);
    if (ret < 0)
        FAIL("reader: %s", vs_last_error());
    int n = 0;
    VsFrameInfo fi;
    while ((ret = vs_reader_next(r, NULL, &fi)) > 0)
        n++;
    if (ret < 0)
        FAIL("next: %s", vs_last_error());
    REQUIRE_INT((size_t)n, vs_plan_count(plan));
    vs_reader_close(&r);
    vs_plan_free(&plan);
    return n;
}

int main(int argc, char **argv)
{
    (void)argc, (void)argv;
    if (system("ffmpeg -version > /dev/null 2>&1") != 0) {
        fprintf(stderr, "SKIP: no ffmpeg CLI\n");
        return 77;
    }
    char dir[] = "/tmp/vsample-input-test-XXXXXX", *path = NULL, *cmd = NULL;
    REQUIRE(mkdtemp(dir));
    REQUIRE(asprintf(&path, "%s/clip.mp4", dir) > 0);
    REQUIRE(asprintf(&cmd, "ffmpeg -v error -nostdin -y -f lavfi -i testsrc2=size=320x240:rate=25 -t 4 "
                           "-c:v libx264 -g 25 -bf 2 %s", path) > 0);
    REQUIRE(system(cmd) == 0);
    av_log_set_level(AV_LOG_DEBUG);
    av_log_set_callback(count_lines);

    VsSource *by_path = NULL, *by_mem = NULL, *by_io = NULL;
    if (vs_source_open(&by_path, path, NULL) < 0)
        FAIL("%s", vs_last_error());
    REQUIRE_INT(av_log_get_level(), AV_LOG_DEBUG);
    REQUIRE(ffmpeg_lines > 0); /* our callback stayed in place and heard FFmpeg */
    REQUIRE(!strcmp(vs_source_info(by_path)->path, path));

    FILE *f = fopen(path, "rb");
    REQUIRE(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    rewind(f);
    uint8_t *data = malloc((size_t)size);
    REQUIRE(data && fread(data, 1, (size_t)size, f) == (size_t)size);

    VsInput in = {.data = data, .size = (size_t)size};
    if (vs_source_open_input(&by_mem, &in, NULL) < 0)
        FAIL("memory: %s", vs_last_error());
    REQUIRE(!strcmp(vs_source_info(by_mem)->path, "<memory>"));
    same_info(vs_source_info(by_path), vs_source_info(by_mem));

    rewind(f);
    VsIO io = {.opaque = f, .read = file_read, .seek = file_seek};
    VsInput in_io = {.io = &io, .name = "clip via FILE*"};
    if (vs_source_open_input(&by_io, &in_io, NULL) < 0)
        FAIL("io: %s", vs_last_error());
    REQUIRE(!strcmp(vs_source_info(by_io)->path, "clip via FILE*"));
    same_info(vs_source_info(by_path), vs_source_info(by_io));

    /* frames: the same count from each; VsIO asks for 4 decoders and gets one, quietly */
    int n = count_frames(by_path, 4);
    REQUIRE_INT(count_frames(by_mem, 4), n);
    REQUIRE_INT(count_frames(by_io, 4), n);
    REQUIRE_INT(av_log_get_level(), AV_LOG_DEBUG);

    /* bad inputs: one line each, no crash */
    VsSource *bad = NULL;
    VsInput two = {.path = path, .data = data, .size = (size_t)size};
    REQUIRE_INT(vs_source_open_input(&bad, &two, NULL), VS_ERR_INVALID_ARG);
    VsInput none = {0};
    REQUIRE_INT(vs_source_open_input(&bad, &none, NULL), VS_ERR_INVALID_ARG);
    VsInput junk = {.data = "not a video at all", .size = 18, .name = "junk"};
    REQUIRE(vs_source_open_input(&bad, &junk, NULL) < 0);
    REQUIRE(!strncmp(vs_last_error(), "junk: ", 6));
    VsIO noseek = {.opaque = f, .read = file_read};
    rewind(f);
    VsInput in_noseek = {.io = &noseek};
    int ret = vs_source_open_input(&bad, &in_noseek, NULL); /* moov last: needs a seek, or not */
    if (ret < 0)
        REQUIRE(strstr(vs_last_error(), "<stream>: ") == vs_last_error());
    vs_source_close(&bad);
    REQUIRE(!bad);

    vs_source_close(&by_io);
    vs_source_close(&by_mem);
    vs_source_close(&by_path);
    fclose(f);
    free(data);
    av_log_set_callback(av_log_default_callback);
    unlink(path);
    rmdir(dir);
    free(path);
    free(cmd);
    printf("ok: %d frames from path, memory and VsIO; FFmpeg's log level left at DEBUG\n", n);
    return 0;
}
