/* STUB */
#include "internal.h"
void vs_reader_default_settings(VsReaderSettings *s) { (void)s; }
int vs_reader_open(VsReader **out, VsSource *src, const VsPlan *plan, const VsView *views, size_t nviews, const VsReaderSettings *settings) { (void)out; (void)src; (void)plan; (void)views; (void)nviews; (void)settings; return VS_ERR_UNSUPPORTED; }
int vs_reader_next(VsReader *r, void *const *dst, VsFrameInfo *info) { (void)r; (void)dst; (void)info; return VS_ERR_UNSUPPORTED; }
int64_t vs_reader_frames_decoded(const VsReader *r) { (void)r; return 0; }
void vs_reader_close(VsReader **r) { (void)r; }
