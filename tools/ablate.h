/* vsample ablate: several strategies on each video, measured side by side.
 * The pieces: options and the strategy list (cmd_ablate.c), one video's
 * measurement (ablate_measure.c), the figures (ablate_figures.c), the reports
 * (ablate_report.c, ablate_json.c), the pictures (ablate_timeline.c,
 * ablate_sheets.c) and the output directory (ablate_output.c). */
#ifndef VSAMPLE_ABLATE_H
#define VSAMPLE_ABLATE_H

#include "picture.h"
#include "view_options.h"

#include <signal.h>
#include <stdint.h>


typedef struct AblateOptions {
    PlanOptions plan;       /* settings and threads; plan.strategy is unused */
    ViewOptions view_opts;
    VsView views[MAX_VIEWS];
    size_t nviews;
    VsReaderSettings reader;
    char **strategies;      /* as given, in order */
    char **slugs;           /* file-name forms, unique */
    size_t nstrategies;
    int scan;               /* some strategy needs the source scanned */
    int64_t tokens_per_frame;
    int tokens_given;       /* --tokens-per-frame, not the preset table */
    int thumb;              /* contact sheet thumbnail width */
    const char *out_dir;
    int quiet;
} AblateOptions;

/* What a strategy's frames look like on a video's time line (ablate_figures.c). */
typedef struct Figures {
    double span;            /* seconds the strategy may sample: [start, end) of the trim */
    double effective_fps;   /* frames / span */
    size_t distinct;        /* distinct frame times */
    double gap_min, gap_mean, gap_max; /* between consecutive distinct times (NAN: < 2) */
    double longest_stretch; /* longest stretch of [0, duration] holding no frame time */
    size_t windows, windows_covered; /* 1-second windows [k, k+1) of the video */
    double coverage;        /* windows_covered / windows */
    size_t shots_covered;   /* the video's shots (VideoResult.shots) holding a frame time */
    double shot_coverage;   /* shots_covered / shots (NAN: no analysis) */
    double redundancy;      /* share of distinct frame times whose change since the one before
                             * is below VS_DEDUP_DEFAULT (NAN: no analysis) */
} Figures;

typedef struct StrategyResult {
    char *plan;             /* canonical strategy text (NULL when planning failed) */
    char *note;             /* the plan's note */
    char *error;            /* NULL when the strategy ran */
    size_t frames;
    double *targets, *pts;  /* per frame, plan order: time asked for, time of the frame returned */
    Figures fig;
    int64_t frames_decoded;
    double wall_s;          /* planning, reader open, decoding and preprocessing */
    uint64_t tensor_bytes, tokens;
    double *dropped;        /* times a content-aware strategy dropped (plan order) */
    size_t n_dropped;
    char *sheet;            /* file name of the contact sheet in DIR (NULL: none) */
    char *sheet_note;       /* why there is none */
} StrategyResult;

struct VideoResult;
typedef struct VideoResult {
    const char *path;
    char *key;
    char *error;            /* NULL unless the video could not be opened */
    int code;               /* EXIT_OK, or EXIT_INPUT / EXIT_INTERNAL when something failed */
    double duration;
    int width, height;      /* display size */
    int64_t frame_count;    /* counted (or header) frames; 0 unknown */
    double open_s;          /* opening (and scanning) the source, shared by all strategies */
    double analysis_s;      /* the analysis pass, shared by all strategies (0: failed) */
    VsPlanScene *shots;     /* the shots the default scenes strategy finds (NULL: no analysis) */
    size_t nshots;
    double *cum;            /* running sum of the analysis scores, at cum_times */
    const double *cum_times;
    size_t ncum;
    size_t shared_times;    /* distinct times of all strategies: one decode for the pictures */
    int64_t shared_decoded; /* frames that decode produced */
    double pictures_s;      /* its time */
    char *timeline;         /* file name in DIR (NULL: none) */
    StrategyResult *res;    /* nstrategies of them */
} VideoResult;

/* Thumbnails of a video's frames at sorted distinct target times. */
typedef struct Thumbs {
    int w, h;
    size_t n;
    double *targets;        /* sorted, distinct */
    double *pts;
    uint8_t *rgb;           /* n pictures of w x h x 3 */
} Thumbs;

/* ablate_figures.c */
void figures_compute(Figures *f, const double *pts, size_t n, double duration, double span);
/* Shot coverage and redundancy of the frame times pts (needs v's analysis). */
void figures_content(Figures *f, const double *pts, size_t n, const struct VideoResult *v);
/* 1 when vs_view_tokens() knows the view's tokens (a smart view: once resolved). */
int view_tokens_known(const VsView *v);

/* ablate_output.c: every file goes to a hidden staging directory inside DIR
 * and is renamed into DIR when the whole run has succeeded. */
typedef struct Staging {
    char *dir, *stage;
    int created_dir;
    char **names;
    size_t nnames;
} Staging;
int staging_open(Staging *s, const char *dir);     /* 0 or EXIT_OUTPUT (message printed) */
/* Path inside the staging directory for file `name` of DIR (remembered for the
 * commit); NULL when out of memory. Free it. */
char *staging_path(Staging *s, const char *name);
int staging_commit(Staging *s);                    /* 0 or EXIT_OUTPUT (message printed) */
void staging_discard(Staging *s);                  /* remove all, and DIR when this run made it */
/* Save a picture to path (DIR/name once committed): 0, EXIT_INTERRUPTED, or an
 * exit code with the message printed. */
int picture_save_staged(const AblateOptions *o, const Picture *pic, const char *path, const char *name, int type);

/* ablate_measure.c: run every strategy on one video; 0, or an exit code for a
 * failure that ends the run (interrupt, internal error, output error). Input
 * errors are recorded in v and printed, not returned. */
int ablate_video(const AblateOptions *o, Staging *st, VideoResult *v);
void video_result_free(VideoResult *v, size_t nstrategies);

/* ablate_sheets.c: a contact sheet per strategy from the thumbnails. */
/* The thumbnail width every sheet of the video can use (o->thumb, or less so
 * that the largest sheet stays within the limits); 0 when none fits. */
int sheets_thumb_width(const AblateOptions *o, const VideoResult *v, const VsStreamInfo *info);
int sheets_write(const AblateOptions *o, Staging *st, VideoResult *v, const Thumbs *t);

/* ablate_timeline.c */
int timeline_write(const AblateOptions *o, Staging *st, VideoResult *v);

/* ablate_report.c, ablate_json.c: 0 or EXIT_OUTPUT (message printed). */
int report_write_md(const AblateOptions *o, Staging *st, const VideoResult *v, size_t nvideos);
int report_write_csv(const AblateOptions *o, Staging *st, const VideoResult *v, size_t nvideos);
int report_write_json(const AblateOptions *o, Staging *st, const VideoResult *v, size_t nvideos);
/* Open a staged report file for writing; NULL (message printed) on failure. */
FILE *report_open(Staging *st, const char *name, char **path);
/* Close it: 0, or EXIT_OUTPUT (message printed) when anything failed. */
int report_close(FILE *f, const char *path);

#endif
