/* STUB */
#include "internal.h"
void vs_source_default_settings(VsSourceSettings *s) { (void)s; }
int vs_source_open(VsSource **out, const char *path, const VsSourceSettings *settings) { (void)out; (void)path; (void)settings; return VS_ERR_UNSUPPORTED; }
void vs_source_close(VsSource **src) { (void)src; }
const VsStreamInfo *vs_source_info(const VsSource *src) { (void)src; return NULL; }
int vs_source_plan_input(VsSource *src, VsPlanInput *in) { (void)src; (void)in; return VS_ERR_UNSUPPORTED; }
