/* The text helpers sample_metadata() and json_floats() in cmd_extract.c still
 * call, until they move into the library (issue 9); to be deleted then. They
 * print through jansson and vs_stream_info_json(). jansson has a json_string
 * of its own, so the old names are macros for names of ours: include this
 * after every other header, and only in cmd_extract.c. */
#ifndef VSAMPLE_JSON_COMPAT_H
#define VSAMPLE_JSON_COMPAT_H

#include "vsample/vsample.h"

#include <stdio.h>

void compat_json_string(FILE *f, const char *s);
void compat_json_number(FILE *f, double v);
void compat_json_stream_info(FILE *f, const VsStreamInfo *in);

#define json_string compat_json_string
#define json_number compat_json_number
#define json_stream_info compat_json_stream_info

#endif
