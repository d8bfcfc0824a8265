/* STUB: replaced by the CPU backend. */
#include "internal.h"
#include "preprocess.h"
int vs_preprocessor_create(VsPreprocessor **out, const VsView *views, size_t nviews)
{ (void)out; (void)views; (void)nviews; return vs_error(VS_ERR_UNSUPPORTED, "preprocess: not implemented"); }
int vs_preprocessor_run(VsPreprocessor *p, const AVFrame *frame, int rotation, void *const *dst)
{ (void)p; (void)frame; (void)rotation; (void)dst; return VS_ERR_UNSUPPORTED; }
void vs_preprocessor_destroy(VsPreprocessor **p) { (void)p; }
