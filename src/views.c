/* STUB: replaced by the view/preset implementation. */
#include "internal.h"
void vs_view_default(VsView *view) { (void)view; }
int vs_view_preset(VsView *view, const char *name) { (void)view; (void)name; return VS_ERR_UNSUPPORTED; }
const char *const *vs_view_preset_names(void) { static const char *const n[] = {NULL}; return n; }
int vs_view_validate(const VsView *view) { (void)view; return VS_ERR_UNSUPPORTED; }
size_t vs_view_frame_bytes(const VsView *view) { (void)view; return 0; }
const char *vs_dtype_name(int dtype) { (void)dtype; return "?"; }
int vs_dtype_from_name(const char *name) { (void)name; return -1; }
