/* STUB: replaced by the plan implementation. */
#include "internal.h"
void vs_plan_default_settings(VsPlanSettings *s) { (void)s; }
int vs_plan_create(VsPlan **out, const VsPlanInput *in, const char *strategy, const VsPlanSettings *settings)
{ (void)out; (void)in; (void)strategy; (void)settings; return vs_error(VS_ERR_UNSUPPORTED, "plan: not implemented"); }
void vs_plan_free(VsPlan **plan) { (void)plan; }
size_t vs_plan_count(const VsPlan *plan) { (void)plan; return 0; }
const double *vs_plan_times(const VsPlan *plan) { (void)plan; return NULL; }
const int32_t *vs_plan_clips(const VsPlan *plan) { (void)plan; return NULL; }
int32_t vs_plan_num_clips(const VsPlan *plan) { (void)plan; return 0; }
const char *vs_plan_strategy(const VsPlan *plan) { (void)plan; return ""; }
const char *vs_plan_note(const VsPlan *plan) { (void)plan; return ""; }
